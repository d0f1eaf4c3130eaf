import { RESTORING, type Snapshot, type SnapshotsApi } from "../api/types.js";
import { forEachConcurrently, SERVER_CONCURRENCY } from "./concurrency.js";
import { formatDuration } from "../duration.js";
import { type ExactlyOnceContext, restoreSnapshotOnce } from "./exactly-once.js";
import { lastCheckFailed } from "./wait-until.js";
import { explainFailure } from "../workflow/explain.js";
import { waitForRestores } from "./wait-for-restores.js";

/** One server's restore, as it becomes known. */
export interface RestoreResult {
  snapshot: Snapshot;
  startedAtMs: number;
  serverStatus?: string;
  endedAtMs?: number;
  failure?: string;
}

export interface RestoreOptions {
  wait: boolean;
  pollIntervalMs: number;
  /** Raise a warning annotation for each restore started, so it shows on the run's page. */
  announce?: boolean;
}

/** What restoring needs: the API, and the collaborators that send each restore exactly once. */
export interface RestoreContext extends ExactlyOnceContext {
  api: SnapshotsApi;
}

/** A final server status that means the restore went wrong, as far as words can tell. */
const FAILED_STATUS = /error|fail/i;

/**
 * Restores each server to its snapshot, each restore started at most once, then (with `wait`)
 * waits for every server until it is no longer restoring. Shared by restore mode and the rollback
 * post step, so both say and do the same.
 */
export async function restoreServers(
  targets: Snapshot[],
  options: RestoreOptions,
  context: RestoreContext,
): Promise<RestoreResult[]> {
  const { log, deadline } = context;
  const results = targets.map((snapshot): RestoreResult => ({ snapshot, startedAtMs: 0 }));
  if (results.length === 0) return results;
  const sayStarted = (line: string) => (options.announce ? log.warning(line) : log.info(line));

  await log.group(`Starting ${results.length} restore(s)`, () =>
    forEachConcurrently(results, SERVER_CONCURRENCY, async (result) => {
      const { snapshot } = result;
      const serverId = snapshot.server.id;
      result.startedAtMs = deadline.elapsedMs();
      try {
        const answer = await restoreSnapshotOnce(context.api, snapshot, context);
        result.serverStatus = answer.value.server?.status ?? RESTORING;
        sayStarted(
          `Server ${serverId}: restore from snapshot ${snapshot.id} (${snapshot.name}) started.`,
        );
      } catch (error) {
        result.failure = explainFailure(error, {
          kind: "restore",
          serverId,
          snapshotId: snapshot.id,
        });
        result.endedAtMs = deadline.elapsedMs();
        log.info(`Server ${serverId}: failed. ${result.failure}`);
      }
    }),
  );

  const started = results.filter((r) => !r.failure);
  if (options.wait && started.length > 0) {
    await log.group(`Waiting for ${started.length} restore(s) to finish`, () =>
      waitForStarted(started, options, context),
    );
  }
  return results;
}

async function waitForStarted(
  started: RestoreResult[],
  options: RestoreOptions,
  context: RestoreContext,
): Promise<void> {
  const { api, clock, deadline, log, signal } = context;
  try {
    const waited = await waitForRestores(
      api,
      started.map((r) => r.snapshot.server.id),
      { clock, deadline, maxIntervalMs: options.pollIntervalMs, log, signal },
    );
    for (const result of started) {
      const serverId = result.snapshot.server.id;
      const outcome = waited.get(serverId);
      if (!outcome) continue;
      result.serverStatus = outcome.status;
      result.endedAtMs = outcome.elapsedMs;
      if (outcome.kind === "vanished") {
        result.failure = `Server ${serverId} disappeared (HTTP 404) while it was being restored.`;
      } else if (outcome.kind === "timed-out") {
        result.failure =
          `Server ${serverId} is still restoring after the ${formatDuration(deadline.totalMs)} ` +
          "timeout. The restore goes on at the provider; do not start another one." +
          lastCheckFailed(outcome.lastFailure);
      } else if (FAILED_STATUS.test(outcome.status)) {
        result.failure = `Server ${serverId} ended the restore with status "${outcome.status}".`;
      }
    }
  } catch (error) {
    // An error no further check can fix (a refused token) ends every wait.
    for (const result of started) {
      result.failure = explainFailure(error, {
        kind: "wait-restore",
        serverId: result.snapshot.server.id,
      });
    }
  }
}

export const RESTORE_COLUMNS = ["Server", "Snapshot", "Name", "Created", "Server status", "Took"];

export function restoreRow(result: RestoreResult): string[] {
  const { snapshot } = result;
  return [
    String(snapshot.server.id),
    String(snapshot.id),
    snapshot.name,
    snapshot.created_at,
    result.failure && !result.serverStatus ? "not restored" : (result.serverStatus ?? ""),
    result.endedAtMs === undefined ? "" : formatDuration(result.endedAtMs - result.startedAtMs),
  ];
}
