import { describe, expect, it } from "vitest";
import { snapshotsOn } from "../support/fixtures.js";
import { failureOf, run, simulator } from "./support.js";

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

describe("paging and redirects stay on the API's origin", () => {
  it("follows next links on the API's own origin across pages", async () => {
    const sim = await simulator({
      pageSize: 2,
      snapshots: snapshotsOn(12345, 4, { prefix: "pre-deploy-" }),
    });
    const result = await run(sim, { mode: "list", "server-id": "12345 12346" });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs.snapshots ?? "[]")).toHaveLength(4);
    expect(sim.requestsFor("list-snapshots").map((r) => r.query.page ?? "1")).toEqual(["1", "2"]);
  });

  it("refuses a next link to another origin, which never receives the token", async () => {
    const other = await simulator();
    const sim = await simulator({
      pageSize: 1,
      nextLinkOrigin: other.origin,
      snapshots: [
        { serverId: 12345, name: "a" },
        { serverId: 12345, name: "b" },
      ],
    });
    const result = await run(sim, { mode: "list", "server-id": "12345" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      new RegExp(`Refused to follow ${other.origin} .*not on the API's origin ${sim.origin}`),
    );
    expect(other.requests).toHaveLength(0);
  });

  it("refuses a redirect to another origin, which never receives the token", async () => {
    const other = await simulator();
    const sim = await simulator();
    sim.addFault({
      route: "list-snapshots",
      fault: { type: "redirect", status: 302, location: `${other.url}/snapshots/?server_id=12345` },
    });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(/Refused to follow/);
    expect(other.requests).toHaveLength(0);
    expect(sim.requestsFor("create-snapshot")).toHaveLength(0);
  });
});
