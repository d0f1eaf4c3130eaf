import { describe, expect, it } from "vitest";
import type { RunResult } from "../../../scripts/run-action.js";
import type { Simulator } from "../../../simulator/server.js";
import type { Snapshot } from "../../../src/api/types.js";
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
    // Real time: requests already on the wire race the pause.
    const sim = await simulator({ servers: servers(12) }, { clock: "real" });
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

/** The create requests the simulator got for `serverId`. */
const createsFor = (sim: Simulator, serverId: number) =>
  sim
    .requestsFor("create-snapshot")
    .filter((r) => (r.body as { server_id?: unknown } | null)?.server_id === serverId);

describe("fleet: servers are handled at the same time, not one after another", () => {
  it("six servers behind an API that answers every request 500 ms late: all six creates are on the wire at once", async () => {
    const delayMs = 500;
    const ids = servers(6).map((s) => s.id);
    // Real time: the API's answers are late in real time.
    const sim = await simulator({ servers: servers(6) }, { clock: "real" });
    sim.addFault({ route: "*", times: Infinity, fault: { type: "delay", ms: delayMs } });
    const result = await run(sim, { "server-id": ids.join(" ") });
    expect(result.exitCode).toBe(0);
    const arrivals = ids.map((id) => createsFor(sim, id)[0]?.at ?? Number.NaN);
    // No request is answered sooner than delayMs after it arrived: a create that arrived within
    // delayMs of the first one was sent while every create before it still waited for its answer.
    // One server after another, they would arrive at least delayMs apart.
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(delayMs);
  });
});
