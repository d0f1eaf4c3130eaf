import { describe, expect, it } from "vitest";
import { JobEnv } from "../../src/constants.js";
import { runMain } from "../../src/main.js";
import { MODE_RUNNERS, type ModeRunners } from "../../src/modes/runners.js";
import { coreIO } from "../../src/runner/toolkit/io.js";
import { Redactor } from "../../src/runner/text/redact.js";
import { ServerNames } from "../../src/runner/text/server-names.js";
import type { ActionDeps } from "../../src/step.js";
import type { Settings } from "../../src/workflow/inputs/settings.js";
import { FakeClock } from "../support/fakes.js";
import { apiSnapshot } from "../support/fixtures.js";
import { RecordingToolkit } from "../support/recording-toolkit.js";

function mainStep(inputs: Record<string, string>) {
  const env = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  const toolkit = new RecordingToolkit(env);
  const redactor = new Redactor();
  const deps: ActionDeps = {
    io: coreIO(redactor, new ServerNames(), toolkit),
    clock: new FakeClock(),
    random: () => 0.5,
    redactor,
    runContext: () => ({
      repository: "octo/site",
      workflow: "Deploy",
      sha: "3f2a9c1d",
      runId: 1,
      runNumber: 1,
      runAttempt: 1,
      serverUrl: "https://github.com",
    }),
    transport: () => async (exchange) => {
      throw new Error(`no request was expected: ${exchange.label}`);
    },
  };
  return { deps, toolkit };
}

describe("main: the mode's row runs the mode", () => {
  it("runs whatever the row of the parsed mode says, and reports, names and arms what it returns", async () => {
    const handed: Settings[] = [];
    const target = apiSnapshot({ id: 802, server: { id: 12345 } });
    const runners: ModeRunners = {
      ...MODE_RUNNERS,
      list: async (settings, step) => {
        handed.push(settings);
        step.apiContext(settings);
        return {
          title: "A fake row",
          columns: ["Server"],
          rows: [[12345]],
          failures: [],
          notes: [],
          servers: [12345],
          rollback: {
            mode: "wait",
            apiUrl: settings.apiUrl,
            pollIntervalMs: 1_000,
            health: undefined,
            targets: [target],
          },
        };
      },
    };
    const { deps, toolkit } = mainStep({ mode: "list", "api-token": "t", "server-id": "12345" });

    await runMain(deps, runners);

    expect(handed).toMatchObject([{ mode: "list", serverIds: [12345] }]);
    expect(toolkit.failed).toBe(false);
    expect(toolkit.summary).toContain("A fake row");
    // Named by what the API said of them: this row asked nothing.
    expect(toolkit.outputs["server-names"]).toBe("{}");
    expect(JSON.parse(toolkit.exportedEnv[JobEnv.armedRollbacks] ?? "")).toMatchObject([
      { mode: "wait", targets: { "12345": 802 } },
    ]);
  });

  it("arms nothing after a row that reports a failure", async () => {
    const runners: ModeRunners = {
      ...MODE_RUNNERS,
      list: async (settings) => ({
        title: "A fake row",
        columns: [],
        rows: [],
        failures: ["it went wrong"],
        notes: [],
        rollback: {
          mode: "wait",
          apiUrl: settings.apiUrl,
          pollIntervalMs: 1_000,
          health: undefined,
          targets: [apiSnapshot()],
        },
      }),
    };
    const { deps, toolkit } = mainStep({ mode: "list", "api-token": "t", "server-id": "1" });

    await runMain(deps, runners);

    expect(toolkit.failed).toBe(true);
    expect(toolkit.exportedEnv).toEqual({});
  });
});
