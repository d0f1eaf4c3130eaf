import { Inputs, RESTORE_TIMEOUT_MS } from "./constants.js";
import { formatDuration } from "./duration.js";
import type { ActionIO } from "./runner/io.js";
import type { RestoreModeContext } from "./modes/context.js";
import {
  pairRow,
  restoreColumns,
  restoreFailures,
  restoreRow,
  settleBeforeRestore,
} from "./modes/restore.js";
import { type ActionDeps, actionDeps, createModeContext, maskToken, runStep } from "./step.js";
import { describeSelection } from "./fleet/rules/restore-plan.js";
import {
  prepareRestores,
  type RestoreResult,
  startRestores,
  waitForRestoreResults,
} from "./fleet/restore.js";
import {
  readRollbackHandoff,
  recordRollbackOutcome,
  type RollbackHandoff,
  type RollbackOutcome,
} from "./workflow/rollback-handoff.js";
import { finishStep } from "./workflow/summary.js";
import { healthText } from "./health/check.js";

const TITLE = "VPS rollback";

type DueRollback = Extract<RollbackHandoff, { kind: "due" }>;

/** The post step, as the bundle's entry and `@github/local-action` start it. */
export function run(deps: ActionDeps = actionDeps()): Promise<void> {
  return runStep(runPost, deps);
}

/**
 * The post step, which the runner starts only when the job has failed (`post-if: failure()`):
 * with `rollback-on-failure: true`, and only after a main step that succeeded (every snapshot
 * completed, so the deploy after it ran on top of them), it restores every server to the snapshot
 * that step made or waited for, unless a `mode: confirm` step has declared the deploy good since.
 * It never restores anything else.
 */
export async function runPost(deps: ActionDeps): Promise<void> {
  const { io } = deps;
  maskToken(deps);
  const handoff = readRollbackHandoff(io);
  switch (handoff.kind) {
    case "off":
      io.log.info("Rollback is off (rollback-on-failure: false): nothing was restored.");
      return;
    case "unreadable":
      recordRollbackOutcome(io, "failed", []);
      io.setFailed(
        `Rollback: the saved state is unreadable (${handoff.problems.join("; ")}); nothing was restored.`,
      );
      return;
    case "nothing-made":
      recordRollbackOutcome(io, "not-needed", []);
      io.log.info("Rollback: this step made no snapshot, so there is nothing to roll back.");
      return;
    case "not-succeeded":
      return reportNoRollback(
        io,
        "this step did not succeed (it failed, timed out or was cancelled), so the steps after " +
          "it, the deploy among them, never ran",
        handoff.targetsText,
      );
    case "confirmed":
      return reportNoRollback(
        io,
        `the deploy was confirmed by a step with ${Inputs.mode}: confirm after this step, so the ` +
          "job failed after the deploy was known to be good",
        handoff.targetsText,
      );
    case "due": {
      const api = {
        apiUrl: handoff.apiUrl,
        apiToken: io.getInput(Inputs.apiToken).trim(),
        timeoutMs: RESTORE_TIMEOUT_MS,
      };
      // Not a group of its own: the restores group their lines, and groups cannot nest.
      io.log.info("Rolling back: the job failed after this step, and rollback-on-failure is true.");
      return rollBack(handoff, createModeContext(api, deps), io);
    }
  }
}

/** Why nothing is restored, and the input that restores by hand all the same. */
async function reportNoRollback(io: ActionIO, why: string, targetsText: string): Promise<void> {
  recordRollbackOutcome(io, "not-needed", []);
  const sentence =
    `Nothing was rolled back: ${why}. To restore by hand anyway, run this action with ` +
    `${Inputs.mode}: restore and ${Inputs.snapshotId}: ${targetsText} ` +
    "(the snapshot-ids output of this step).";
  io.log.info(sentence);
  await finishStep(io, { title: TITLE, columns: [], rows: [], failures: [], notes: [sentence] });
}

/** Restore mode's path (check everything, then restore and wait), with the rollback's words. */
async function rollBack(
  rollback: DueRollback,
  context: RestoreModeContext,
  io: ActionIO,
): Promise<void> {
  const selection = { kind: "by-server", pairs: rollback.targets } as const;
  const plan = await prepareRestores(selection, [], "", context, "rollback");
  const { problems, health } = settleBeforeRestore(plan, rollback.health, context);
  if (problems.length > 0) {
    recordRollbackOutcome(io, "failed", []);
    await finishStep(io, {
      title: TITLE,
      columns: restoreColumns(undefined),
      rows: rollback.targets.map((pair) => pairRow(pair, "not restored")),
      failures: [
        ...problems.map((p) => `Not rolled back: ${p}`),
        `Rollback failed before any restore, so nothing was restored (${describeSelection(selection, [])}): ` +
          "every server and snapshot is checked first.",
      ],
      notes: [],
    });
    return;
  }
  const results = await startRestores(plan.targets, { announce: true }, context);
  await waitForRestoreResults(results, rollback.pollIntervalMs, context, health);
  const restored = results.filter((r) => !r.failure);
  for (const result of restored) {
    io.log.info(
      `Rolled back server ${result.snapshot.server.id} to snapshot ${result.snapshot.id} ` +
        `(${result.snapshot.name}); server status ${result.serverStatus}` +
        `${result.health ? `; ${healthText(result.health)}` : ""}.`,
    );
  }
  recordRollbackOutcome(io, outcomeOf(results), restored.map(restoredServer));
  await finishStep(io, {
    title: TITLE,
    columns: restoreColumns(rollback.health),
    rows: results.map((r) => restoreRow(r, rollback.health)),
    failures: restoreFailures(results).map((f) => `Rollback: ${f}`),
    notes: [rollbackSentence(restored.length, rollback)],
  });
}

function outcomeOf(results: RestoreResult[]): RollbackOutcome {
  if (results.some((r) => r.failure)) return "failed";
  return results.some((r) => r.health && !r.health.healthy) ? "unhealthy" : "rolled-back";
}

function restoredServer({ snapshot, health }: RestoreResult) {
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
