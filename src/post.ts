import { Inputs, RESTORE_TIMEOUT_MS } from "./constants.js";
import { rollBack } from "./fleet/restore/rollback.js";
import { noRollbackReport, rollbackReport } from "./workflow/results.js";
import { type ActionDeps, actionDeps, createApiContext, maskToken, runStep } from "./step.js";
import { readRollbackHandoff, recordRollbackOutcome } from "./workflow/rollback-handoff.js";
import { finishStep, type ModeReport } from "./workflow/summary.js";

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
async function runPost(deps: ActionDeps): Promise<void> {
  const { io } = deps;
  maskToken(deps);
  const handoff = readRollbackHandoff(io);
  let report: ModeReport;
  switch (handoff.kind) {
    case "off":
      // Every failed job runs the post step of every step of this action: a list, a prune or a
      // confirm step has nothing to say there.
      io.log.debug("Rollback is off (rollback-on-failure: false): nothing was restored.");
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
    case "confirmed":
      report = noRollbackReport(handoff);
      io.log.info(report.notes.join(" "));
      recordRollbackOutcome(io, "not-needed", []);
      break;
    case "due": {
      const api = {
        apiUrl: handoff.apiUrl,
        apiToken: io.getInput(Inputs.apiToken).trim(),
        timeoutMs: RESTORE_TIMEOUT_MS,
      };
      // Not a group of its own: the restores group their lines, and groups cannot nest.
      io.log.info("Rolling back: the job failed after this step, and rollback-on-failure is true.");
      const end = await rollBack(handoff, createApiContext(api, deps));
      recordRollbackOutcome(io, end.outcome, end.restored);
      report = rollbackReport(handoff, end.restore);
    }
  }
  await finishStep(io, report);
}
