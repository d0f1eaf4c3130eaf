import {
  createOnServers,
  madeSnapshots,
  prepareCreates,
  SNAPSHOT_COLUMNS,
  snapshotRow,
  waitForResults,
} from "../fleet/create-snapshots.js";
import { AccountSize } from "../fleet/server-snapshots.js";
import type { Settings } from "../workflow/inputs.js";
import { publishDeleted, publishSnapshots } from "../workflow/outputs.js";
import { saveRollbackTargets } from "../workflow/rollback-state.js";
import type { ModeReport } from "../workflow/summary.js";
import type { ModeContext } from "./context.js";

const TITLE = "VPS snapshots";

/**
 * Snapshots every server: reads and checks every server and decides `if-exists` and `on-limit`
 * for each before anything changes, then creates each snapshot at most once, then (with `wait`)
 * waits for all of them at once.
 */
export async function runCreate(settings: Settings, context: ModeContext): Promise<ModeReport> {
  const { setOutput, log } = context;
  const now = context.clock.wallNow();
  const deletedIds: number[] = [];
  publishDeleted(setOutput, deletedIds);
  // Learned by the first read of the servers' snapshots, used by every check of the wait.
  const accountSize = new AccountSize();

  const prepared = await log.group(
    `Checking ${settings.serverIds.length} server(s) before any change`,
    () => prepareCreates(settings, { ...context, now }, accountSize),
  );
  if (prepared.problems.length > 0) {
    return {
      title: TITLE,
      columns: [],
      rows: [],
      failures: [
        ...prepared.problems,
        "Nothing was changed on any server: every server is checked before the first change.",
      ],
      notes: [],
    };
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
    await waitForResults(accepted, settings.pollIntervalMs, context, accountSize);
    if (accepted.length > 0) publishSnapshots(setOutput, madeSnapshots(results));
  }

  return {
    title: TITLE,
    columns: SNAPSHOT_COLUMNS,
    rows: results.map(snapshotRow),
    failures: results.flatMap((r) => (r.failure ? [r.failure] : [])),
    notes: settings.wait
      ? []
      : ["Not waited for (wait is false): the snapshots may still be in progress."],
    rollbackTargets: madeSnapshots(results),
  };
}
