import { describe, expect, it } from "vitest";
import type { RunResult } from "../../../scripts/run-action.js";
import type { Simulator } from "../../../simulator/server.js";
import type { Snapshot } from "../../../src/api/answers/types.js";
import { servers } from "../../support/fixtures.js";
import { createThenEndJob, failureOf, json, run, simulator } from "../../support/in-process.js";

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
    expect(result.summary.match(/\| web-(\d) \(2000\1\) \| \d+ \|/g)).toHaveLength(3);
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

  it("one unknown server: nothing is changed on any server, and the step names it", async () => {
    const sim = await simulator();
    const result = await run(sim, {
      "server-id": "12345, 99999, 12346",
      "rollback-on-failure": "true",
    });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result).split("\n")).toEqual([
      expect.stringMatching(/^Server 99999 does not exist, or this token cannot see it/),
      "Nothing was changed on any server: every server is checked before the first change.",
    ]);
    expect(sim.requestsFor("create-snapshot")).toHaveLength(0);
    expect(sim.snapshots()).toHaveLength(0);
    expect(result.savedState.rollbackTargets).toBeUndefined();
  });

  it("a snapshot that fails on one server: the others are made, the step names it", async () => {
    const sim = await simulator();
    sim.configureServer(12346, { snapshotOutcome: "error" });
    const result = await run(sim, { "server-id": "12347 12346 12345" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result).split("\n")).toEqual([
      expect.stringMatching(/of server web-server-02 \(12346\) ended with status "error"/),
    ]);
    const made = json<Record<string, number>>(result.outputs["snapshot-ids"]);
    expect(Object.keys(made).sort()).toEqual(["12345", "12346", "12347"]);
  });

  it("a 429 pauses every request of the step until its Retry-After", async () => {
    const fleet = servers(12);
    const sim = await simulator({ servers: fleet });
    sim.addFault({
      route: "create-snapshot",
      fault: { type: "status", status: 429, retryAfter: "2" },
    });
    sim.addFault({ route: "create-snapshot", times: 9, fault: { type: "hold" } });
    const running = run(sim, { "server-id": fleet.map((s) => s.id).join(" ") });
    // The first create is refused with the 429, the other nine of the first ten are held: once
    // the step has heard the 429, they are let go, and the servers they free may not start theirs.
    await sim.arrived("create-snapshot", 10);
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(sim.releaseHeld()).toBe(9);
    const result = await running;
    expect(result.exitCode).toBe(0);
    expect(sim.snapshots()).toHaveLength(12);
    const at = sim.requests.find((r) => r.status === 429)?.at ?? Number.NaN;
    // On the virtual clock time moves only when the step sleeps: a create sent without waiting
    // out the pause would arrive at the 429's own time.
    const creates = sim.requestsFor("create-snapshot").sort((a, b) => a.at - b.at);
    const afterThe429 = creates.slice(10).map((r) => r.at - at);
    expect(afterThe429).toHaveLength(3);
    expect(Math.min(...afterThe429)).toBeGreaterThanOrEqual(2_000);
  });
});

/**
 * Fleets listed out of order, whose snapshots the API makes in another order than the listed one;
 * with three servers, in neither that nor the order of the server ids.
 */
const HIGH_TO_LOW = { listed: [12346, 12345], made: [12345, 12346] };
const OUT_OF_ORDER = { listed: [12347, 12345, 12346], made: [12346, 12347, 12345] };

/**
 * Server to snapshot as the API has it, for servers that held none before the step: each one's
 * only snapshot.
 */
function snapshotOfEach(sim: Simulator, serverIds: readonly number[]): Record<string, number> {
  return Object.fromEntries(
    serverIds.map((serverId) => {
      const held = sim.snapshotsOf(serverId).map((s) => s.id);
      expect(held, `the snapshots of server ${serverId}`).toHaveLength(1);
      return [String(serverId), held[0] as number];
    }),
  );
}

/** Server and snapshot ids. */
type Pair = [serverId: number, snapshotId: number];

/** Pairs in the order of their server ids, to compare sets of pairs. */
const byServerId = (pairs: Pair[]) => [...pairs].sort((a, b) => a[0] - b[0]);

/** The pairs of a server-to-snapshot map. */
const pairsOf = (byServer: Record<string, number>) =>
  byServerId(
    Object.entries(byServer).map(([serverId, snapshotId]) => [Number(serverId), snapshotId]),
  );

/** Each server the simulator restored, with the snapshot it restored it to. */
const restoredPairs = (sim: Simulator) =>
  byServerId(sim.restores.map((r): Pair => [r.serverId, r.snapshotId]));

