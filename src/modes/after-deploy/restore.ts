import { Outputs } from "../../constants.js";
import { restoreServers } from "../../fleet/restore/restore.js";
import {
  planLines,
  plannedRow,
  restoreColumns,
  restoreFailures,
  restoreRow,
} from "../../workflow/results.js";
import type { RestoreSettings } from "../../workflow/inputs/settings.js";
import { publishSnapshots } from "../../workflow/outputs.js";
import { failedReport, type ModeReport } from "../../workflow/summary.js";
import type { RestoreModeContext } from "../context.js";

const TITLE = "VPS restore";

/**
 * Restores servers to snapshots, through the one restore path that the rollback post step takes
 * too: every snapshot and server checked before the first restore (if any check fails, none is
 * sent), each server restored at most once, waited for, and its service checked; then report.
 */
export async function runRestore(
  settings: RestoreSettings,
  context: RestoreModeContext,
): Promise<ModeReport> {
  const { setOutput, log } = context;
  const outcome = await restoreServers(
    {
      ...settings,
      selection: settings.snapshots,
      mapSource: "input",
      announceEach: false,
      // As soon as everything is checked: a step cancelled while it waits still says what it did.
      onChecked: (targets) => publishSnapshots(setOutput, targets),
    },
    context,
  );
  if (outcome.kind === "refused") {
    return failedReport(TITLE, [...outcome.problems, "Nothing was restored."]);
  }
  if (outcome.kind === "planned") {
    for (const line of planLines(outcome.targets)) log.info(line);
    return {
      title: `${TITLE} (dry run)`,
      columns: restoreColumns(undefined),
      rows: outcome.targets.map((snapshot) => plannedRow(snapshot, "would be restored")),
      servers: outcome.targets.map((t) => t.server.id),
      failures: [],
      notes: ["Dry run: nothing was restored."],
    };
  }
  const { results } = outcome;
  const [first] = results;
  if (first?.serverStatus) setOutput(Outputs.serverStatus, first.serverStatus);
  return {
    title: TITLE,
    columns: restoreColumns(settings.health),
    rows: results.map((r) => restoreRow(r, settings.health)),
    servers: results.map((r) => r.snapshot.server.id),
    failures: restoreFailures(results),
    notes: settings.wait
      ? []
      : ["Not waited for (wait is false): the servers may still be restoring."],
  };
}
