import { isStatus } from "../../api/answers/errors.js";
import {
  RESTORING,
  type Server,
  type Snapshot,
  type SnapshotsApi,
} from "../../api/answers/types.js";
import { formatDuration } from "../../duration.js";
import { type HealthCheck, waitUntilHealthy } from "../../health/check.js";
import type { HealthProbe } from "../../health/probe.js";
import { healthUrlsFor } from "../../health/url.js";
import { explainFailure, wrongApiUrl } from "../../workflow/explain.js";
import {
  describeSelection,
  type SnapshotSelection,
} from "../../workflow/inputs/snapshot-selection.js";
import type { RestoreOutcome, RestoreResult } from "../../workflow/results.js";
import { forEachConcurrently, SERVER_CONCURRENCY } from "../servers/concurrency.js";
import { type ExactlyOnceContext, restoreSnapshotOnce } from "../snapshots/exactly-once.js";
import { serversNamedBy, snapshotsForSelection } from "../lists/snapshot-lists.js";
import { planRestore } from "../rules/restore-plan.js";
import { checkServers } from "../servers/server-checks.js";
import { waitForEach } from "../wait/each.js";
import { lastCheckFailed, type WaitOptions } from "../../runner/time/poll.js";

/** What to restore, and how: restore mode's settings, or the rollback's record of its step. */
export interface RestoreRequest {
  selection: SnapshotSelection;
  /** The servers of `latest` or `commit:<sha>`: whose snapshot of ours. */
  serverIds: readonly number[];
  namePrefix: string;
  /** Where a `snapshot-id` map came from: a person's input, or the rollback's record of its step. */
  mapSource: "input" | "rollback";
  health: HealthCheck | undefined;
  wait: boolean;
  pollIntervalMs: number;
  dryRun: boolean;
  /**
   * Raise a warning annotation for each restore started, so it shows on the run's page (the
   * rollback, which nobody asked for in that run); else one warning before them all.
   */
  announceEach: boolean;
  /** Told the snapshots to restore once every check has passed, before the first restore. */
  onChecked?: (targets: Snapshot[]) => void;
}

/** What restoring needs: the API, the health probe, and the collaborators of exactly-once. */
export interface RestoreContext extends ExactlyOnceContext {
  api: SnapshotsApi;
  probeHealth: HealthProbe;
}

/**
 * The one restore path: restore mode and the rollback post step are two doors into it. Every
 * snapshot is resolved and every server checked (its health URL filled too) before the first
 * restore; then each server is restored at most once, waited for, and its service checked.
 */
export async function restoreServers(
  request: RestoreRequest,
  context: RestoreContext,
): Promise<RestoreOutcome> {
  const plan = await prepareRestores(request, context);
  const health = request.health && healthUrlsFor(request.health.urlTemplate, plan.servers.values());
  const problems = [...plan.problems, ...(health?.problems ?? [])];
  if (problems.length > 0) return { kind: "refused", problems };
  for (const note of plan.notes) context.log.info(note);
  request.onChecked?.(plan.targets);
  if (request.dryRun) return { kind: "planned", targets: plan.targets };

  if (!request.announceEach) {
    context.log.warning(
      `Restoring ${plan.targets.map((t) => `server ${t.server.id} to snapshot ${t.id}`).join(", ")}: ` +
        "everything written to these servers since their snapshot is lost.",
    );
  }
  const results = await startRestores(plan.targets, request.announceEach, context);
  if (request.wait) {
    const check = request.health && health && { check: request.health, urls: health.urls };
    await waitForRestoreResults(results, request.pollIntervalMs, context, check);
  }
  return { kind: "restored", results };
}

/** `health-url` for each restored server, filled from what the checks before any restore read. */
interface HealthWait {
  check: HealthCheck;
  urls: ReadonlyMap<number, string>;
}

/** Every target resolved and every server checked; any problem means no restore at all. */
interface PreparedRestores {
  targets: Snapshot[];
  problems: string[];
  /** What the checks read of each server (its name and addresses fill `health-url`). */
  servers: Map<number, Server>;
  /** What is worth saying of the choice of snapshots. */
  notes: string[];
}

