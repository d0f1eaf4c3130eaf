import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Transport } from "../../src/api/wire/transport.js";
import type { ActionIO } from "../../src/runner/toolkit/io.js";
import { run as postStep } from "../../src/post.js";
import { Redactor } from "../../src/runner/text/redact.js";
import { ServerNames } from "../../src/runner/text/server-names.js";
import { FakeClock, recordingLogger } from "../support/fakes.js";

function fakeIO(inputs: Record<string, string>, state: Record<string, string>) {
  const failed: string[] = [];
  const summaries: string[] = [];
  const log = recordingLogger();
  const io: ActionIO = {
    getInput: (name) => inputs[name] ?? "",
    givenInputNames: () => Object.keys(inputs),
    getState: (name) => state[name] ?? "",
    setOutput: () => {},
    saveState: () => {},
    getEnv: () => "",
    exportVariable: () => {},
    names: new ServerNames(),
    setSecret: () => {},
    setFailed: (message) => failed.push(message),
    writeSummary: async (markdown) => {
      summaries.push(markdown);
    },
    log,
  };
  return { io, failed, log, summaries };
}

function post(inputs: Record<string, string>, state: Record<string, string>) {
  const sent: string[] = [];
  const transport: Transport = async (exchange) => {
    sent.push(exchange.label);
    throw new Error("no request is expected here");
  };
  const fake = fakeIO({ "api-token": "tok-1234", "server-id": "1", ...inputs }, state);
  const done = postStep({
    io: fake.io,
    clock: new FakeClock(),
    random: () => 0,
    redactor: new Redactor(),
    runContext: () => ({
      repository: "",
      workflow: "",
      sha: "",
      runId: 0,
      runNumber: 0,
      runAttempt: 1,
      serverUrl: "",
    }),
    transport: () => transport,
  });
  return { done, sent, ...fake };
}

describe("post step: when it does nothing", () => {
  it("rollback off: nothing a person sees, no request", async () => {
    const { done, sent, log, failed } = post(
      { "rollback-on-failure": "false" },
      { isPost: "true" },
    );
    await done;
    expect(log.lines).toEqual([]);
    expect(sent).toEqual([]);
    expect(failed).toEqual([]);
  });

  it("rollback on but nothing made: one line, no request", async () => {
    const { done, sent, log } = post({ "rollback-on-failure": "true" }, { isPost: "true" });
    await done;
    expect(log.lines).toEqual([
      "Rollback: this step made no snapshot, so there is nothing to roll back.",
    ]);
    expect(sent).toEqual([]);
  });

  it.each([
    ["failed, timed out or was cancelled (no success record)", {}],
    ["left a success record that is not the word true", { mainSucceeded: "yes" }],
  ])(
    "main step that %s: restores nothing, says so once, says how to restore by hand",
    async (_case, extraState) => {
      const { done, sent, log, failed, summaries } = post(
        { "rollback-on-failure": "true" },
        { isPost: "true", rollbackTargets: '{"1":801,"2":802}', ...extraState },
      );
      await done;
      expect(sent).toEqual([]);
      expect(failed).toEqual([]);
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]).toMatch(
        /^Nothing was rolled back: this step did not succeed .* never ran\. To restore by hand anyway, run this action with mode: restore and snapshot-id: \{"1":801,"2":802\}/,
      );
      expect(summaries.join("")).toContain("Nothing was rolled back: this step did not succeed");
    },
  );

  it("unreadable saved state: fails without a request", async () => {
    const { done, sent, failed } = post(
      { "rollback-on-failure": "true" },
      { rollbackTargets: "{oops", mainSucceeded: "true" },
    );
    await done;
    expect(failed[0]).toMatch(/saved state is unreadable.*nothing was restored/);
    expect(sent).toEqual([]);
  });
});

describe("post step: never a request after a main step that did not succeed (generated cases)", () => {
  const pairs = fc.dictionary(
    fc.integer({ min: 1, max: 99_999 }).map(String),
    fc.integer({ min: 1, max: 99_999 }),
    { maxKeys: 6 },
  );
  const savedTargets = fc.oneof(
    pairs.map((map) => JSON.stringify(map)),
    fc.string(),
    fc.constant(""),
  );
  const notASuccess = fc.oneof(
    fc.constant(undefined),
    fc.string().filter((text) => text !== "true"),
  );

  it("whatever targets were saved and whatever else the state holds", async () => {
    await fc.assert(
      fc.asyncProperty(
        savedTargets,
        notASuccess,
        fc.constantFrom("true", "True", "TRUE"),
        async (targets, succeeded, enabled) => {
          const state: Record<string, string> = { isPost: "true", rollbackTargets: targets };
          if (succeeded !== undefined) state.mainSucceeded = succeeded;
          const { done, sent } = post({ "rollback-on-failure": enabled }, state);
          await done;
          expect(sent).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
