import {
  madeSnapshots,
  SNAPSHOT_COLUMNS,
  type SnapshotResult,
  snapshotRow,
  waitForResults,
} from "../fleet/create-snapshots.js";
import { findNamed, type NamedSelection, snapshotsForSelection } from "../fleet/named-snapshots.js";
import { sameServerProblems } from "../fleet/restore-plan.js";
import { explainFailure } from "../workflow/explain.js";
import type { Settings } from "../workflow/inputs.js";
import { publishSnapshots } from "../workflow/outputs.js";
import { saveRollbackTargets } from "../workflow/rollback-state.js";
import type { ModeReport } from "../workflow/summary.js";
import type { ModeContext } from "./context.js";

const TITLE = "VPS snapshots";

/**
 * Waits for snapshots that an earlier step started (create with `wait: false`, at the start of the
 * pipeline, so that the snapshot is made while the build runs), exactly as create waits for its
 * own. It changes nothing at the provider: it only reads lists.
 */
export async function runWait(settings: Settings, context: ModeContext): Promise<ModeReport> {
  const { api, setOutput } = context;
  const selection = settings.snapshots as NamedSelection;

  let named;
  try {
    named = findNamed(selection, await snapshotsForSelection(api, selection, []));
  } catch (error) {
    return failedReport([explainFailure(error, { kind: "list" })]);
  }
  const problems = named.flatMap((n) => ("problem" in n ? [n.problem] : []));
  const snapshots = named.flatMap((n) => ("snapshot" in n ? [n.snapshot] : []));
  // A rollback restores each server to one snapshot: two of one server leave it undecided.
  if (settings.rollbackOnFailure) problems.push(...sameServerProblems(snapshots));
  if (problems.length > 0) return failedReport([...problems, "Nothing was waited for."]);

  publishSnapshots(setOutput, snapshots);
  if (settings.rollbackOnFailure) saveRollbackTargets(context.saveState, snapshots);
  const results = snapshots.map((snapshot): SnapshotResult => ({
    serverId: snapshot.server.id,
    startedAtMs: 0,
    snapshot,
  }));
  await waitForResults(results, settings.pollIntervalMs, context);
  publishSnapshots(setOutput, madeSnapshots(results));

  return {
    title: TITLE,
    columns: SNAPSHOT_COLUMNS,
    rows: results.map(snapshotRow),
    failures: results.flatMap((r) => (r.failure ? [r.failure] : [])),
    notes: ["Waited for snapshots that an earlier step started; nothing was changed."],
    rollbackTargets: madeSnapshots(results),
  };
}

function failedReport(failures: string[]): ModeReport {
  return { title: TITLE, columns: [], rows: [], failures, notes: [] };
}
