import { Inputs, RESTORE_TIMEOUT_MS } from "../constants.js";
import { formatDuration } from "../duration.js";
import { healthText } from "../health/check.js";
import type {
  RestoredServer,
  RollbackHandoff,
  RollbackOutcome,
} from "../workflow/rollback-handoff.js";
import type { ModeReport } from "../workflow/summary.js";
import {
  pairRow,
  type RestoreContext,
  type RestoreResult,
  restoreColumns,
  restoreFailures,
  restoreRow,
  restoreServers,
} from "./restore.js";
import { describeSelection } from "./rules/restore-plan.js";

const TITLE = "VPS rollback";

type DueRollback = Extract<RollbackHandoff, { kind: "due" }>;
type NoRollback = Extract<RollbackHandoff, { kind: "not-succeeded" | "confirmed" }>;

/** What the rollback came to: for the job's environment, and for the summary. */
export interface RollbackEnd {
  outcome: RollbackOutcome;
  restored: RestoredServer[];
  report: ModeReport;
}

/**
 * Restore mode's path (check everything, then restore and wait), with the rollback's words: each
 * restore announced on the run's page, and the summary saying exactly what was restored and why.
 */
export async function rollBack(
  rollback: DueRollback,
  context: RestoreContext,
): Promise<RollbackEnd> {
  const selection = { kind: "by-server", pairs: rollback.targets } as const;
  const { health, pollIntervalMs } = rollback;
  const outcome = await restoreServers(
    {
      selection,
      serverIds: [],
      namePrefix: "",
      mapSource: "rollback",
      health,
      wait: true,
      pollIntervalMs,
      dryRun: false,
      announceEach: true,
    },
    context,
  );
  if (outcome.kind !== "restored") {
    const problems = outcome.kind === "refused" ? outcome.problems : [];
    return {
      outcome: "failed",
      restored: [],
      report: {
        title: TITLE,
        columns: restoreColumns(undefined),
        rows: rollback.targets.map((pair) => pairRow(pair, "not restored")),
        failures: [
          ...problems.map((p) => `Not rolled back: ${p}`),
          `Rollback failed before any restore, so nothing was restored (${describeSelection(selection, [])}): ` +
            "every server and snapshot is checked first.",
        ],
        notes: [],
      },
    };
  }
  const { results } = outcome;
  const restored = results.filter((r) => !r.failure);
  for (const result of restored) {
    context.log.info(
      `Rolled back server ${result.snapshot.server.id} to snapshot ${result.snapshot.id} ` +
        `(${result.snapshot.name}); server status ${result.serverStatus}` +
        `${result.health ? `; ${healthText(result.health)}` : ""}.`,
    );
  }
  return {
    outcome: outcomeOf(results),
    restored: restored.map(restoredServer),
    report: {
      title: TITLE,
      columns: restoreColumns(health),
      rows: results.map((r) => restoreRow(r, health)),
      failures: restoreFailures(results).map((f) => `Rollback: ${f}`),
      notes: [rollbackSentence(restored.length, rollback)],
    },
  };
}

/** Why nothing is restored, and the input that restores by hand all the same. */
export function noRollback(handoff: NoRollback): RollbackEnd {
  const why =
    handoff.kind === "confirmed"
      ? `the deploy was confirmed by a step with ${Inputs.mode}: confirm after this step, so the ` +
        "job failed after the deploy was known to be good"
      : "this step did not succeed (it failed, timed out or was cancelled), so the steps after " +
        "it, the deploy among them, never ran";
  const sentence =
    `Nothing was rolled back: ${why}. To restore by hand anyway, run this action with ` +
    `${Inputs.mode}: restore and ${Inputs.snapshotId}: ${handoff.targetsText} ` +
    "(the snapshot-ids output of this step).";
  return {
    outcome: "not-needed",
    restored: [],
    report: { title: TITLE, columns: [], rows: [], failures: [], notes: [sentence] },
  };
}

function outcomeOf(results: readonly RestoreResult[]): RollbackOutcome {
  if (results.some((r) => r.failure)) return "failed";
  return results.some((r) => r.health && !r.health.healthy) ? "unhealthy" : "rolled-back";
}

function restoredServer({ snapshot, health }: RestoreResult): RestoredServer {
  const said = health ? (health.healthy ? "healthy" : "unhealthy") : "not checked";
  return { server: snapshot.server.id, snapshot: snapshot.id, health: said };
}

/** What the summary says happened, and nothing more: a restore that did not finish is not counted. */
function rollbackSentence(restored: number, rollback: DueRollback): string {
  const total = rollback.targets.length;
  const servers = `${restored} of ${total} server${total === 1 ? "" : "s"}`;
  const snapshot =
    rollback.mode === "wait" ? "the snapshot this step waited for" : "the snapshot this step made";
  const done =
    `Restored ${servers} to ${snapshot}, because the job failed after it ` +
    `(waited up to ${formatDuration(RESTORE_TIMEOUT_MS)} for the restores).`;
  return restored === total ? done : `${done} The others were not: see why above.`;
}
