import {
  createSnapshots,
  madeSnapshots,
  SNAPSHOT_COLUMNS,
  snapshotRow,
} from "../fleet/create-snapshots.js";
import type { Settings } from "../workflow/inputs.js";
import { publishDeleted, publishSnapshots } from "../workflow/outputs.js";
import { saveRollbackTargets } from "../workflow/rollback-state.js";
import type { ModeReport } from "../workflow/summary.js";
import type { ModeContext } from "./context.js";

/**
 * Snapshots every server: `if-exists` and `on-limit` first, each snapshot created at most once,
 * then (with `wait`) one wait for all of them.
 */
export async function runCreate(settings: Settings, context: ModeContext): Promise<ModeReport> {
  const { setOutput } = context;
  const deletedIds: number[] = [];
  publishDeleted(setOutput, deletedIds);

  const results = await createSnapshots(settings, {
    ...context,
    now: context.clock.wallNow(),
    onDeleted: (id) => {
      deletedIds.push(id);
      publishDeleted(setOutput, deletedIds);
    },
    // Published as soon as each is accepted, so a later failure or cancellation still has it.
    onAccepted: (made) => {
      publishSnapshots(setOutput, made);
      if (settings.rollbackOnFailure) saveRollbackTargets(context.saveState, made);
    },
  });
  const made = madeSnapshots(results);
  if (settings.wait && made.length > 0) publishSnapshots(setOutput, made);

  return {
    title: "VPS snapshots",
    columns: SNAPSHOT_COLUMNS,
    rows: results.map(snapshotRow),
    failures: results.flatMap((r) => (r.failure ? [r.failure] : [])),
    notes: settings.wait
      ? []
      : ["Not waited for (wait is false): the snapshots may still be in progress."],
  };
}