/** `snapshot-ids` and `snapshots` name, for each server, the snapshot the API has for it. */
function expectOutputsPairedAs(result: RunResult, truth: Record<string, number>) {
  expect(json(result.outputs["snapshot-ids"])).toEqual(truth);
  const listed = json<Snapshot[]>(result.outputs.snapshots).map((s): Pair => [s.server.id, s.id]);
  expect(byServerId(listed)).toEqual(pairsOf(truth));
}

/**
 * A create step with rollback on failure for the fleet, each server's create held back a little
 * longer than the one made before it.
 */
async function createStepFor(fleet: typeof OUT_OF_ORDER) {
  const sim = await simulator();
  fleet.made.forEach((serverId, i) => {
    if (i > 0) {
      sim.addFault({ route: "create-snapshot", serverId, fault: { type: "delay", ms: 400 * i } });
    }
  });
  const inputs = { "server-id": fleet.listed.join(" "), "rollback-on-failure": "true" };
  return { sim, inputs };
}

describe("fleet: each server is paired with its own snapshot, whatever the order of server-id", () => {
  it.each([
    ["two servers listed high to low, the first made last", HIGH_TO_LOW],
    ["three servers out of order, made in yet another order", OUT_OF_ORDER],
  ])(
    "%s: snapshot-ids, snapshots, snapshot-id (the first listed) and the rollback state",
    async (_, fleet) => {
      const { sim, inputs } = await createStepFor(fleet);
      const result = await run(sim, inputs);
      expect(result.exitCode).toBe(0);
      const truth = snapshotOfEach(sim, fleet.listed);
      expectOutputsPairedAs(result, truth);
      const listed = json<Snapshot[]>(result.outputs.snapshots);
      expect(listed.map((s) => s.server.id)).toEqual(fleet.listed);
      expect(result.outputs["snapshot-id"]).toBe(String(truth[String(fleet.listed[0])]));
      expect(json(result.savedState.rollbackTargets)).toEqual(truth);
    },
  );

  it("the rollback post step restores each server of a fleet listed out of order to its own snapshot", async () => {
    const { sim, inputs } = await createStepFor(OUT_OF_ORDER);
    const { main, post } = await createThenEndJob(sim, inputs, "failure");
    expect(main.exitCode).toBe(0);
    expect(post?.exitCode).toBe(0);
    expect(restoredPairs(sim)).toEqual(pairsOf(snapshotOfEach(sim, OUT_OF_ORDER.listed)));
  });

  it.each([
    ["a snapshot-ids map with its keys out of order", '{"12347":802,"12345":803,"12346":801}'],
    ["snapshot ids listed out of order", "802 803 801"],
  ])("restore from %s: each server to its own snapshot", async (_, selection) => {
    // Snapshot ids in neither the order of the servers nor that of the input.
    const truth = { 12345: 803, 12346: 801, 12347: 802 };
    const sim = await simulator({
      restoreDurationMs: 300,
      snapshots: pairsOf(truth).map(([serverId, id]) => ({
        id,
        serverId,
        name: `pre-deploy-${id}`,
      })),
    });
    const result = await run(sim, { mode: "restore", "snapshot-id": selection });
    expect(result.exitCode).toBe(0);
    expect(restoredPairs(sim)).toEqual(pairsOf(truth));
    expectOutputsPairedAs(result, truth);
  });
});

describe("fleet: servers are handled at the same time, at most 10 at once", () => {
  it("six servers: all six creates are open at once", async () => {
    const ids = servers(6).map((s) => s.id);
    const sim = await simulator({ servers: servers(6) });
    sim.addFault({ route: "create-snapshot", times: 6, fault: { type: "hold" } });
    const running = run(sim, { "server-id": ids.join(" ") });
    // One server after another, the first create would be held for ever and the second never
    // sent: the test would end at its timeout instead.
    await sim.arrived("create-snapshot", 6);
    expect(sim.openRequests("create-snapshot")).toBe(6);
    expect(sim.releaseHeld()).toBe(6);
    expect((await running).exitCode).toBe(0);
    expect(sim.creations).toHaveLength(6);
  });

  it("25 servers: never more than 10 creates open at once, and 10 while there are 10 to make", async () => {
    const fleet = servers(25);
    const sim = await simulator({ servers: fleet });
    sim.addFault({ route: "create-snapshot", times: Infinity, fault: { type: "hold" } });
    const running = run(sim, { "server-id": fleet.map((s) => s.id).join(" ") });
    let released = 0;
    while (released < fleet.length) {
      await sim.arrived("create-snapshot", released + Math.min(10, fleet.length - released));
      // A fleet that ignored its cap would have more creates on the way: a few turns of the event
      // loop let them arrive before the wave is released.
      for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
      released += sim.releaseHeld();
    }
    expect((await running).exitCode).toBe(0);
    expect(sim.creations).toHaveLength(25);
    expect(sim.peakOpenRequests("create-snapshot")).toBe(10);
    expect(sim.peakOpenRequests("get-server")).toBeLessThanOrEqual(10);
  });
});
