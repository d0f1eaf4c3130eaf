import type { Snapshot } from "../api/types.js";
import { forEachConcurrently } from "../concurrency.js";
import { createSnapshotOnce } from "../exactly-once.js";
import { formatDuration } from "../duration.js";
import { explainFailure, reportsSnapshotLimit } from "../explain.js";
import type { Settings } from "../inputs.js";
import { publishDeleted, publishSnapshots } from "../outputs.js";
import { saveRollbackTargets } from "../rollback-state.js";
import { applyIfExists, makeRoom, type SlotContext } from "../server-slots.js";
import { snapshotsByServer } from "../server-snapshots.js";
import type { ModeReport } from "../summary.js";
import { lastCheckFailed } from "../wait.js";
import { type SnapshotWaitResult, waitForSnapshots } from "../watch-snapshots.js";
import { type ModeContext, SERVER_CONCURRENCY } from "./context.js";

/** What happened on one server, as it becomes known. */
interface ServerResult {
  serverId: number;
  startedAtMs: number;
  snapshot?: Snapshot;
  adopted?: boolean;
  reused?: boolean;
  endedAtMs?: number;
  failure?: string;
}

type CreateContext = ModeContext & SlotContext;

export async function runCreate(settings: Settings, modeContext: ModeContext): Promise<ModeReport> {
  const { log, deadline, setOutput } = modeContext;
  const results = settings.serverIds.map((serverId): ServerResult => ({
    serverId,
    startedAtMs: 0,
  }));
  const made = () => results.flatMap((r) => (r.snapshot ? [r.snapshot] : []));
  const deletedIds: number[] = [];
  const context: CreateContext = {
    ...modeContext,
    now: modeContext.clock.wallNow(),
    onDeleted: (id) => {
      deletedIds.push(id);
      publishDeleted(setOutput, deletedIds);
    },
  };
  publishDeleted(setOutput, deletedIds);

  await log.group(`Creating snapshot ${settings.name}`, async () => {
    let existing: Map<number, Snapshot[]>;
    try {
      existing = await snapshotsByServer(context.api, settings.serverIds);
    } catch (error) {
      const failure = explainFailure(error, { kind: "list" });
      for (const result of results) result.failure = failure;
      return;
    }
    await forEachConcurrently(results, SERVER_CONCURRENCY, async (result) => {
      result.startedAtMs = deadline.elapsedMs();
      await createOnServer(result, existing.get(result.serverId) ?? [], settings, context);
      // Published as soon as each is accepted, so a later failure or cancellation still has it.
      if (!result.snapshot) return;
      publishSnapshots(setOutput, made());
      if (settings.rollbackOnFailure) saveRollbackTargets(context.saveState, made());
    });
  });

  const accepted = made();
  if (settings.wait && accepted.length > 0) {
    await log.group(`Waiting for ${plural(accepted.length, "snapshot")} to complete`, async () => {
      const waited = await waitForAll(accepted, settings, context);
      for (const result of results) {
        if (result.snapshot) applyWaitResult(result, waited, settings);
      }
    });
    publishSnapshots(setOutput, made());
  }

  return {
    title: "VPS snapshots",
    columns: ["Server", "Snapshot", "Name", "Status", "Size", "Took"],
    rows: results.map(summaryRow),
    failures: results.flatMap((r) => (r.failure ? [r.failure] : [])),
    notes: settings.wait
      ? []
      : ["Not waited for (wait is false): the snapshots may still be in progress."],
  };
}

async function createOnServer(
  result: ServerResult,
  existing: Snapshot[],
  settings: Settings,
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
 * Makes room under the provider's limit, then creates. Another run can take the freed slot between
 * the two; a create refused for the limit then gets one more round of the same, never a loop.
 */
async function createWithRoom(
  serverId: number,
  existing: Snapshot[],
  settings: Settings,
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
      onServer = await context.api.listSnapshots(serverId);
    }
  }
}

async function waitForAll(
  snapshots: Snapshot[],
  settings: Settings,
  context: ModeContext,
): Promise<Map<number, SnapshotWaitResult | { error: string }>> {
  const { api, clock, deadline, log, signal } = context;
  try {
    return await waitForSnapshots(api, snapshots, {
      clock,
      deadline,
      maxIntervalMs: settings.pollIntervalMs,
      log,
      signal,
    });
  } catch (error) {
    // An error no further check can fix (a refused token, a foreign paging link) ends every wait.
    return new Map(
      snapshots.map((s) => [
        s.id,
        { error: explainFailure(error, { kind: "wait", serverId: s.server.id, snapshotId: s.id }) },
      ]),
    );
  }
}

function applyWaitResult(
  result: ServerResult,
  waited: Map<number, SnapshotWaitResult | { error: string }>,
  settings: Settings,
): void {
  const snapshot = result.snapshot as Snapshot;
  const outcome = waited.get(snapshot.id);
  if (!outcome) return;
  if ("error" in outcome) {
    result.failure = outcome.error;
    return;
  }
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
    case "timed-out":
      result.failure =
        `${which} is still ${outcome.snapshot.status} after the ${formatDuration(settings.timeoutMs)} ` +
        "timeout. It may still complete: its id is in the outputs. Raise timeout if this server needs longer." +
        lastCheckFailed(outcome.lastFailure);
  }
}

function summaryRow(result: ServerResult): string[] {
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
