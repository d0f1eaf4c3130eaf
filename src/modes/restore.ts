import type { Snapshot } from "../api/types.js";
import { Outputs } from "../constants.js";
import { formatDuration } from "../duration.js";
import {
  type HealthWait,
  type PreparedRestores,
  prepareRestores,
  type RestoreResult,
  startRestores,
  waitForRestoreResults,
} from "../fleet/restore.js";
import { type HealthCheck, healthText, unhealthySentence } from "../health/check.js";
import { healthUrlsFor } from "../health/url.js";
import { describeSnapshot } from "../fleet/rules/snapshots.js";
import { asText } from "../runner/untrusted.js";
import type { RestoreSettings } from "../workflow/inputs.js";
import { publishSnapshots } from "../workflow/outputs.js";
import type { ServerSnapshotPair } from "../workflow/snapshot-selection.js";
import { failedReport, type ModeReport } from "../workflow/summary.js";
import type { RestoreModeContext } from "./context.js";

const TITLE = "VPS restore";

/**
 * Restores servers to snapshots: read and check every snapshot (it exists, is completed, belongs
 * to its server) and every server (it exists, its status allows a restore); if any check fails,
 * no restore at all is sent. Then restore, each at most once, and (with `wait`) wait; then report.
 * The rollback post step takes the same path.
 */
export async function runRestore(
  settings: RestoreSettings,
  context: RestoreModeContext,
): Promise<ModeReport> {
  const { log, setOutput } = context;
  const plan = await prepareRestores(
    settings.snapshots,
    settings.serverIds,
    settings.namePrefix,
    context,
  );
  const { problems, health } = settleBeforeRestore(plan, settings.health, context);
  if (problems.length > 0) return failedReport(TITLE, [...problems, "Nothing was restored."]);

  publishSnapshots(setOutput, plan.targets);
  if (settings.dryRun) {
    for (const target of plan.targets) {
      log.info(
        `Dry run: would restore server ${target.server.id} to snapshot ${describeSnapshot(target)}, ` +
          `made ${asText(target.created_at) || "at a time the API did not give"}.`,
      );
    }
    return {
      title: `${TITLE} (dry run)`,
      columns: restoreColumns(undefined),
      rows: plan.targets.map((snapshot) => plannedRow(snapshot, "would be restored")),
      servers: plan.targets.map((t) => t.server.id),
      failures: [],
      notes: ["Dry run: nothing was restored."],
    };
  }

  log.warning(
    `Restoring ${plan.targets.map((t) => `server ${t.server.id} to snapshot ${t.id}`).join(", ")}: ` +
      "everything written to these servers since their snapshot is lost.",
  );
  const results = await startRestores(plan.targets, { announce: false }, context);
  if (settings.wait) {
    await waitForRestoreResults(results, settings.pollIntervalMs, context, health);
  }
  const [first] = results;
  if (first?.serverStatus) setOutput(Outputs.serverStatus, first.serverStatus);
  return {
    title: TITLE,
    columns: restoreColumns(settings.health),
    rows: results.map((r) => restoreRow(r, settings.health)),
    servers: plan.targets.map((t) => t.server.id),
    failures: restoreFailures(results),
    notes: settings.wait
      ? []
      : ["Not waited for (wait is false): the servers may still be restoring."],
  };
}

/**
 * Every problem found before a restore, with every server's health URL filled from what the checks
 * read of it: a `health-url` that cannot be filled for one server stops all restores, like any
 * other problem found before the first one.
 */
export function settleBeforeRestore(
  plan: PreparedRestores,
  check: HealthCheck | undefined,
  context: RestoreModeContext,
): { problems: string[]; health: HealthWait | undefined } {
  if (!check) return { problems: plan.problems, health: undefined };
  const { urls, problems } = healthUrlsFor(check.urlTemplate, plan.servers.values());
  return {
    problems: [...plan.problems, ...problems],
    health: { check, urls, probe: context.probeHealth },
  };
}

/** What went wrong, server by server: a restore that did not end well, or a service not back. */
export function restoreFailures(results: RestoreResult[]): string[] {
  return results.flatMap((r) => {
    const unhealthy = r.health && unhealthySentence(r.health, r.snapshot.server.id, r.snapshot.id);
    return [r.failure, unhealthy].filter((f) => f !== undefined);
  });
}

/** The table of restore mode and of the rollback post step; a health column with `health-url`. */
const RESTORE_COLUMNS = ["Server", "Snapshot", "Name", "Created", "Server status", "Took"];

export function restoreColumns(health: HealthCheck | undefined): string[] {
  return health ? [...RESTORE_COLUMNS, "Health"] : RESTORE_COLUMNS;
}

export function restoreRow(result: RestoreResult, health: HealthCheck | undefined): unknown[] {
  const { snapshot } = result;
  const status =
    result.failure && !result.serverStatus ? "not restored" : (result.serverStatus ?? "");
  const took = result.endedAtMs === undefined ? "" : formatDuration(result.endedAtMs);
  const row = [...plannedRow(snapshot, status).slice(0, 5), took];
  return health ? [...row, result.health ? healthText(result.health) : "not checked"] : row;
}

/** A snapshot found and checked, but not (or not yet) restored. */
function plannedRow(snapshot: Snapshot, status: string): unknown[] {
  return [snapshot.server.id, snapshot.id, snapshot.name, snapshot.created_at, status, ""];
}

/** A server and snapshot that a check stopped before they were even found. */
export function pairRow(pair: ServerSnapshotPair, status: string): unknown[] {
  return [pair.serverId, pair.snapshotId, "", "", status, ""];
}
