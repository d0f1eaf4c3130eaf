import { describe, expect, it } from "vitest";
import type { HttpAnswer, HttpExchange } from "../../src/api/wire/transport.js";
import { coreIO } from "../../src/runner/toolkit/io.js";
import { Redactor } from "../../src/runner/text/redact.js";
import { ServerNames } from "../../src/runner/text/server-names.js";
import { type ActionDeps, createApiContext } from "../../src/step.js";
import { VirtualClock } from "../support/fakes.js";
import { RecordingToolkit } from "../support/recording-toolkit.js";

const API_URL = "https://admin.vps.org/api/v1";

describe("a step's API clients", () => {
  it("a 429 with Retry-After on the look after a cancellation pauses the step's other client too", async () => {
    // Half a second before the whole second that Retry-After names as an HTTP date.
    const clock = new VirtualClock(new Date("2026-11-22T12:00:00.500Z"));
    const sent: { label: string; atMs: number }[] = [];
    let lookRefused = false;
    const transport =
      () =>
      async (exchange: HttpExchange): Promise<HttpAnswer> => {
        sent.push({ label: exchange.label, atMs: clock.now() });
        if (exchange.label.startsWith("GET /snapshots/") && !lookRefused) {
          lookRefused = true;
          return {
            status: 429,
            headers: { "retry-after": "Sun, 22 Nov 2026 12:00:01 GMT" },
            body: "",
          };
        }
        const body = exchange.label.startsWith("GET /servers/")
          ? { id: 1, status: "active" }
          : { count: 0, results: [] };
        return { status: 200, headers: {}, body: JSON.stringify(body) };
      };
    // The step's own client asks as soon as the look has begun its pause, which follows the 429.
    let stepAsks: Promise<unknown> | undefined;
    const sleep = clock.sleep.bind(clock);
    clock.sleep = (ms, signal) => {
      clock.sleep = sleep;
      stepAsks = context.api.getServer(1);
      return sleep(ms, signal);
    };
    const redactor = new Redactor();
    const deps: ActionDeps = {
      io: coreIO(redactor, new ServerNames(), new RecordingToolkit({})),
      clock,
      random: () => 0.5,
      redactor,
      runContext: () => {
        throw new Error("not read");
      },
      transport,
    };
    const context = createApiContext({ apiUrl: API_URL, apiToken: "t", timeoutMs: 60_000 }, deps);

    await context.lastLook().listSnapshots(1);
    await stepAsks;

    // Without the shared pause it would have gone at once, into the account's rate limit.
    expect(sent.find((r) => r.label === "GET /servers/1/")).toEqual({
      label: "GET /servers/1/",
      atMs: 500,
    });
    expect(sent.filter((r) => r.label.startsWith("GET /snapshots/")).map((r) => r.atMs)).toEqual([
      0, 500,
    ]);
  });
});
