import { describe, expect, it } from "vitest";
import type { Transport } from "../../src/api/transport.js";
import type { ActionIO } from "../../src/io.js";
import { runPost } from "../../src/post.js";
import { Redactor } from "../../src/redact.js";
import { FakeClock, recordingLogger } from "../support/fakes.js";

function fakeIO(inputs: Record<string, string>, state: Record<string, string>) {
  const failed: string[] = [];
  const log = recordingLogger();
  const io: ActionIO = {
    getInput: (name) => inputs[name] ?? "",
    getState: (name) => state[name] ?? "",
    setOutput: () => {},
    saveState: () => {},
    setSecret: () => {},
    setFailed: (message) => failed.push(message),
    writeSummary: async () => {},
    log,
  };
  return { io, failed, log };
}

function post(inputs: Record<string, string>, state: Record<string, string>) {
  const sent: string[] = [];
  const transport: Transport = async (exchange) => {
    sent.push(exchange.label);
    throw new Error("no request is expected here");
  };
  const fake = fakeIO({ "api-token": "tok-1234", "server-id": "1", ...inputs }, state);
  const done = runPost({
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
  it("rollback off: one line, no request", async () => {
    const { done, sent, log, failed } = post(
      { "rollback-on-failure": "false" },
      { isPost: "true" },
    );
    await done;
    expect(log.lines).toEqual([
      "Rollback is off (rollback-on-failure: false): nothing was restored.",
    ]);
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

  it("unreadable saved state: fails without a request", async () => {
    const { done, sent, failed } = post(
      { "rollback-on-failure": "true" },
      { rollbackTargets: "{oops" },
    );
    await done;
    expect(failed[0]).toMatch(/saved state is unreadable.*nothing was restored/);
    expect(sent).toEqual([]);
  });
});
