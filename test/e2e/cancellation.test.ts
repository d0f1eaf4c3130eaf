/**
 * A cancelled workflow: the runner sends the step's process a signal, which only the bundle can
 * show. The paging and redirect cases that shared this file are in test/modes/api-origin.test.ts.
 */
import { describe, expect, it } from "vitest";
import { run, simulator } from "./support.js";

describe("cancellation", () => {
  it.each(["SIGTERM", "SIGINT"] as const)(
    "on %s: logs the snapshot ids made, keeps them in the outputs, exits within 2 s",
    async (signal) => {
      const sim = await simulator({ snapshotDurationMs: 120_000 });
      const killAt = 2_500;
      const result = await run(
        sim,
        { "server-id": "12345 12346", "poll-interval": "1s" },
        { killAfterMs: killAt, killSignal: signal },
      );
      const made = Object.fromEntries(sim.snapshots().map((s) => [String(s.server.id), s.id]));
      expect(Object.keys(made)).toHaveLength(2);
      expect(result.exitCode).toBe(1);
      expect(result.durationMs - killAt).toBeLessThan(2_000);
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
    const result = await run(sim, { "server-id": "12345" }, { killAfterMs: 1_500 });
    const made = sim.creations[0];
    expect(made).toBeDefined();
    expect(result.outputs["snapshot-id"]).toBe(String(made));
    expect(result.outputs["snapshot-ids"]).toBe(JSON.stringify({ 12345: made }));
    expect(result.stdout).toMatch(
      new RegExp(`Cancelled, but server web-server-01 \\(12345\\)'s snapshot ${made}`),
    );
    expect(result.durationMs - 1_500).toBeLessThan(2_000);
  });

  it("nothing made yet: says which name to look for", async () => {
    const sim = await simulator();
    sim.addFault({ route: "create-snapshot", fault: { type: "hang" } });
    const result = await run(sim, { "server-id": "12345" }, { killAfterMs: 1_500 });
    expect(sim.creations).toHaveLength(0);
    expect(result.stdout).toMatch(
      /no snapshot named pre-deploy-1a2b3c4-9876543210-1 was found on it yet.*look for a snapshot named pre-deploy-1a2b3c4-9876543210-1 on server web-server-01 \(12345\)/,
    );
    expect(result.durationMs - 1_500).toBeLessThan(2_000);
  });
});
