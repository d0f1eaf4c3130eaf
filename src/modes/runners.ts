import { findServers } from "../fleet/servers/servers.js";
import type { Mode } from "../workflow/inputs/modes.js";
import type { Settings } from "../workflow/inputs/settings.js";
import { failedReport, type ModeReport } from "../workflow/summary.js";
import { runConfirm } from "./after-deploy/confirm.js";
import type { StepContext } from "./context.js";
import { runCreate } from "./before-deploy/create.js";
import { runDelete } from "./housekeeping/delete.js";
import { runList } from "./housekeeping/list.js";
import { runPrune } from "./housekeeping/prune.js";
import { runRestore } from "./after-deploy/restore.js";
import { runWait } from "./before-deploy/wait.js";

type SettingsOf<M extends Mode> = Extract<Settings, { mode: M }>;
type ModeRunner<M extends Mode> = (
  settings: SettingsOf<M>,
  step: StepContext,
) => Promise<ModeReport>;
export type ModeRunners = { [M in Mode]: ModeRunner<M> };

/**
 * How each mode of the mode table (workflow/inputs/modes.ts) runs: adding a mode is a row there
 * and a row here, each checked against `MODES` by the compiler.
 */
export const MODE_RUNNERS: ModeRunners = {
  create: (settings, step) => runCreate(settings, step.apiContext(settings)),
  wait: (settings, step) => runWait(settings, step.apiContext(settings)),
  restore: (settings, step) => runRestore(settings, step.apiContext(settings)),
  prune: (settings, step) => runPrune(settings, step.apiContext(settings)),
  delete: (settings, step) => runDelete(settings, step.apiContext(settings)),
  list: (settings, step) => runList(settings, step.apiContext(settings)),
  confirm: async (_, step) => runConfirm(step.io),
};

/**
 * Runs the mode's row. `server-name` is resolved once, before the mode does anything: a name that
 * matches no server, or matches too many, stops the step before any change.
 */
export async function runMode(
  settings: Settings,
  step: StepContext,
  runners: ModeRunners = MODE_RUNNERS,
): Promise<ModeReport> {
  // The row of `settings.mode` takes exactly these settings; the compiler cannot pair the two.
  const run = runners[settings.mode] as ModeRunner<Mode>;
  if (!("serverNames" in settings) || !settings.serverNames) return run(settings, step);
  const resolved = await findServers(
    settings.serverIds,
    settings.serverNames,
    step.apiContext(settings),
  );
  if (resolved.problems.length > 0) {
    return failedReport("VPS servers", [...resolved.problems, "Nothing was changed."]);
  }
  return run({ ...settings, serverIds: resolved.serverIds }, step);
}
