import { Outputs } from "../constants.js";
import type { Settings } from "../workflow/inputs.js";
import { publishSnapshots } from "../workflow/outputs.js";
import {
  prepareRestores,
  RESTORE_COLUMNS,
  restoreRow,
  restoreServers,
} from "../fleet/restore-servers.js";
import type { SnapshotSelection } from "../workflow/snapshot-selection.js";
import { describeSnapshot } from "../fleet/snapshots.js";
import { asText } from "../runner/untrusted.js";
import type { ModeReport } from "../workflow/summary.js";
import type { ModeContext } from "./context.js";

const TITLE = "VPS restore";

/**
 * Restores servers to snapshots. Every named snapshot (it exists, is completed, belongs to its
 * server) and every server (it exists, its status allows a restore) is checked first; if any
 * check fails, no restore at all is sent.
 */
export async function runRestore(settings: Settings, context: ModeContext): Promise<ModeReport> {
  const { log, setOutput } = context;
  const selection = settings.snapshots as SnapshotSelection;

  const plan = await prepareRestores(selection, settings.serverIds, settings.namePrefix, context);
  if (plan.problems.length > 0) {
    return failedReport([...plan.problems, "Nothing was restored."]);
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
      rows: plan.targets.map((snapshot) =>
        restoreRow({ snapshot, startedAtMs: 0, serverStatus: "would be restored" }),
      ),
      failures: [],
      notes: ["Dry run: nothing was restored."],
    };
  }

  log.warning(
    `Restoring ${plan.targets.map((t) => `server ${t.server.id} to snapshot ${t.id}`).join(", ")}: ` +
      "everything written to these servers since their snapshot is lost.",
  );
  const results = await restoreServers(plan.targets, settings, context);
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

function failedReport(failures: string[]): ModeReport {
  return { title: TITLE, columns: [], rows: [], failures, notes: [] };
}
