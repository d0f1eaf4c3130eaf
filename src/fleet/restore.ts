import { RESTORING, type Snapshot, type SnapshotsApi } from "../api/types.js";
import { formatDuration } from "../duration.js";
import { explainFailure } from "../workflow/explain.js";
import type { SnapshotSelection } from "../workflow/snapshot-selection.js";
import { forEachConcurrently, SERVER_CONCURRENCY } from "./concurrency.js";
import { type ExactlyOnceContext, restoreSnapshotOnce } from "./exactly-once.js";
import { snapshotsForSelection } from "./lists/selected.js";
import { describeSelection, planRestore, serversNamedBy } from "./rules/restore-plan.js";
import { checkServers } from "./server-checks.js";
import { waitForRestores } from "./wait/restores.js";
import { lastCheckFailed } from "./wait/until.js";

/** One server's restore, as it becomes known. */
export interface RestoreResult {
  snapshot: Snapshot;
  startedAtMs: number;
  serverStatus?: string;
  endedAtMs?: number;
  failure?: string;
}

export interface StartOptions {
  /** Raise a warning annotation for each restore started, so it shows on the run's page. */
  announce: boolean;
}

/** What restoring needs: the API, and the collaborators that send each restore exactly once. */
export interface RestoreContext extends ExactlyOnceContext {
  api: SnapshotsApi;
}

/** Every target resolved and every server checked; any problem means no restore at all. */
export interface PreparedRestores {
  targets: Snapshot[];
  problems: string[];
}

/**
 * Resolves every snapshot and checks every server before the first restore: a restore cannot be
 * undone, so a half-right request is not carried out halfway. The servers that the selection
 * names are checked while their lists are read; plain ids name no server, so theirs are checked
 * once the snapshots are found.
 */
export async function prepareRestores(
  selection: SnapshotSelection,
  serverIds: readonly number[],
  namePrefix: string,
  context: Pick<RestoreContext, "api" | "log">,
): Promise<PreparedRestores> {
  const { api, log } = context;
  const named = serversNamedBy(selection, serverIds);
  const [read, early] = await Promise.all([
    snapshotsForSelection(api, selection, serverIds).then(
      (snapshots) => ({ snapshots }),
      (error: unknown) => ({ error }),
    ),
    named && checkServers(api, named, "restore", log),
  ]);
  if ("error" in read) {
    const failure = explainFailure(read.error, { kind: "list" });
    return {
      targets: [],
      problems: [
        ...(early?.problems ?? []),
        `Could not read the snapshots to restore (${describeSelection(selection, serverIds)}): ${failure}`,
      ],
    };
  }
  const plan = planRestore(selection, serverIds, namePrefix, read.snapshots);
  const targetServers = [...new Set(plan.targets.map((t) => t.server.id))];
  const checks = early ?? (await checkServers(api, targetServers, "restore", log));
  return { targets: plan.targets, problems: [...plan.problems, ...checks.problems] };
}

/** A final server status that means the restore went wrong, as far as words can tell. */
const FAILED_STATUS = /error|fail/i;

/**
 * Starts each server's restore, each at most once (a second restore would destroy again what was
 * written since the first): the change of restore mode and of the rollback post step alike.
 */
export async function startRestores(
  targets: Snapshot[],
  options: StartOptions,
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
        const status = answer.value.server?.status;
        result.serverStatus = typeof status === "string" ? status : RESTORING;
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
  return results;
}

/**
 * Waits, in a log group of its own, until every started restore's server is no longer
 * `restoring`, and writes each one's end into its result.
 */
export async function waitForRestoreResults(
  results: RestoreResult[],
  pollIntervalMs: number,
  context: RestoreContext,
): Promise<void> {
  const started = results.filter((r) => !r.failure);
  if (started.length === 0) return;
  await context.log.group(`Waiting for ${started.length} restore(s) to finish`, () =>
    waitForStarted(started, pollIntervalMs, context),
  );
}

async function waitForStarted(
  started: RestoreResult[],
  pollIntervalMs: number,
  context: RestoreContext,
): Promise<void> {
  const { api, clock, deadline, log, signal } = context;
  try {
    const waited = await waitForRestores(
      api,
      started.map((r) => r.snapshot.server.id),
      { clock, deadline, maxIntervalMs: pollIntervalMs, log, signal },
    );
    for (const result of started) {
      const serverId = result.snapshot.server.id;
      const outcome = waited.get(serverId);
      if (!outcome) continue;
      result.serverStatus = outcome.status;
      result.endedAtMs = outcome.elapsedMs;
      const snapshotId = result.snapshot.id;
      if (outcome.kind === "vanished") {
        result.failure = `Server ${serverId} disappeared (HTTP 404) while it was being restored to snapshot ${snapshotId}.`;
      } else if (outcome.kind === "timed-out") {
        result.failure =
          `Server ${serverId} is still restoring to snapshot ${snapshotId} after the ` +
          `${formatDuration(deadline.totalMs)} timeout. The restore goes on at the provider; do ` +
          "not start another one." +
          lastCheckFailed(outcome.lastFailure);
      } else if (FAILED_STATUS.test(outcome.status)) {
        result.failure = `Server ${serverId} ended the restore to snapshot ${snapshotId} with status "${outcome.status}".`;
      }
    }
  } catch (error) {
    // An error no further check can fix (a refused token) ends every wait.
    for (const result of started) {
      result.failure = explainFailure(error, {
        kind: "wait-restore",
        serverId: result.snapshot.server.id,
        snapshotId: result.snapshot.id,
      });
    }
  }
}
