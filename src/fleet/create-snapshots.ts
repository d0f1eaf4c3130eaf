import type { Snapshot, SnapshotsApi } from "../api/types.js";
import { formatDuration } from "../duration.js";
import { explainFailure, reportsSnapshotLimit } from "../workflow/explain.js";
import type { Settings } from "../workflow/inputs.js";
import { forEachConcurrently, SERVER_CONCURRENCY } from "./concurrency.js";
import { createSnapshotOnce, type ExactlyOnceContext } from "./exactly-once.js";
import { applyIfExists, makeRoom, type SlotContext } from "./server-slots.js";
import { AccountSize, type ServerLists, snapshotsByServer } from "./server-snapshots.js";
import { type SnapshotWaitResult, waitForSnapshots } from "./wait-for-snapshots.js";
import { lastCheckFailed } from "./wait-until.js";

/** What happened on one server, as it becomes known. */
export interface SnapshotResult {
  serverId: number;
  startedAtMs: number;
  snapshot?: Snapshot;
  adopted?: boolean;
  reused?: boolean;
  endedAtMs?: number;
  failure?: string;
}

/** What waiting for snapshots needs. */
export type WaitContext = Pick<ExactlyOnceContext, "clock" | "deadline" | "log" | "signal"> & {
  api: SnapshotsApi;
};

/** What creating needs: the API, the exactly-once collaborators, and the server-slot rules. */
export interface CreateContext extends ExactlyOnceContext, SlotContext {
  api: SnapshotsApi;
  /** Told as soon as each snapshot is accepted, with every one accepted so far. */
  onAccepted: (made: Snapshot[]) => void;
  /** A client for one look after a cancellation (see `lookAfterCancel`). */
  lastLook: () => SnapshotsApi;
}

export type CreateSettings = Pick<
  Settings,
  | "serverIds"
  | "name"
  | "namePrefix"
  | "description"
  | "ifExists"
  | "onLimit"
  | "wait"
  | "pollIntervalMs"
>;

/**
 * Snapshots each server, each snapshot created at most once, then (with `wait`) waits for all of
 * them with one check for the fleet. One server's failure does not stop the others.
 */
export async function createSnapshots(
  settings: CreateSettings,
  context: CreateContext,
): Promise<SnapshotResult[]> {
  const { log, deadline } = context;
  const results = settings.serverIds.map((serverId): SnapshotResult => ({
    serverId,
    startedAtMs: 0,
  }));
  // Learned by the first read of the servers' snapshots, used by every check of the wait.
  const accountSize = new AccountSize();

  await log.group(`Creating snapshot ${settings.name}`, async () => {
    let existing: ServerLists;
    try {
      existing = await snapshotsByServer(context.api, settings.serverIds, accountSize);
    } catch (error) {
      const failure = explainFailure(error, { kind: "list" });
      for (const result of results) result.failure = failure;
      return;
    }
    await forEachConcurrently(results, SERVER_CONCURRENCY, async (result) => {
      result.startedAtMs = deadline.elapsedMs();
      const { serverId } = result;
      if (existing.failed.has(serverId)) {
        result.failure = explainFailure(existing.failed.get(serverId), { kind: "list", serverId });
        return;
      }
      const onServer = existing.byServer.get(serverId) ?? [];
      await createOnServer(result, onServer, settings, context);
      if (!result.snapshot && context.signal?.aborted) {
        await lookAfterCancel(result, onServer, settings.name, context);
      }
      if (result.snapshot) context.onAccepted(madeSnapshots(results));
    });
  });

  const accepted = results.filter((r) => r.snapshot);
  if (settings.wait) await waitForResults(accepted, settings.pollIntervalMs, context, accountSize);
  return results;
}

/** The snapshots the results hold, in server order. */
export function madeSnapshots(results: SnapshotResult[]): Snapshot[] {
  return results.flatMap((r) => (r.snapshot ? [r.snapshot] : []));
}

async function createOnServer(
  result: SnapshotResult,
  existing: Snapshot[],
  settings: CreateSettings,
  context: CreateContext,
): Promise<void> {
  const { serverId } = result;
  try {
    const prepared = await applyIfExists(serverId, existing, settings, context);
    if (prepared.reuse) {
      result.snapshot = prepared.reuse;
      result.reused = true;
      return;
    }
    const created = await createWithRoom(serverId, prepared.remaining, settings, context);
    result.snapshot = created.value;
    result.adopted = created.recovered;
    context.log.info(
      `Server ${serverId}: snapshot ${created.value.id} (${created.value.name}) ` +
        `${created.recovered ? "was made" : "accepted"}, status ${created.value.status}.`,
    );
  } catch (error) {
    result.failure = explainFailure(error, {
      kind: "create",
      serverId,
      snapshotsOnServer: existing.length,
    });
    result.endedAtMs = context.deadline.elapsedMs();
    context.log.info(`Server ${serverId}: failed. ${result.failure}`);
  }
}

