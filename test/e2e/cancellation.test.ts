/**
 * A cancelled workflow: the runner sends the step's process a signal, which only the bundle can
 * show. The paging and redirect cases that shared this file are in test/modes/api-origin.test.ts.
 *
 * Each signal is sent on an event (the simulator holding the request the test means to cut short,
 * or the first status check after the creates), never after a fixed time: on a busy machine the
 * bundle may not have sent its request yet when a timer fires.
 */
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../scripts/run-action.js";
import { firstCheckAfterCreates, run, simulator } from "./support.js";

/**
 * The step stops itself within 1.5 s of the signal (src/runner/time/cancellation.ts); the runner would
 * kill it 7.5 s after SIGINT. The bound is that 7.5 s, 5 times the step's own, so that a busy
 * machine cannot fail it while a step that waits out its request (60 s here) still does.
 */
const STOPS_WITHIN_MS = 7_500;

/** The step stopped itself on the signal: its own exit, soon, not the signal's default nor a kill. */
function expectStoppedOnSignal(result: RunResult): void {
  expect(result.signal).toBeNull();
  expect(result.exitCode).toBe(1);
  expect(result.signalledAtMs).not.toBeNull();
  expect(result.durationMs - (result.signalledAtMs ?? 0)).toBeLessThan(STOPS_WITHIN_MS);
}

describe("cancellation", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "on %s: logs the snapshot ids made, keeps them in the outputs, stops promptly by itself",
    async (signal) => {
      const sim = await simulator({ snapshotDurationMs: 120_000 });
      const result = await run(
        sim,
        { "server-id": "12345 12346", "poll-interval": "1s" },
        { killWhen: firstCheckAfterCreates(sim, 2), killSignal: signal },
      );
      const made = Object.fromEntries(sim.snapshots().map((s) => [String(s.server.id), s.id]));
      expect(Object.keys(made)).toHaveLength(2);
      expectStoppedOnSignal(result);
      expect(result.stdout).toContain(
        `::warning::The step was cancelled (${signal}). Snapshots made so far, server to snapshot: ${JSON.stringify(made)}.`,
      );
      expect(JSON.parse(result.outputs["snapshot-ids"] ?? "{}")).toEqual(made);
      expect(result.outputs["snapshot-id"]).toBe(String(made["12345"]));
    },
  );
});

describe("cancelled with the create request open", () => {
  it("the API made the snapshot: one look finds it, names it, puts it in the outputs", async () => {
    const sim = await simulator();
    sim.addFault({ route: "create-snapshot", fault: { type: "apply-then-hang" } });
    const result = await run(
      sim,
      { "server-id": "12345" },
      { killWhen: sim.arrived("create-snapshot") },
    );
    const made = sim.creations[0];
    expect(made).toBeDefined();
    expect(result.outputs["snapshot-id"]).toBe(String(made));
    expect(result.outputs["snapshot-ids"]).toBe(JSON.stringify({ 12345: made }));
    expect(result.stdout).toMatch(
      new RegExp(`Cancelled, but server web-server-01 \\(12345\\)'s snapshot ${made}`),
    );
    expectStoppedOnSignal(result);
  });

  it("nothing made yet: says which name to look for", async () => {
    const sim = await simulator();
    sim.addFault({ route: "create-snapshot", fault: { type: "hang" } });
    const result = await run(
      sim,
      { "server-id": "12345" },
      { killWhen: sim.arrived("create-snapshot") },
    );
    expect(sim.creations).toHaveLength(0);
    expect(result.stdout).toMatch(
      /no snapshot named pre-deploy-1a2b3c4-9876543210-1 was found on it yet.*look for a snapshot named pre-deploy-1a2b3c4-9876543210-1 on server web-server-01 \(12345\)/,
    );
    expectStoppedOnSignal(result);
  });
});
