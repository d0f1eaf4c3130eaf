import { describe, expect, it } from "vitest";
import type { RunResult } from "../../scripts/run-action.js";
import type { Snapshot } from "../../src/api/answers/types.js";
import type { Simulator } from "../../simulator/server.js";
import { snapshotsOn } from "../support/fixtures.js";
import {
  failureOf,
  groupsOf,
  json,
  run,
  runJob,
  SNAPSHOT_NAME,
  simulator,
} from "../support/in-process.js";

/** Pattern (a) and (b) of the README: a create step that does not wait, then, later, mode wait. */
async function startSnapshots(sim: Simulator, serverIds: string) {
  const started = await run(sim, { "server-id": serverIds, wait: "false" });
  expect(started.exitCode).toBe(0);
  return started;
}

/** Every request a step sent that could change something at the provider. */
function changesSince(sim: Simulator, from: number) {
  return sim.requests.slice(from).filter((r) => r.method !== "GET");
}

describe("mode wait: one job (create with wait: false first, mode wait before the deploy)", () => {
  it("waits for the snapshots of a create step's snapshot-ids, sets create's outputs, changes nothing", async () => {
    const sim = await simulator({ snapshotDurationMs: 2_000 });
    const started = await startSnapshots(sim, "12345 12346");
    const before = sim.requests.length;
    const waited = await run(sim, {
      mode: "wait",
      "snapshot-id": started.outputs["snapshot-ids"] ?? "",
    });
    expect(waited.exitCode).toBe(0);
    expect(changesSince(sim, before)).toEqual([]);
    const ids = json<Record<string, number>>(started.outputs["snapshot-ids"]);
    expect(json(waited.outputs["snapshot-ids"])).toEqual(ids);
    expect(waited.outputs).toMatchObject({
      "snapshot-id": String(ids["12345"]),
      "snapshot-name": SNAPSHOT_NAME,
      "snapshot-status": "completed",
      "snapshot-size-mb": expect.stringMatching(/^\d+$/),
      "snapshot-created-at": expect.stringMatching(/^\d{4}-/),
    });
    expect(json<Snapshot[]>(waited.outputs.snapshots).map((s) => s.status)).toEqual([
      "completed",
      "completed",
    ]);
    // The same progress lines and log group as create's wait.
    expect(groupsOf(waited)).toEqual(["Waiting for 2 snapshots to complete"]);
    expect(waited.stdout).toMatch(
      new RegExp(
        `Snapshot ${ids["12345"]} of server web-server-01 \\(12345\\): in_progress; snapshot .* elapsed\\)`,
      ),
    );
    expect(waited.summary).toMatch(/### VPS snapshots/);
    expect(waited.summary).toMatch(
      new RegExp(`\\| web-server-01 \\(12345\\) \\| ${ids["12345"]} \\| .* \\| completed \\|`),
    );
  });

  it("takes plain ids too: each id's server is found once, then the wait is the same", async () => {
    const sim = await simulator({ snapshotDurationMs: 1_500 });
    const started = await startSnapshots(sim, "12345 12346");
    const ids = Object.values(json<Record<string, number>>(started.outputs["snapshot-ids"]));
    const before = sim.requests.length;
    const waited = await run(sim, { mode: "wait", "snapshot-id": ids.join(", ") });
    expect(waited.exitCode).toBe(0);
    expect(json(waited.outputs["snapshot-ids"])).toEqual(json(started.outputs["snapshot-ids"]));
    const lists = sim.requests.slice(before).filter((r) => r.route === "list-snapshots");
    // One read of the account's list finds the servers; the checks after it are the fleet's.
    expect(lists[0]?.query.server_id).toBeUndefined();
  });

  it("a snapshot that completed while the build ran: no wait at all, and no empty log group", async () => {
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-x" }],
    });
    const waited = await run(sim, { mode: "wait", "snapshot-id": "801", "poll-interval": "10s" });
    expect(waited.exitCode).toBe(0);
    expect(waited.outputs["snapshot-status"]).toBe("completed");
    expect(groupsOf(waited)).toEqual([]);
    expect(waited.stdout).toContain(
      "Nothing to wait for: snapshot 801 of server web-server-01 (12345) is already completed.",
    );
    expect(sim.requestsFor("list-snapshots")).toHaveLength(1);
    expect(waited.durationMs).toBeLessThan(3_000);
  });

  it("an id that does not exist fails at once naming it, and waits for nothing", async () => {
    const sim = await simulator();
    const started = await startSnapshots(sim, "12345");
    const made = started.outputs["snapshot-id"];
    const waited = await run(sim, { mode: "wait", "snapshot-id": `${made} 999999` });
    expect(waited.exitCode).toBe(1);
    expect(failureOf(waited)).toMatch(/^Snapshot 999999 does not exist/);
    expect(failureOf(waited)).toMatch(/Nothing was waited for\./);
    expect(groupsOf(waited)).toEqual([]);
    expect(waited.durationMs).toBeLessThan(3_000);
  });

  it("a snapshot that ends failed: the same failure sentence as create's wait", async () => {
    const sim = await simulator({ snapshotDurationMs: 800, snapshotOutcome: "failed" });
    const started = await startSnapshots(sim, "12345");
    const waited = await run(sim, {
      mode: "wait",
      "snapshot-id": started.outputs["snapshot-ids"] ?? "",
    });
    expect(waited.exitCode).toBe(1);
    expect(failureOf(waited)).toBe(
      `Snapshot ${started.outputs["snapshot-id"]} of server web-server-01 (12345) ended with status "failed" instead of completed.`,
    );
  });

  it("the deadline: the same timeout sentence as create's wait", async () => {
    const sim = await simulator({ snapshotDurationMs: 60_000 });
    const started = await startSnapshots(sim, "12345");
    const waited = await run(sim, {
      mode: "wait",
      "snapshot-id": started.outputs["snapshot-id"] ?? "",
      timeout: "2s",
    });
    expect(waited.exitCode).toBe(1);
    expect(failureOf(waited)).toMatch(
      /is still in_progress after the 2s timeout\. It may still complete: its id is in the outputs/,
    );
  });

  it("a snapshot deleted during the wait: the same sentence as create's wait", async () => {
    const sim = await simulator({ snapshotDurationMs: 20_000 });
    const started = await startSnapshots(sim, "12345");
    const id = Number(started.outputs["snapshot-id"]);
    const waiting = run(sim, { mode: "wait", "snapshot-id": String(id) });
    // Deleted once the wait has read it in progress: its next check misses it.
    await sim.arrived("list-snapshots", sim.arrivalsOf("list-snapshots") + 1);
    sim.removeSnapshot(id);
    const waited = await waiting;
    expect(failureOf(waited)).toMatch(/disappeared from the server's snapshots/);
  });
});

