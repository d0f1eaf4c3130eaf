import { errorMessage } from "./api/errors.js";
import { State } from "./constants.js";
import { InputError, type Mode, parseInputs, type Settings } from "./workflow/inputs.js";
import type { ModeContext } from "./modes/context.js";
import { type ActionDeps, actionDeps, createModeContext, maskToken, runStep } from "./step.js";
import { runCreate } from "./modes/create.js";
import { runDelete } from "./modes/delete.js";
import { runList } from "./modes/list.js";
import { runPrune } from "./modes/prune.js";
import { runRestore } from "./modes/restore.js";
import { runWait } from "./modes/wait.js";
import { runConfirm } from "./modes/confirm.js";
import { armRollback } from "./workflow/rollback-state.js";
import { finishStep, type ModeReport } from "./workflow/summary.js";

type ModeRunner = (settings: Settings, context: ModeContext) => Promise<ModeReport>;

/** The modes that call the API; confirm only writes to the job's environment. */
const MODE_RUNNERS: Record<Exclude<Mode, "confirm">, ModeRunner> = {
  create: runCreate,
  wait: runWait,
  restore: runRestore,
  prune: runPrune,
  delete: runDelete,
  list: runList,
};

/** The main step, as the bundle's entry and `@github/local-action` start it. */
export function run(deps: ActionDeps = actionDeps()): Promise<void> {
  return runStep(runMain, deps);
}

/** The main step: read the inputs, do the mode, write the summary; fail with one clear message. */
export async function runMain(deps: ActionDeps): Promise<void> {
  const { io } = deps;
  maskToken(deps);
  // Marks the next run of this bundle in the same job as the post step.
  io.saveState(State.isPost, "true");

  let settings: Settings;
  try {
    const parsed = parseInputs(io.getInput, deps.runContext());
    settings = parsed.settings;
    for (const note of parsed.notes) io.log.info(`Note: ${note}`);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.setFailed(error.message);
    return;
  }

  try {
    const report =
      settings.mode === "confirm"
        ? runConfirm(io)
        : await MODE_RUNNERS[settings.mode](settings, createModeContext(settings, deps));
    await finishStep(io, report);
    // Last, so that a step that failed, timed out or was cancelled never arms it: the post step
    // restores only after a main step that got this far.
    if (settings.rollbackOnFailure && report.failures.length === 0 && report.rollbackTargets) {
      armRollback(io, settings.mode, report.rollbackTargets);
    }
  } catch (error) {
    io.setFailed(errorMessage(error));
  }
}
