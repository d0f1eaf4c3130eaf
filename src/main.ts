import { errorMessage } from "./api/errors.js";
import { InputError, parseInputs } from "./workflow/inputs/parse.js";
import type { Settings } from "./workflow/inputs/settings.js";
import type { CreateModeContext, RestoreModeContext } from "./modes/context.js";
import { type ActionDeps, actionDeps, createModeContext, maskToken, runStep } from "./step.js";
import { runConfirm } from "./modes/confirm.js";
import { runCreate } from "./modes/create.js";
import { runDelete } from "./modes/delete.js";
import { runList } from "./modes/list.js";
import { runPrune } from "./modes/prune.js";
import { runRestore } from "./modes/restore.js";
import { runWait } from "./modes/wait.js";
import { armRollback, markMainStepRan, rollbackToArm } from "./workflow/rollback-handoff.js";
import { failedReport, finishStep, type ModeReport, writeReport } from "./workflow/summary.js";
import { findServers } from "./fleet/servers.js";
import { publishServerNames } from "./workflow/outputs.js";

/** The main step, as the bundle's entry and `@github/local-action` start it. */
export function run(deps: ActionDeps = actionDeps()): Promise<void> {
  return runStep(runMain, deps);
}

/** The main step: read the inputs, do the mode, write the summary; fail with one clear message. */
export async function runMain(deps: ActionDeps): Promise<void> {
  const { io } = deps;
  maskToken(deps);
  markMainStepRan(io.saveState);

  let settings: Settings;
  try {
    const parsed = parseInputs(io.getInput, deps.runContext());
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
    const report =
      settings.mode === "confirm"
        ? runConfirm(io)
        : await runWithServers(settings, createModeContext(settings, deps));
    if (report.servers) publishServerNames(io.setOutput, report.servers, io.names);
    await finishStep(io, report);
    // Last, so that a step that failed, timed out or was cancelled never arms it: the post step
    // restores only after a main step that got this far.
    const rollback =
      "rollbackOnFailure" in settings && report.made && rollbackToArm(settings, report.made);
    if (report.failures.length === 0 && rollback) armRollback(io, rollback);
  } catch (error) {
    io.setFailed(errorMessage(error));
  }
}

/**
 * Resolves `server-name` once, before the mode does anything: a name that matches no server, or
 * matches too many, stops the step before any change.
 */
async function runWithServers(
  settings: Exclude<Settings, { mode: "confirm" }>,
  context: CreateModeContext & RestoreModeContext,
): Promise<ModeReport> {
  if (!("serverNames" in settings) || !settings.serverNames) return runMode(settings, context);
  const resolved = await findServers(settings.serverIds, settings.serverNames, context);
  if (resolved.problems.length > 0) {
    return failedReport("VPS servers", [...resolved.problems, "Nothing was changed."]);
  }
  return runMode({ ...settings, serverIds: resolved.serverIds }, context);
}

function inputsReport(error: InputError): ModeReport {
  const report = failedReport("VPS snapshot: the step's inputs are not valid", error.problems);
  return { ...report, notes: ["Nothing was sent to the API: fix the inputs above and run again."] };
}

function runMode(
  settings: Exclude<Settings, { mode: "confirm" }>,
  context: CreateModeContext & RestoreModeContext,
): Promise<ModeReport> {
  switch (settings.mode) {
    case "create":
      return runCreate(settings, context);
    case "wait":
      return runWait(settings, context);
    case "restore":
      return runRestore(settings, context);
    case "prune":
      return runPrune(settings, context);
    case "delete":
      return runDelete(settings, context);
    case "list":
      return runList(settings, context);
  }
}
