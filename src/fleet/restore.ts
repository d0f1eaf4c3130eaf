import { RESTORING, type Server, type Snapshot, type SnapshotsApi } from "../api/types.js";
import { formatDuration } from "../duration.js";
import { explainFailure, wrongApiUrl } from "../workflow/explain.js";
import { type HealthCheck, type HealthEnd, waitUntilHealthy } from "../health/check.js";
import type { HealthProbe } from "../health/probe.js";
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
  serverStatus?: string;
  /** When it ended, from the step's start: the measure the progress lines say too. */
  endedAtMs?: number;
  /** The restore did not happen, or did not end well. */
  failure?: string;
  /** With `health-url`: whether the service answered after the restore. */
  health?: HealthEnd;
}

/** `health-url` for each restored server, filled from what the checks before any restore read. */
export interface HealthWait {
  check: HealthCheck;
  urls: ReadonlyMap<number, string>;
  probe: HealthProbe;
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
  /** What the checks read of each server (its name and addresses fill `health-url`). */
  servers: Map<number, Server>;
}

/** Where a `snapshot-id` map came from: a person's input, or the rollback's record of its step. */
export type MapSource = "input" | "rollback";

/**
 * Resolves every snapshot and checks every server before the first restore: a restore cannot be
 * undone, so a half-right request is not carried out halfway. The servers that the selection
 * names are checked while their lists are read; plain ids name no server, so theirs are checked
 * once the snapshots are found. A server of a map from the input that does not exist is said in
 * one sentence with its snapshot, which points at the mistyped id.
 */
export async function prepareRestores(
  selection: SnapshotSelection,
  serverIds: readonly number[],
  namePrefix: string,
  context: Pick<RestoreContext, "api" | "log">,
  mapSource: MapSource = "input",
): Promise<PreparedRestores> {
  const { api, log } = context;
  const named = serversNamedBy(selection, serverIds);
  const typedMap = selection.kind === "by-server" && mapSource === "input";
  const [read, early] = await Promise.all([
    snapshotsForSelection(api, selection, serverIds).then(
      (snapshots) => ({ snapshots }),
      (error: unknown) => ({ error }),
    ),
    named && checkServers(api, named, "restore", log, !typedMap),
  ]);
  if ("error" in read) {
    const failure = explainFailure(read.error, { kind: "list" });
    const wrongUrl = wrongApiUrl([read.error]);
    return {
      targets: [],
      problems: wrongUrl
        ? [wrongUrl]
        : [
            ...(early?.problems ?? []),
            `Could not read the snapshots to restore (${describeSelection(selection, serverIds)}): ${failure}`,
          ],
      servers: new Map(),
    };
  }
  const missing = typedMap ? early?.missing : undefined;
  const plan = planRestore(selection, serverIds, namePrefix, read.snapshots, missing);
  const targetServers = [...new Set(plan.targets.map((t) => t.server.id))];
  const checks = early ?? (await checkServers(api, targetServers, "restore", log));
  return {
    targets: plan.targets,
    problems: [...plan.problems, ...checks.problems],
    servers: checks.servers,
  };
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
  const results = targets.map((snapshot): RestoreResult => ({ snapshot }));
  if (results.length === 0) return results;
  const sayStarted = (line: string) => (options.announce ? log.warning(line) : log.info(line));

  await log.group(`Starting ${results.length} restore(s)`, () =>
    forEachConcurrently(results, SERVER_CONCURRENCY, async (result) => {
      const { snapshot } = result;
      const serverId = snapshot.server.id;
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
 * `restoring`, and writes each one's end into its result. With `health-url`, each server's
 * service is checked from the moment its own restore ended, while the others are still awaited.
 */
export async function waitForRestoreResults(
  results: RestoreResult[],
  pollIntervalMs: number,
  context: RestoreContext,
  health?: HealthWait,
): Promise<void> {
  const started = results.filter((r) => !r.failure);
  if (started.length === 0) return;
  const title = `Waiting for ${started.length} restore(s) to finish${health ? " and their service to answer" : ""}`;
  await context.log.group(title, () => waitForStarted(started, pollIntervalMs, context, health));
}

async function waitForStarted(
  started: RestoreResult[],
  pollIntervalMs: number,
  context: RestoreContext,
  health: HealthWait | undefined,
): Promise<void> {
  const { api, clock, deadline, log, signal } = context;
  const options = { clock, deadline, maxIntervalMs: pollIntervalMs, log, signal };
  const healthChecks: Promise<void>[] = [];
  const checkService = (server: Server) => {
    const result = started.find((r) => r.snapshot.server.id === server.id);
    const url = health?.urls.get(server.id);
    if (!health || !result || url === undefined || FAILED_STATUS.test(server.status)) return;
    const healthOptions = { clock, deadline, pollIntervalMs, log, signal };
    healthChecks.push(
      waitUntilHealthy(url, server.id, health.check, health.probe, healthOptions).then((end) => {
        result.health = end;
      }),
    );
  };
  try {
    const waited = await waitForRestores(
      api,
      started.map((r) => r.snapshot.server.id),
      options,
      checkService,
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
  await Promise.all(healthChecks);
}