describe("mode wait: across jobs (needs.snapshot.outputs.snapshot-ids) and the rollback", () => {
  /** The deploy job: mode wait with rollback-on-failure, then the job ends as `jobStatus`. */
  async function deployJob(
    sim: Simulator,
    snapshotIds: string,
    jobStatus: "success" | "failure",
    extra: Record<string, string> = {},
  ) {
    const inputs = {
      mode: "wait",
      "snapshot-id": snapshotIds,
      "rollback-on-failure": "true",
      ...extra,
    };
    const { mains, posts } = await runJob(sim, [inputs], jobStatus);
    return { waited: mains[0] as RunResult, post: posts[0] ?? null };
  }

  it("the deploy after a wait that succeeded fails: the wait step's post step rolls back", async () => {
    const sim = await simulator({ snapshotDurationMs: 1_000 });
    const snapshotJob = await startSnapshots(sim, "12345 12346");
    const ids = json<Record<string, number>>(snapshotJob.outputs["snapshot-ids"]);
    const { waited, post } = await deployJob(
      sim,
      snapshotJob.outputs["snapshot-ids"] ?? "",
      "failure",
    );
    expect(waited.exitCode).toBe(0);
    expect(waited.savedState.mainSucceeded).toBe("true");
    expect(post?.exitCode).toBe(0);
    expect(sim.restores.map((r) => [r.serverId, r.snapshotId]).sort()).toEqual([
      [12345, ids["12345"]],
      [12346, ids["12346"]],
    ]);
    expect(post?.stdout.split("\n").filter((l) => l.startsWith("::warning::"))).toHaveLength(2);
    expect(post?.summary).toContain(
      "Restored 2 of 2 servers to the snapshot this step waited for, because the job failed after it",
    );
  });

  it("a job that succeeds: the post step does not run, nothing is restored", async () => {
    const sim = await simulator({ snapshotDurationMs: 500 });
    const snapshotJob = await startSnapshots(sim, "12345");
    const { post } = await deployJob(sim, snapshotJob.outputs["snapshot-ids"] ?? "", "success");
    expect(post).toBeNull();
    expect(sim.restores).toHaveLength(0);
  });

  it("a wait that did not succeed: the deploy never ran, the post step restores nothing", async () => {
    const sim = await simulator({ snapshotDurationMs: 60_000 });
    const snapshotJob = await startSnapshots(sim, "12345");
    const { waited, post } = await deployJob(
      sim,
      snapshotJob.outputs["snapshot-ids"] ?? "",
      "failure",
      { timeout: "1.5s" },
    );
    expect(waited.exitCode).toBe(1);
    expect(waited.savedState.mainSucceeded).toBeUndefined();
    expect(post?.exitCode).toBe(0);
    expect(post?.stdout).toMatch(/Nothing was rolled back: this step did not succeed/);
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(0);
  });

  it("with rollback-on-failure, two snapshots of one server are refused before the wait", async () => {
    const sim = await simulator({
      snapshots: snapshotsOn(12345, ["a", "b"], { prefix: "pre-deploy-", firstId: 801 }),
    });
    const { waited } = await deployJob(sim, "801 802", "failure");
    expect(waited.exitCode).toBe(1);
    expect(failureOf(waited)).toMatch(
      /names 2 snapshots of server web-server-01 \(12345\) \(801, 802\)/,
    );
    expect(waited.savedState.rollbackTargets).toBeUndefined();
  });
});
