import type { Snapshot } from "../api/types.js";
import { Outputs } from "../constants.js";
import { formatDuration } from "../duration.js";
import {
  prepareRestores,
  type RestoreResult,
  startRestores,
  waitForRestoreResults,
} from "../fleet/restore.js";
import { describeSnapshot } from "../fleet/rules/snapshots.js";
import { asText } from "../runner/untrusted.js";
import type { RestoreSettings } from "../workflow/inputs.js";
import { publishSnapshots } from "../workflow/outputs.js";
import type { ServerSnapshotPair } from "../workflow/snapshot-selection.js";
import { failedReport, type ModeReport } from "../workflow/summary.js";
import type { ModeContext } from "./context.js";

const TITLE = "VPS restore";

/**
 * Restores servers to snapshots: read and check every snapshot (it exists, is completed, belongs
 * to its server) and every server (it exists, its status allows a restore); if any check fails,
 * no restore at all is sent. Then restore, each at most once, and (with `wait`) wait; then report.
 * The rollback post step takes the same path.
 */
export async function runRestore(
  settings: RestoreSettings,
  context: ModeContext,
): Promise<ModeReport> {
  const { log, setOutput } = context;
  const plan = await prepareRestores(
    settings.snapshots,
    settings.serverIds,
    settings.namePrefix,
    context,
  );
  if (plan.problems.length > 0) {
    return failedReport(TITLE, [...plan.problems, "Nothing was restored."]);
  }

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
      columns: RESTORE_COLUMNS,
      rows: plan.targets.map((snapshot) => plannedRow(snapshot, "would be restored")),
      failures: [],
      notes: ["Dry run: nothing was restored."],
    };
  }

  log.warning(
    `Restoring ${plan.targets.map((t) => `server ${t.server.id} to snapshot ${t.id}`).join(", ")}: ` +
      "everything written to these servers since their snapshot is lost.",
  );
  const results = await startRestores(plan.targets, { announce: false }, context);
  if (settings.wait) await waitForRestoreResults(results, settings.pollIntervalMs, context);
  const [first] = results;
  if (first?.serverStatus) setOutput(Outputs.serverStatus, first.serverStatus);
  return {
    title: TITLE,
    columns: RESTORE_COLUMNS,
    rows: results.map(restoreRow),
    failures: results.flatMap((r) => (r.failure ? [r.failure] : [])),
    notes: settings.wait
      ? []
      : ["Not waited for (wait is false): the servers may still be restoring."],
  };
}

/** The table of restore mode and of the rollback post step. */
export const RESTORE_COLUMNS = ["Server", "Snapshot", "Name", "Created", "Server status", "Took"];

export function restoreRow(result: RestoreResult): unknown[] {
  const { snapshot } = result;
  const status =
    result.failure && !result.serverStatus ? "not restored" : (result.serverStatus ?? "");
  const took =
    result.endedAtMs === undefined ? "" : formatDuration(result.endedAtMs - result.startedAtMs);
  return [...plannedRow(snapshot, status).slice(0, 5), took];
}

/** A snapshot found and checked, but not (or not yet) restored. */
function plannedRow(snapshot: Snapshot, status: string): unknown[] {
  return [snapshot.server.id, snapshot.id, snapshot.name, snapshot.created_at, status, ""];
}

/** A server and snapshot that a check stopped before they were even found. */
export function pairRow(pair: ServerSnapshotPair, status: string): unknown[] {
  return [pair.serverId, pair.snapshotId, "", "", status, ""];
}
