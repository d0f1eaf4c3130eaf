import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/api/types.js";
import { failureOf, json, run, simulator } from "./support.js";

const servers = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: 20_001 + i, name: `web-${i + 1}` }));

describe("fleet: several servers in one step", () => {
  it("creates one snapshot per server, all accepted before the wait, one list per check", async () => {
    const sim = await simulator({ servers: servers(3), snapshotDurationMs: 1_500 });
    const result = await run(sim, { "server-id": "20001, 20002\n20003" });
    expect(result.exitCode).toBe(0);
    const byServer = json<Record<string, number>>(result.outputs["snapshot-ids"]);
    expect(Object.keys(byServer).sort()).toEqual(["20001", "20002", "20003"]);
    for (const [serverId, snapshotId] of Object.entries(byServer)) {
      expect(sim.snapshot(snapshotId)).toMatchObject({
        server: { id: Number(serverId) },
        status: "completed",
      });
    }
    expect(result.outputs["snapshot-id"]).toBe(String(byServer["20001"]));
    const lists = sim.requestsFor("list-snapshots");
    // One account-wide list before creating, then one account-wide list per check: never per server.
    expect(lists.every((r) => r.query.server_id === undefined)).toBe(true);
    const creates = sim.requestsFor("create-snapshot");
    const lastCreate = Math.max(...creates.map((r) => r.seq));
    const polls = lists.filter((r) => r.seq > lastCreate);
    expect(lists).toHaveLength(1 + polls.length);
    expect(polls.length).toBeLessThanOrEqual(6);
    expect(result.summary.match(/\| 2000\d \| \d+ \|/g)).toHaveLength(3);
  });

  it("50 servers: the wait costs one list request per check, and takes about as long as one", async () => {
    const sim = await simulator({ servers: servers(50), snapshotDurationMs: 2_000, pageSize: 20 });
    const ids = servers(50).map((s) => s.id);
    const result = await run(sim, { "server-id": ids.join(","), "poll-interval": "0.5s" });
    expect(result.exitCode).toBe(0);
    expect(Object.keys(json(result.outputs["snapshot-ids"]))).toHaveLength(50);
    expect(json<Snapshot[]>(result.outputs.snapshots).every((s) => s.status === "completed")).toBe(
      true,
    );
    expect(sim.requestsFor("create-snapshot")).toHaveLength(50);
    // With 50 snapshots on pages of 20, a check is three page requests (page 1 has no `page`).
    const firstPages = sim.requestsFor("list-snapshots").filter((r) => r.query.page === undefined);
    const checks = firstPages.length - 1;
    expect(checks).toBeGreaterThan(0);
    expect(checks).toBeLessThanOrEqual(8);
    expect(
      sim.requestsFor("list-snapshots").filter((r) => r.query.server_id !== undefined),
    ).toHaveLength(0);
    expect(result.stdout).toMatch(/50 of 50 snapshots completed, 0 in progress/);
    expect(result.durationMs).toBeLessThan(2_000 * 3);
  });

  it("one unknown server fails alone: the others are made, in the outputs and the state", async () => {
    const sim = await simulator();
    const result = await run(sim, {
      "server-id": "12345, 99999, 12346",
      "rollback-on-failure": "true",
    });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(/^Server 99999 does not exist/);
    expect(failureOf(result).split("\n")).toHaveLength(1);
    const made = json<Record<string, number>>(result.outputs["snapshot-ids"]);
    expect(Object.keys(made).sort()).toEqual(["12345", "12346"]);
    expect(json(result.savedState.rollbackTargets)).toEqual(made);
    expect(sim.snapshots().every((s) => s.status === "completed")).toBe(true);
    expect(result.summary).toMatch(/\| 99999 \| {2}\| {2}\| failed \|/);
  });

  it("lists each failed server and why in one message", async () => {
    const sim = await simulator();
    sim.configureServer(12346, { snapshotOutcome: "error" });
    const result = await run(sim, { "server-id": "12345 12346 99999" });
    expect(result.exitCode).toBe(1);
    const lines = failureOf(result).split("\n");
    expect(lines).toHaveLength(2);
    expect(lines.some((l) => /of server 12346 ended with status "error"/.test(l))).toBe(true);
    expect(lines.some((l) => /^Server 99999 does not exist/.test(l))).toBe(true);
  });

  it("a 429 pauses every request of the step until its Retry-After", async () => {
    const sim = await simulator({ servers: servers(12) });
    sim.addFault({
      route: "create-snapshot",
      skip: 2,
      fault: { type: "status", status: 429, retryAfter: "2" },
    });
    const result = await run(sim, {
      "server-id": servers(12)
        .map((s) => s.id)
        .join(" "),
    });
    expect(result.exitCode).toBe(0);
    expect(sim.snapshots()).toHaveLength(12);
    const tooMany = sim.requests.find((r) => r.status === 429);
    expect(tooMany).toBeDefined();
    const at = tooMany?.at ?? 0;
    // Requests already on the wire when the 429 came may land just after it; none may start
    // within the pause after that.
    const duringPause = sim.requests.filter((r) => r.at > at + 300 && r.at < at + 1_900);
    expect(duringPause).toEqual([]);
  });
});
