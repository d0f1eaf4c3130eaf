import { describe, expect, it } from "vitest";
import { runConfirm } from "../../../../src/modes/after-deploy/confirm.js";
import { ServerNames } from "../../../../src/runner/text/server-names.js";
import { recordingLogger } from "../../../support/fakes.js";

describe("mode confirm: a job environment that cannot be written", () => {
  it("fails with a sentence that says the confirmation is not recorded, not the toolkit's words", () => {
    const log = recordingLogger();
    const report = runConfirm({
      getEnv: () => "",
      exportVariable: () => {
        throw new Error(
          "Missing file at path: /home/runner/work/_temp/_runner_file_commands/set_env_x",
        );
      },
      log,
      names: new ServerNames(),
    });
    expect(report.title).toBe("VPS deploy not confirmed");
    expect(report.failures).toEqual([
      "The confirmation could not be written to the job's environment (GITHUB_ENV: Missing file at " +
        "path: /home/runner/work/_temp/_runner_file_commands/set_env_x), so it is not recorded: if the " +
        "job fails from here on, the post steps of earlier steps of this action will still restore " +
        "their servers.",
    ]);
    expect(log.lines.join("\n")).not.toContain("Deploy confirmed");
  });
});
