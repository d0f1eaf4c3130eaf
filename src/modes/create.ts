import type { Snapshot } from "../api/types.js";
import { State } from "../constants.js";
import { forEachConcurrently } from "../concurrency.js";
import { createSnapshotOnce } from "../exactly-once.js";
import { formatDuration } from "../duration.js";
import { explainFailure } from "../explain.js";
import type { Settings } from "../inputs.js";
import { publishSnapshots, snapshotIdsByServer } from "../outputs.js";
import type { ModeReport } from "../summary.js";
import { type SnapshotWaitResult, waitForSnapshots } from "../watch-snapshots.js";
import { type ModeContext, SERVER_CONCURRENCY } from "./context.js";

/** What happened on one server, as it becomes known. */
interface ServerResult {
  serverId: number;
  startedAtMs: number;
  snapshot?: Snapshot;
  adopted?: boolean;
  endedAtMs?: number;
  failure?: string;
}

export async function runCreate(settings: Settings, context: ModeContext): Promise<ModeReport> {
  const { log, deadline, setOutput } = context;
  const results = settings.serverIds.map((serverId): ServerResult => ({
    serverId,
    startedAtMs: 0,
  }));
  const made = () => results.flatMap((r) => (r.snapshot ? [r.snapshot] : []));

  await log.group(`Creating snapshot ${settings.name}`, () =>
    forEachConcurrently(results, SERVER_CONCURRENCY, async (result) => {
      result.startedAtMs = deadline.elapsedMs();
      await createOnServer(result, settings, context);
      // Published as soon as each is accepted, so a later failure or cancellation still has it.
      if (!result.snapshot) return;
      publishSnapshots(setOutput, made());
      if (settings.rollbackOnFailure) {
        context.saveState(State.rollbackTargets, JSON.stringify(snapshotIdsByServer(made())));
      }
    }),
  );

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
      : ["Not waited for (`wait: false`): the snapshots may still be in progress."],
  };
}

async function createOnServer(
  result: ServerResult,
  settings: Settings,
  context: ModeContext,
): Promise<void> {
  const { api, log } = context;
  const { serverId } = result;
  let snapshotsOnServer: number | undefined;
  try {
    const existing = await api.listSnapshots(serverId);
    snapshotsOnServer = existing.length;
    const request = { server_id: serverId, name: settings.name, description: settings.description };
    const created = await createSnapshotOnce(
      api,
      request,
      new Set(existing.map((s) => s.id)),
      context,
    );
    result.snapshot = created.value;
    result.adopted = created.recovered;
    log.info(
      `Server ${serverId}: snapshot ${created.value.id} (${created.value.name}) ` +
        `${created.recovered ? "was made" : "accepted"}, status ${created.value.status}.`,
    );
  } catch (error) {
    result.failure = explainFailure(error, { kind: "create", serverId, snapshotsOnServer });
    result.endedAtMs = context.deadline.elapsedMs();
    log.info(`Server ${serverId}: failed. ${result.failure}`);
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
        "timeout. It may still complete: its id is in the outputs. Raise timeout if this server needs longer.";
  }
}

function summaryRow(result: ServerResult): string[] {
  const { snapshot } = result;
  const took =
    result.endedAtMs === undefined ? "" : formatDuration(result.endedAtMs - result.startedAtMs);
  const status = result.failure && !snapshot ? "failed" : (snapshot?.status ?? "");
  return [
    String(result.serverId),
    snapshot ? String(snapshot.id) : "",
    snapshot?.name ?? "",
    result.adopted ? `${status} (found after a lost answer)` : status,
    typeof snapshot?.size_mb === "number" ? `${snapshot.size_mb} MB` : "",
    took,
  ];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