/**
 * Resolves every snapshot and checks every server before the first restore: a restore cannot be
 * undone, so a half-right request is not carried out halfway. The servers that the selection
 * names are checked while their lists are read; plain ids name no server, so theirs are checked
 * once the snapshots are found. A server of a map from the input that does not exist is said in
 * one sentence with its snapshot, which points at the mistyped id.
 */
async function prepareRestores(
  { selection, serverIds, namePrefix, mapSource }: RestoreRequest,
  { api, log }: RestoreContext,
): Promise<PreparedRestores> {
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
    const checked = early?.problems ?? [];
    // A refused token fails the checks and the lists alike: it is said once.
    const unread = checked.includes(failure)
      ? []
      : [
          `Could not read the snapshots to restore (${describeSelection(selection, serverIds)}): ${failure}`,
        ];
    return {
      targets: [],
      problems: wrongUrl ? [wrongUrl] : [...checked, ...unread],
      servers: new Map(),
      notes: [],
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
    notes: plan.notes,
  };
}

/** A final server status that means the restore went wrong, as far as words can tell. */
const FAILED_STATUS = /error|fail/i;

/**
 * Starts each server's restore, each at most once (a second restore would destroy again what was
 * written since the first): the change of restore mode and of the rollback post step alike.
 */
async function startRestores(
  targets: Snapshot[],
  announceEach: boolean,
  context: RestoreContext,
): Promise<RestoreResult[]> {
  const { log, deadline } = context;
  const results = targets.map((snapshot): RestoreResult => ({ snapshot }));
  if (results.length === 0) return results;
  const sayStarted = (line: string) => (announceEach ? log.warning(line) : log.info(line));

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
async function waitForRestoreResults(
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
  const { api, clock, deadline, log, signal, probeHealth } = context;
  const options = { clock, deadline, maxIntervalMs: pollIntervalMs, log, signal };
  const healthChecks: Promise<void>[] = [];
  const checkService = (server: Server) => {
    const result = started.find((r) => r.snapshot.server.id === server.id);
    const url = health?.urls.get(server.id);
    if (!health || !result || url === undefined || FAILED_STATUS.test(server.status)) return;
    healthChecks.push(
      waitUntilHealthy(url, server.id, health.check, probeHealth, options).then((end) => {
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

interface ServerWaitResult {
  kind: "finished" | "vanished" | "timed-out";
  /** The last status seen: `restoring` when timed out, `gone` when vanished. */
  status: string;
  elapsedMs: number;
  /** Timed out: why the last check failed, if it did. */
  lastFailure?: string;
}

/**
 * Waits until no server is `restoring` any more. The provider documents no way to see a restore
 * finish; the servers API's status is the closest fact there is.
 */
export async function waitForRestores(
  api: SnapshotsApi,
  serverIds: number[],
  options: WaitOptions,
  /** Told of each server as soon as it is no longer restoring (not when it vanished). */
  onFinished?: (server: Server) => void,
): Promise<Map<number, ServerWaitResult>> {
  const waited = await waitForEach<number, Server | undefined>(
    new Map(serverIds.map((id) => [id, { id, status: RESTORING }])),
    {
      look: async (pending) =>
        new Map(await Promise.all(pending.map((id) => serverStatus(api, id)))),
      isSettled: (server) => server?.status !== RESTORING,
      onSettled: (_, server) => {
        if (server) onFinished?.(server);
      },
      progress: (states, elapsedMs) =>
        [...states]
          .map(([id, server]) => `Server ${id}: ${server?.status ?? "gone"}`)
          .join("; ")
          .concat(` (${formatDuration(elapsedMs)} elapsed)`),
    },
    options,
  );
  return new Map(
    [...waited].map(([id, end]) => [
      id,
      {
        kind: !end.settled ? "timed-out" : end.state ? "finished" : "vanished",
        status: end.state?.status ?? "gone",
        elapsedMs: end.elapsedMs,
        lastFailure: end.lastFailure,
      },
    ]),
  );
}

async function serverStatus(
  api: SnapshotsApi,
  serverId: number,
): Promise<[number, Server | undefined]> {
  try {
    return [serverId, await api.getServer(serverId)];
  } catch (error) {
    if (isStatus(error, 404)) return [serverId, undefined];
    throw error;
  }
}
