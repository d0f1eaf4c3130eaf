import { describe, expect, it } from "vitest";
import type { RunResult } from "../../../scripts/run-action.js";
import { ACTION_SERVERS, busyAccount } from "../../../simulator/seeds.js";
import type { Simulator } from "../../../simulator/server.js";
import { servers, snapshotsOn } from "../../support/fixtures.js";
import { json, run, runJob, simulator } from "../../support/in-process.js";

/**
 * A busy account's list is long and moves while a step reads it: these tests page through it, and
 * change it between pages.
 */

/**
 * The action's servers and ten others (20001 to 20010), with `count` snapshots of other people's,
 * listed 10 a page: ids 100 on, named nightly-0, nightly-1, …, made a day apart from 2026-01-01,
 * five to each other server.
 */
const othersOnPages = (count: number, listOrder?: "oldest-first") =>
  simulator({
    servers: [...ACTION_SERVERS, ...servers(10, { name: (n) => `other-${n}` })],
    snapshots: snapshotsOn((n) => 20_001 + Math.floor(n / 5), count, {
      prefix: "nightly-",
      firstId: 100,
      firstDay: "2026-01-01",
    }),
    pageSize: 10,
    listOrder,
  });

/** Deletes one other snapshot right after the first page of a walk of the account's list. */
function deleteBetweenPages(sim: Simulator, when: () => boolean, victim: number) {
  let done = false;
  sim.afterListPage((info) => {
    if (done || info.page !== 1 || info.serverId !== null || !when()) return;
    done = true;
    sim.removeSnapshot(victim);
  });
  return () => done;
}

describe("a list that moves while it is read", () => {
  it("a snapshot of ours on no page of one walk is confirmed, not declared gone", async () => {
    // Oldest first, 10 a page: ours are the 11th and 12th. Deleting one of page 1 after it was
    // read moves ours up: the 11th onto page 1, already read, so it is on neither page.
    const sim = await othersOnPages(10, "oldest-first");
    const happened = deleteBetweenPages(sim, () => sim.snapshots().length === 12, 100);
    const result = await run(sim, { "server-id": "12345 12346" });
    expect(happened()).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toMatch(/disappeared/);
    expect(json<Record<string, number>>(result.outputs["snapshot-ids"])).toEqual({
      12345: sim.creations[0],
      12346: sim.creations[1],
    });
    // The absence was checked through the server's own list before anything was decided.
    expect(sim.requestsFor("list-snapshots").some((r) => r.query.server_id === "12345")).toBe(true);
  });

  it("the last page vanishing mid-walk (404 Invalid page.) does not fail the wait", async () => {
    // 9 others and ours: 11 items, 2 pages; one deletion after page 1 removes page 2.
    const sim = await othersOnPages(9, "oldest-first");
    const happened = deleteBetweenPages(sim, () => sim.snapshots().length === 11, 101);
    const result = await run(sim, { "server-id": "12345 12346" });
    expect(happened()).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(
      sim.requestsFor("list-snapshots").some((r) => r.status === 404 && r.query.page === "2"),
    ).toBe(true);
  });

  it("a paging loop ends with a clear error, not an endless walk", async () => {
    const sim = await othersOnPages(30);
    sim.addFault({ route: "list-snapshots", times: 50, fault: { type: "next-loop", page: 1 } });
    const result = await run(sim, { mode: "delete", "snapshot-id": "100", "dry-run": "true" });
    expect(result.stdout).toMatch(
      /paging loops: the next page, GET \/snapshots\/.* was already read/,
    );
    expect(sim.requestsFor("list-snapshots").length).toBeLessThanOrEqual(3);
  });
});

describe("an account of 1,205 snapshots (121 pages of 10)", () => {
  const busy = () => simulator({ ...busyAccount({ snapshots: 1205 }), pageSize: 10 });

  it("a fleet's create and wait read each server's own list: at most 3 requests a check", async () => {
    const sim = await busy();
    const result = await run(sim, { "server-id": "12345 12346 12347" });
    expect(result.exitCode).toBe(0);
    const lists = sim.requestsFor("list-snapshots");
    const accountPages = lists.filter((r) => r.query.server_id === undefined);
    // One page of the account's list told its size; nothing else of it was read.
    expect(accountPages).toHaveLength(1);
    const checks = result.stdout.split("\n").filter((l) => / elapsed\)$/.test(l)).length;
    // Before the create, one list per server; then at most 3 per check.
    expect(lists.length - 1 - 3).toBeLessThanOrEqual(3 * checks);
  });

  it("restore by a plain id walks the account once, past any fixed cap", async () => {
    const sim = await busy();
    const target = sim.snapshotsOf(12345).find((s) => s.name.startsWith("pre-deploy-"));
    const result = await run(sim, {
      mode: "restore",
      "snapshot-id": String(target?.id),
      wait: "false",
    });
    expect(result.exitCode).toBe(0);
    expect(sim.restores.map((r) => r.snapshotId)).toEqual([target?.id]);
    expect(sim.requestsFor("list-snapshots")).toHaveLength(121);
  });

  it("restore with a snapshot-ids map and the rollback read only the servers' own lists", async () => {
    const sim = await busy();
    const inputs = { "server-id": "12345 12346", "rollback-on-failure": "true" };
    let before = 0;
    const { mains, posts } = await runJob(sim, [inputs], "failure", async () => {
      before = sim.requests.length;
    });
    const [main, post] = [mains[0] as RunResult, posts[0]];
    expect(main.exitCode).toBe(0);
    expect(post?.exitCode).toBe(0);
    const ids = json<Record<string, number>>(main.outputs["snapshot-ids"]);
    expect(sim.restores.map((r) => [r.serverId, r.snapshotId]).sort()).toEqual([
      [12345, ids["12345"]],
      [12346, ids["12346"]],
    ]);
    const postLists = sim.requests.slice(before).filter((r) => r.route === "list-snapshots");
    expect(postLists.map((r) => r.query.server_id).sort()).toEqual(["12345", "12346"]);
  });
});
