/**
 * What a create step does about the slot it needs: a snapshot of the same name already there
 * (if-exists), or a server already at the provider's limit of 5 (on-limit).
 */
import { describe, expect, it } from "vitest";
import { daysAgo, onServer, snapshotsOn } from "../../support/fixtures.js";
import { failureOf, run, SNAPSHOT_NAME, simulator, sortedIds } from "../../support/in-process.js";

describe("create: on-limit", () => {
  const atLimit = () =>
    onServer(12345, [
      { id: 801, name: "pre-deploy-new", createdAt: daysAgo(1) },
      { id: 802, name: "pre-deploy-old", createdAt: daysAgo(9) },
      { id: 803, name: "pre-deploy-busy", createdAt: daysAgo(30), status: "in_progress" },
      { id: 804, name: "manual-oldest", createdAt: daysAgo(60) },
      { id: 805, name: "pre-deploy-mid", createdAt: daysAgo(5) },
    ]);

  it("delete-oldest deletes only our oldest completed snapshot, then creates", async () => {
    const sim = await simulator({ listOrder: "shuffled", snapshots: atLimit() });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(0);
    expect(sim.deletions.map((d) => d.snapshotId)).toEqual([802]);
    expect(result.outputs["deleted-snapshot-ids"]).toBe("[802]");
    expect(sortedIds(sim.snapshotsOf(12345))).toEqual([
      801,
      803,
      804,
      805,
      Number(result.outputs["snapshot-id"]),
    ]);
  });

  it.each([
    ["a failed one of ours goes before the oldest completed one", "pre-deploy-failed", 806, 802],
    ["a failed one without the prefix is never deleted", "manual-failed", 802, 806],
  ])("delete-oldest: %s", async (_case, name, deleted, spared) => {
    const failed = { id: 806, serverId: 12345, name, createdAt: daysAgo(2), status: "failed" };
    const sim = await simulator({ snapshots: [...atLimit().slice(0, 4), failed] });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(0);
    expect(sim.deletions.map((d) => d.snapshotId)).toEqual([deleted]);
    expect(sim.snapshot(spared)).toBeDefined();
    expect(result.stdout).toMatch(new RegExp(`deleted snapshot ${deleted} \\(`));
  });

  it("fail: names the limit of 5 and deletes nothing", async () => {
    const sim = await simulator({ snapshots: atLimit() });
    const result = await run(sim, { "server-id": "12345", "on-limit": "fail" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /Server web-server-01 \(12345\) already has 5 snapshots, the provider's limit is 5: .*on-limit is fail, so nothing was deleted/,
    );
    expect(sim.requests.filter((r) => r.method !== "GET")).toHaveLength(0);
  });

  it("with none of ours that may go, fails listing the server's snapshots and deletes nothing", async () => {
    const sim = await simulator({
      snapshots: [
        ...[1, 2, 3, 4].map((n) => ({
          serverId: 12345,
          name: `manual-${n}`,
          createdAt: daysAgo(n * 10),
        })),
        { serverId: 12345, name: "pre-deploy-busy", status: "in_progress" },
      ],
    });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(1);
    const failure = failureOf(result);
    expect(failure).toMatch(
      /already has 5 snapshots.*pre-deploy-busy \(in_progress.*manual-1 \(completed, 10d 00h old\)/,
    );
    expect(failure).toMatch(
      /Too few of them may be deleted by this action.*so nothing was deleted/,
    );
    expect(sim.requests.filter((r) => r.method !== "GET")).toHaveLength(0);
    expect(sim.snapshotsOf(12345)).toHaveLength(5);
  });

  it("delete-oldest with every snapshot made by hand: names the limit of 5 and deletes nothing", async () => {
    const seeds = snapshotsOn(12345, 5, { prefix: "manual-", firstDay: "2026-01-01" });
    const sim = await simulator({ snapshots: seeds });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(/already has 5 snapshots, the provider's limit/);
    expect(
      sim
        .snapshotsOf(12345)
        .map((s) => s.name)
        .sort(),
    ).toEqual(seeds.map((s) => s.name));
    expect(sim.requestsFor("delete-snapshot")).toHaveLength(0);
  });

  it("a create still refused for the limit gets one more round, never a loop", async () => {
    const sim = await simulator();
    const limit = {
      type: "status" as const,
      status: 400,
      body: '{"error": "Snapshot limit reached: at most 5."}',
    };
    sim.addFault({ route: "create-snapshot", fault: limit });
    const once = await run(sim, { "server-id": "12345" });
    expect(once.exitCode).toBe(0);
    expect(sim.requestsFor("create-snapshot")).toHaveLength(2);

    sim.addFault({ route: "create-snapshot", times: Number.POSITIVE_INFINITY, fault: limit });
    const always = await run(sim, { "server-id": "12346" });
    expect(always.exitCode).toBe(1);
    expect(failureOf(always)).toMatch(/already has 5 snapshots|limit/);
    expect(sim.requestsFor("create-snapshot")).toHaveLength(4);
  });
});

describe("create: if-exists", () => {
  it("fail: names the existing snapshot and its age, creates nothing", async () => {
    const sim = await simulator({
      snapshots: [{ id: 850, serverId: 12345, name: SNAPSHOT_NAME, createdAt: daysAgo(2) }],
    });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      new RegExp(
        `already has snapshot 850 named ${SNAPSHOT_NAME} \\(completed, 2d 00h old\\)\\. Set if-exists: reuse`,
      ),
    );
    expect(sim.requestsFor("create-snapshot")).toHaveLength(0);
  });

  it("reuse: takes the snapshot of a re-run, waits for it, and sends no create", async () => {
    const sim = await simulator({ snapshotDurationMs: 1_500 });
    const first = await run(sim, { "server-id": "12345", wait: "false" });
    expect(first.outputs["snapshot-status"]).toBe("in_progress");
    const second = await run(sim, { "server-id": "12345", "if-exists": "reuse" });
    expect(second.exitCode).toBe(0);
    expect(second.outputs["snapshot-id"]).toBe(first.outputs["snapshot-id"]);
    expect(second.outputs["snapshot-status"]).toBe("completed");
    expect(sim.requestsFor("create-snapshot")).toHaveLength(1);
    expect(second.summary).toMatch(/completed \(reused\)/);
  });

  it("replace: deletes the old one, then creates", async () => {
    const sim = await simulator({
      snapshots: [{ id: 850, serverId: 12345, name: SNAPSHOT_NAME, createdAt: daysAgo(2) }],
    });
    const result = await run(sim, { "server-id": "12345", "if-exists": "replace" });
    expect(result.exitCode).toBe(0);
    expect(sim.deletions.map((d) => d.snapshotId)).toEqual([850]);
    expect(result.outputs["deleted-snapshot-ids"]).toBe("[850]");
    expect(Number(result.outputs["snapshot-id"])).not.toBe(850);
    expect(sim.snapshotsOf(12345).map((s) => s.name)).toEqual([SNAPSHOT_NAME]);
  });
});
