import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/api/types.js";
import { failureOf, groupsOf, json, run, simulator } from "./support.js";

const NAME = "pre-deploy-1a2b3c4-9876543210-1";
const daysAgo = (days: number) =>
  new Date(Date.now() - days * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
const ids = (snapshots: Snapshot[]) => snapshots.map((s) => s.id).sort((a, b) => a - b);

describe("prune", () => {
  const fleet = () => [
    // Ids out of date order, so that only created_at can tell which is oldest.
    { id: 905, serverId: 12345, name: "pre-deploy-d1", createdAt: daysAgo(1) },
    { id: 901, serverId: 12345, name: "pre-deploy-d2", createdAt: daysAgo(2) },
    { id: 904, serverId: 12345, name: "pre-deploy-d3", createdAt: daysAgo(3) },
    { id: 902, serverId: 12345, name: "pre-deploy-d9", createdAt: daysAgo(9) },
    {
      id: 903,
      serverId: 12345,
      name: "pre-deploy-busy",
      createdAt: daysAgo(20),
      status: "in_progress",
    },
    { id: 906, serverId: 12345, name: "manual-keep-me", createdAt: daysAgo(30) },
    { id: 907, serverId: 12346, name: "pre-deploy-other-server", createdAt: daysAgo(40) },
  ];

  it("keeps the newest `keep` completed of ours, deletes the rest of ours, touches nothing else", async () => {
    const sim = await simulator({ listOrder: "shuffled", snapshots: fleet() });
    const result = await run(sim, { mode: "prune", "server-id": "12345", keep: "2" });
    expect(result.exitCode).toBe(0);
    expect(sim.deletions.map((d) => d.snapshotId).sort()).toEqual([902, 904]);
    expect(ids(sim.snapshots())).toEqual([901, 903, 905, 906, 907]);
    expect(json<number[]>(result.outputs["deleted-snapshot-ids"]).sort()).toEqual([902, 904]);
    expect(json<Snapshot[]>(result.outputs.snapshots).map((s) => s.id)).toEqual([
      905, 901, 903, 906,
    ]);
    expect(result.summary).toMatch(
      /\| 12345 \| 902 \| pre-deploy-d9 \| completed \| 9d 00h \| deleted \|/,
    );
    expect(result.summary).toMatch(
      /\| 12345 \| 906 \| manual-keep-me \| completed \| 30d 00h \| kept \|/,
    );
    expect(groupsOf(result)).toEqual(["Pruning 1 server(s)"]);
  });

  it("with older-than, also keeps every one of ours younger than that", async () => {
    const sim = await simulator({ snapshots: fleet() });
    const result = await run(sim, {
      mode: "prune",
      "server-id": "12345",
      keep: "0",
      "older-than": "2d",
    });
    expect(result.exitCode).toBe(0);
    // keep 0, older than 2 days: the 1-day-old one stays; 2, 3 and 9 days go.
    expect(sim.deletions.map((d) => d.snapshotId).sort()).toEqual([901, 902, 904]);
    expect(sim.snapshot(903)).toBeDefined();
    expect(sim.snapshot(906)).toBeDefined();
  });

  it("a dry run deletes nothing and says what would go", async () => {
    const sim = await simulator({ snapshots: fleet() });
    const result = await run(sim, {
      mode: "prune",
      "server-id": "12345 12346",
      keep: "1",
      "dry-run": "true",
    });
    expect(result.exitCode).toBe(0);
    expect(sim.requestsFor("delete-snapshot")).toHaveLength(0);
    expect(sim.snapshots()).toHaveLength(7);
    expect(result.summary).toMatch(/dry run/);
    expect(result.summary).toMatch(
      /\| 12345 \| 902 \| pre-deploy-d9 \| completed \| 9d 00h \| would be deleted \|/,
    );
    expect(result.outputs["deleted-snapshot-ids"]).toBe("[]");
  });

  it("deletes nothing when no snapshot is ours", async () => {
    const sim = await simulator({
      snapshots: [
        { serverId: 12345, name: "manual-1" },
        { serverId: 12345, name: "nightly" },
      ],
    });
    const result = await run(sim, { mode: "prune", "server-id": "12345", keep: "0" });
    expect(result.exitCode).toBe(0);
    expect(sim.requestsFor("delete-snapshot")).toHaveLength(0);
  });

  it("deletes every failed one of ours whatever keep says; keep counts completed ones", async () => {
    const sim = await simulator({
      snapshots: [
        { id: 911, serverId: 12345, name: "pre-deploy-ok1", createdAt: daysAgo(1) },
        { id: 912, serverId: 12345, name: "pre-deploy-ok2", createdAt: daysAgo(2) },
        {
          id: 913,
          serverId: 12345,
          name: "pre-deploy-broken",
          createdAt: daysAgo(0.5),
          status: "failed",
        },
        {
          id: 914,
          serverId: 12345,
          name: "manual-broken",
          createdAt: daysAgo(8),
          status: "failed",
        },
        {
          id: 915,
          serverId: 12345,
          name: "pre-deploy-busy",
          createdAt: daysAgo(3),
          status: "in_progress",
        },
      ],
    });
    const result = await run(sim, { mode: "prune", "server-id": "12345", keep: "2" });
    expect(result.exitCode).toBe(0);
    expect(sim.deletions.map((d) => d.snapshotId)).toEqual([913]);
    expect(ids(sim.snapshots())).toEqual([911, 912, 914, 915]);
    expect(result.summary).toMatch(/\| 913 \| pre-deploy-broken \| failed \| .* \| deleted \|/);
    expect(result.summary).toMatch(/\| 914 \| manual-broken \| failed \| .* \| kept \|/);
  });

  it("refuses a bad keep or older-than before any request", async () => {
    const sim = await simulator();
    const result = await run(sim, {
      mode: "prune",
      "server-id": "12345",
      keep: "-1",
      "older-than": "a week",
    });
    expect(failureOf(result)).toMatch(/keep "-1" is not a whole number/);
    expect(failureOf(result)).toMatch(/older-than "a week" is not a positive duration/);
    expect(sim.requests).toHaveLength(0);
  });
});

describe("create: on-limit", () => {
  const atLimit = () => [
    { id: 801, serverId: 12345, name: "pre-deploy-new", createdAt: daysAgo(1) },
    { id: 802, serverId: 12345, name: "pre-deploy-old", createdAt: daysAgo(9) },
    {
      id: 803,
      serverId: 12345,
      name: "pre-deploy-busy",
      createdAt: daysAgo(30),
      status: "in_progress",
    },
    { id: 804, serverId: 12345, name: "manual-oldest", createdAt: daysAgo(60) },
    { id: 805, serverId: 12345, name: "pre-deploy-mid", createdAt: daysAgo(5) },
  ];

  it("delete-oldest deletes only our oldest completed snapshot, then creates", async () => {
    const sim = await simulator({ listOrder: "shuffled", snapshots: atLimit() });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(0);
    expect(sim.deletions.map((d) => d.snapshotId)).toEqual([802]);
    expect(result.outputs["deleted-snapshot-ids"]).toBe("[802]");
    expect(ids(sim.snapshotsOf(12345))).toEqual([
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
      /Server 12345 already has 5 snapshots, the provider's limit is 5: .*on-limit is fail, so nothing was deleted/,
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
      snapshots: [{ id: 850, serverId: 12345, name: NAME, createdAt: daysAgo(2) }],
    });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      new RegExp(
        `already has snapshot 850 named ${NAME} \\(completed, 2d 00h old\\)\\. Set if-exists: reuse`,
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
      snapshots: [{ id: 850, serverId: 12345, name: NAME, createdAt: daysAgo(2) }],
    });
    const result = await run(sim, { "server-id": "12345", "if-exists": "replace" });
    expect(result.exitCode).toBe(0);
    expect(sim.deletions.map((d) => d.snapshotId)).toEqual([850]);
    expect(result.outputs["deleted-snapshot-ids"]).toBe("[850]");
    expect(Number(result.outputs["snapshot-id"])).not.toBe(850);
    expect(sim.snapshotsOf(12345).map((s) => s.name)).toEqual([NAME]);
  });
});
