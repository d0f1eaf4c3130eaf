import { errorMessage } from "../../api/answers/errors.js";
import { Inputs } from "../../constants.js";
import type { ActionIO } from "../../runner/toolkit/io.js";
import { confirmRollbacks } from "../../workflow/rollback-handoff.js";
import { failedReport, type ModeReport } from "../../workflow/summary.js";

const TITLE = "VPS deploy confirmed";

/**
 * `mode: confirm`: the deploy is good from here on. The post step cannot tell which step failed,
 * so without this a failed notification or a prune after a good deploy would restore the servers
 * and destroy everything written since the snapshot. It sends no request and needs no token.
 */
export function runConfirm(
  io: Pick<ActionIO, "getEnv" | "exportVariable" | "log" | "names">,
): ModeReport {
  let confirmed;
  try {
    confirmed = confirmRollbacks(io);
  } catch (error) {
    // The toolkit says only "Missing file at path": what it means for the job is what matters.
    return failedReport("VPS deploy not confirmed", [
      "The confirmation could not be written to the job's environment (GITHUB_ENV: " +
        `${errorMessage(error)}), so it is not recorded: if the job fails from here on, the post ` +
        "steps of earlier steps of this action will still restore their servers.",
    ]);
  }
  const { disarmed, problems } = confirmed;
  for (const problem of problems) io.log.warning(`Confirm: ${problem}; it was left out.`);
  for (const { names = {} } of disarmed) {
    for (const [server, name] of Object.entries(names)) io.names.learn(Number(server), name);
  }
  const rows = disarmed.flatMap((rollback) =>
    Object.entries(rollback.targets).map(([server, snapshot]) => [
      server,
      snapshot,
      `${Inputs.mode}: ${rollback.mode}`,
    ]),
  );
  const said =
    disarmed.length === 0
      ? "No rollback was armed before this step in this job (no earlier step of this action with " +
        `${Inputs.rollbackOnFailure}: true succeeded), so there was none to disarm.`
      : `Disarmed ${rows.length} rollback(s): if the job fails from here on, no server is ` +
        "restored; the post steps say so and how to restore by hand.";
  io.log.info(`Deploy confirmed. ${said}`);
  return {
    title: TITLE,
    columns: ["Server", "Snapshot", "Armed by"],
    rows,
    failures: [],
    notes: [said],
  };
}
