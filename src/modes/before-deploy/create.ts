import { createOnServers, prepareCreates } from "../../fleet/snapshots/create.js";
import { madeSnapshots, waitForResults } from "../../fleet/wait/snapshots.js";
import { SNAPSHOT_COLUMNS, snapshotRow } from "../../workflow/results.js";
import type { CreateSettings } from "../../workflow/inputs/settings.js";
import { publishDeleted, publishSnapshots } from "../../workflow/outputs.js";
import { rollbackToArm, saveRollbackTargets } from "../../workflow/rollback-handoff.js";
import { failedReport, type ModeReport } from "../../workflow/summary.js";
import type { CreateModeContext } from "../context.js";

const TITLE = "VPS snapshots";

/**
 * Snapshots every server, reading like restore: read and check every server and decide
 * `if-exists` and `on-limit` for each, before anything changes; then change (each snapshot
 * created at most once); then (with `wait`) wait for all of them at once; then report.
 */
export async function runCreate(
  settings: CreateSettings,
  context: CreateModeContext,
): Promise<ModeReport> {
  const { setOutput, log } = context;
  const now = context.clock.wallNow();
  const deletedIds: number[] = [];
  publishDeleted(setOutput, deletedIds);

  const prepared = await log.group(
    `Checking ${settings.serverIds.length} server(s) before any change`,
    () => prepareCreates(settings, { ...context, now }),
  );
  if (prepared.problems.length > 0) {
    return failedReport(TITLE, [
      ...prepared.problems,
      "Nothing was changed on any server: every server is checked before the first change.",
    ]);
  }

  const results = await createOnServers(prepared.plans, settings, {
    ...context,
    now,
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
  const accepted = results.filter((r) => r.snapshot);
  if (settings.wait) {
    await waitForResults(accepted, settings.pollIntervalMs, context, prepared.accountPages);
    if (accepted.length > 0) publishSnapshots(setOutput, madeSnapshots(results));
  }

  return {
    title: TITLE,
    columns: SNAPSHOT_COLUMNS,
    rows: results.map(snapshotRow),
    servers: settings.serverIds,
    failures: results.flatMap((r) => (r.failure ? [r.failure] : [])),
    notes: settings.wait
      ? []
      : ["Not waited for (wait is false): the snapshots may still be in progress."],
    rollback: rollbackToArm(settings, madeSnapshots(results)),
  };
}
