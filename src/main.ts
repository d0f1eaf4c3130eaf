import { errorMessage } from "./api/answers/errors.js";
import { InputError, parseInputs } from "./workflow/inputs/parse.js";
import type { Settings } from "./workflow/inputs/settings.js";
import type { ApiModeContext } from "./modes/context.js";
import { MODE_RUNNERS, type ModeRunners, runMode } from "./modes/runners.js";
import { type ActionDeps, actionDeps, createApiContext, maskToken, runStep } from "./step.js";
import { armRollback, markMainStepRan } from "./workflow/rollback-handoff.js";
import { failedReport, finishStep, type ModeReport, writeReport } from "./workflow/summary.js";
import { publishServerNames } from "./workflow/outputs.js";

/** The main step, as the bundle's entry and `@github/local-action` start it. */
export function run(deps: ActionDeps = actionDeps()): Promise<void> {
  return runStep(runMain, deps);
}

/**
 * The main step: read the inputs, do the mode, write the summary; fail with one clear message.
 * `runners`: the mode rows, which a test replaces with a fake one.
 */
export async function runMain(
  deps: ActionDeps,
  runners: ModeRunners = MODE_RUNNERS,
): Promise<void> {
  const { io } = deps;
  maskToken(deps);
  markMainStepRan(io.saveState);

  let settings: Settings;
  try {
    const parsed = parseInputs(io.getInput, deps.runContext(), io.givenInputNames());
    settings = parsed.settings;
    for (const note of parsed.notes) io.log.info(`Note: ${note}`);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // The run's page shows summaries, not logs: a step stopped by its inputs says so there too.
    await writeReport(io.writeSummary, inputsReport(error), io.log);
    io.setFailed(error.message);
    return;
  }

  try {
    let context: ApiModeContext | undefined;
    const report = await runMode(
      settings,
      { io, apiContext: (api) => (context ??= createApiContext(api, deps)) },
      runners,
    );
    if (report.servers) publishServerNames(io.setOutput, report.servers, io.names);
    await finishStep(io, report);
    // Last, so that a step that failed, timed out or was cancelled never arms it: the post step
    // restores only after a main step that got this far.
    if (report.failures.length === 0 && report.rollback) armRollback(io, report.rollback);
  } catch (error) {
    io.setFailed(errorMessage(error));
  }
}

function inputsReport(error: InputError): ModeReport {
  const report = failedReport("VPS snapshot: the step's inputs are not valid", error.problems);
  return { ...report, notes: ["Nothing was sent to the API: fix the inputs above and run again."] };
}