/**
 * The step was cancelled before this server's snapshot was known, maybe with the create request
 * open: the API may have made the snapshot all the same. One quick look for a new snapshot with
 * the step's name, within the runner's cancellation window, names it (and puts it in the outputs)
 * or says what to look for.
 */
async function lookAfterCancel(
  result: SnapshotResult,
  before: Snapshot[],
  name: string,
  context: CreateContext,
): Promise<void> {
  const { serverId } = result;
  const idsBefore = new Set(before.map((s) => s.id));
  let found: Snapshot | undefined;
  try {
    const listed = await context.lastLook().listSnapshots(serverId);
    found = listed.snapshots.find((s) => s.name === name && !idsBefore.has(s.id));
  } catch {
    // Nothing more can be learned in the time left; the message below says what to look for.
  }
  if (found) {
    result.snapshot = found;
    result.adopted = true;
    context.log.warning(
      `Cancelled, but server ${serverId}'s snapshot ${found.id} (${found.name}, ${found.status}) ` +
        "had been made: its id is in the outputs snapshot-id and snapshot-ids.",
    );
  } else {
    context.log.warning(
      `Cancelled before server ${serverId}'s snapshot was known: no snapshot named ${name} was ` +
        `found on it yet. The create request may still be carried out: look for a snapshot ` +
        `named ${name} on server ${serverId}.`,
    );
  }
}

/**
 * Makes room under the provider's limit, then creates. Another run can take the freed slot between
 * the two; a create refused for the limit then gets one more round of the same, never a loop.
 */
async function createWithRoom(
  serverId: number,
  existing: Snapshot[],
  settings: CreateSettings,
  context: CreateContext,
) {
  const request = { server_id: serverId, name: settings.name, description: settings.description };
  let onServer = existing;
  for (let round = 1; ; round++) {
    const { remaining } = await makeRoom(serverId, onServer, settings, context);
    try {
      return await createSnapshotOnce(
        context.api,
        request,
        new Set(remaining.map((s) => s.id)),
        context,
      );
    } catch (error) {
      if (!reportsSnapshotLimit(error) || round > 1) throw error;
      context.log.info(
        `Server ${serverId}: the API still reports the snapshot limit; making room once more.`,
      );
      onServer = (await context.api.listSnapshots(serverId)).snapshots;
    }
  }
}

/**
 * Waits for the results' snapshots, in a log group of its own, and writes each one's end into its
 * result: the wait of create mode and of wait mode alike.
 */
export async function waitForResults(
  results: SnapshotResult[],
  pollIntervalMs: number,
  context: WaitContext,
  accountSize = new AccountSize(),
): Promise<void> {
  const { api, clock, deadline, log, signal } = context;
  if (results.length === 0) return;
  const waited = await log.group(
    `Waiting for ${plural(results.length, "snapshot")} to complete`,
    () =>
      waitForSnapshots(
        api,
        madeSnapshots(results),
        { clock, deadline, maxIntervalMs: pollIntervalMs, log, signal },
        accountSize,
      ),
  );
  for (const result of results) {
    const outcome = waited.get((result.snapshot as Snapshot).id);
    if (outcome) applyWaitEnd(result, outcome, deadline.totalMs);
  }
}

function applyWaitEnd(result: SnapshotResult, outcome: SnapshotWaitResult, timeoutMs: number) {
  const snapshot = result.snapshot as Snapshot;
  result.snapshot = outcome.snapshot;
  result.endedAtMs = outcome.elapsedMs;
  const which = `Snapshot ${snapshot.id} of server ${result.serverId}`;
  switch (outcome.kind) {
    case "completed":
      return;
    case "failed":
      result.failure = `${which} ended with status "${outcome.snapshot.status}" instead of completed.`;
      return;
    case "vanished":
      result.failure = `${which} disappeared from the server's snapshots while it was being made: was it deleted elsewhere?`;
      return;
    case "error":
      result.failure = explainFailure(outcome.error, {
        kind: "wait",
        serverId: result.serverId,
        snapshotId: snapshot.id,
      });
      return;
    case "timed-out":
      result.failure =
        `${which} is still ${outcome.snapshot.status} after the ${formatDuration(timeoutMs)} ` +
        "timeout. It may still complete: its id is in the outputs. Raise timeout if this server needs longer." +
        lastCheckFailed(outcome.lastFailure);
  }
}

export const SNAPSHOT_COLUMNS = ["Server", "Snapshot", "Name", "Status", "Size", "Took"];

export function snapshotRow(result: SnapshotResult): string[] {
  const { snapshot } = result;
  const took =
    result.endedAtMs === undefined ? "" : formatDuration(result.endedAtMs - result.startedAtMs);
  const status = result.failure && !snapshot ? "failed" : (snapshot?.status ?? "");
  const how = result.adopted ? " (found after a lost answer)" : result.reused ? " (reused)" : "";
  return [
    String(result.serverId),
    snapshot ? String(snapshot.id) : "",
    snapshot?.name ?? "",
    `${status}${how}`,
    typeof snapshot?.size_mb === "number" ? `${snapshot.size_mb} MB` : "",
    took,
  ];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
