import { findSelected } from "../../fleet/lists/snapshot-lists.js";
import { sameServerProblems } from "../../fleet/rules/restore-plan.js";
import { madeSnapshots, waitForResults } from "../../fleet/wait/snapshots.js";
import { SNAPSHOT_COLUMNS, type SnapshotResult, snapshotRow } from "../../workflow/results.js";
import { explainFailure } from "../../workflow/explain.js";
import type { WaitSettings } from "../../workflow/inputs/settings.js";
import { publishSnapshots } from "../../workflow/outputs.js";
import { rollbackToArm, saveRollbackTargets } from "../../workflow/rollback-handoff.js";
import { failedReport, type ModeReport } from "../../workflow/summary.js";
import type { SnapshotModeContext } from "../context.js";

const TITLE = "VPS snapshots";

/**
 * Waits for snapshots that an earlier step started (create with `wait: false`, at the start of the
 * pipeline, so that the snapshot is made while the build runs), exactly as create waits for its
 * own. It changes nothing at the provider: it only reads lists.
 */
export async function runWait(
  settings: WaitSettings,
  context: SnapshotModeContext,
): Promise<ModeReport> {
  const { api, setOutput } = context;
  const selection = settings.snapshots;

  let named;
  try {
    named = await findSelected(api, selection);
  } catch (error) {
    return failedReport(TITLE, [explainFailure(error, { kind: "list" })]);
  }
  const problems = named.flatMap((n) => ("problem" in n ? [n.problem] : []));
  const snapshots = named.flatMap((n) => ("snapshot" in n ? [n.snapshot] : []));
  // A rollback restores each server to one snapshot: two of one server leave it undecided.
  if (settings.rollbackOnFailure) problems.push(...sameServerProblems(snapshots));
  if (problems.length > 0) return failedReport(TITLE, [...problems, "Nothing was waited for."]);

  publishSnapshots(setOutput, snapshots);
  if (settings.rollbackOnFailure) saveRollbackTargets(context.saveState, snapshots);
  const results = snapshots.map((snapshot): SnapshotResult => ({
    serverId: snapshot.server.id,
    snapshot,
  }));
  await waitForResults(results, settings.pollIntervalMs, context);
  publishSnapshots(setOutput, madeSnapshots(results));

  return {
    title: TITLE,
    columns: SNAPSHOT_COLUMNS,
    rows: results.map(snapshotRow),
    servers: results.map((r) => r.serverId),
    failures: results.flatMap((r) => (r.failure ? [r.failure] : [])),
    notes: ["Waited for snapshots that an earlier step started; nothing was changed."],
    rollback: rollbackToArm(settings, madeSnapshots(results)),
  };
}
