import { describe, expect, it } from "vitest";
import { runAction, runPostStep } from "../../scripts/run-action.js";
import type { Simulator } from "../../simulator/server.js";
import {
  assertGroupsDoNotNest,
  assertNoCrash,
  assertNoToken,
  everythingVisible,
  failureOf,
  groupsOf,
  simulator,
} from "./support.js";

/** A create step, then the post step the runner starts at the end of a job that went `jobStatus`. */
async function createThenEndJob(
  sim: Simulator,
  inputs: Record<string, string>,
  jobStatus: "success" | "failure",
) {
  const allInputs = {
    "api-url": sim.url,
    "api-token": sim.token,
    "poll-interval": "0.3s",
    ...inputs,
  };
  const main = await runAction({ inputs: allInputs, timeoutMs: 60_000 });
  const post = await runPostStep({
    inputs: allInputs,
    state: main.savedState,
    jobStatus,
    timeoutMs: 60_000,
  });
  for (const result of [main, post]) {
    if (result) assertNoToken(result, sim.token);
    if (result) assertNoCrash(result);
    if (result) assertGroupsDoNotNest(result);
  }
  return { main, post };
}

describe("rollback post step", () => {
  it("after a failed job, restores the server to the snapshot this step made and waits", async () => {
    const sim = await simulator({
      snapshots: [
        {
          id: 700,
          serverId: 12345,
          name: "pre-deploy-newer-but-not-ours-to-pick",
          createdAt: "2030-01-01T00:00:00Z",
        },
      ],
    });
    const { main, post } = await createThenEndJob(
      sim,
      { "server-id": "12345", "rollback-on-failure": "true" },
      "failure",
    );
    const made = Number(main.outputs["snapshot-id"]);
    expect(main.savedState).toMatchObject({
      isPost: "true",
      rollbackTargets: JSON.stringify({ 12345: made }),
    });
    expect(post?.exitCode).toBe(0);
    expect(sim.restores.map((r) => [r.serverId, r.snapshotId])).toEqual([[12345, made]]);
    expect(post?.stdout).toMatch(
      new RegExp(`Rolled back server 12345 to snapshot ${made} .*server status active`),
    );
    expect(post?.summary).toMatch(/### VPS rollback/);
    expect(groupsOf(post ?? main)).toEqual([
      "Starting 1 restore(s)",
      "Waiting for 1 restore(s) to finish",
    ]);
    expect(everythingVisible(post ?? main)).not.toContain(sim.token);
  });

  it("rolls back every server of a fleet, and no other", async () => {
    const sim = await simulator();
    const { main, post } = await createThenEndJob(
      sim,
      { "server-id": "12345 12346", "rollback-on-failure": "true" },
      "failure",
    );
    expect(post?.exitCode).toBe(0);
    const ids = JSON.parse(main.outputs["snapshot-ids"] ?? "{}");
    expect(sim.restores.map((r) => [r.serverId, r.snapshotId]).sort()).toEqual([
      [12345, ids["12345"]],
      [12346, ids["12346"]],
    ]);
  });

  it("after a successful job, the runner does not start it and nothing is restored", async () => {
    const sim = await simulator();
    const { main, post } = await createThenEndJob(
      sim,
      { "server-id": "12345", "rollback-on-failure": "true" },
      "success",
    );
    expect(main.exitCode).toBe(0);
    expect(post).toBeNull();
    expect(sim.restores).toHaveLength(0);
  });

  it("with rollback-on-failure false, says so in one line and sends nothing", async () => {
    const sim = await simulator();
    const { main, post } = await createThenEndJob(sim, { "server-id": "12345" }, "failure");
    expect(main.savedState.rollbackTargets).toBeUndefined();
    const requestsBefore = sim.requests.length;
    expect(post?.exitCode).toBe(0);
    expect(
      post?.stdout
        .trim()
        .split("\n")
        .filter((l) => !l.startsWith("::add-mask::")),
    ).toEqual(["Rollback is off (rollback-on-failure: false): nothing was restored."]);
    expect(sim.requests.length).toBe(requestsBefore);
  });

  it("when the step made nothing, says so and sends nothing", async () => {
    const sim = await simulator();
    const { main, post } = await createThenEndJob(
      sim,
      { "server-id": "99999", "rollback-on-failure": "true" },
      "failure",
    );
    expect(main.exitCode).toBe(1);
    const requestsBefore = sim.requests.length;
    expect(post?.stdout).toMatch(/this step made no snapshot, so there is nothing to roll back/);
    expect(sim.requests.length).toBe(requestsBefore);
    expect(sim.restores).toHaveLength(0);
  });

  it("does not restore a snapshot that never completed, and reports it as an error", async () => {
    const sim = await simulator({ snapshotDurationMs: 120_000 });
    const { main, post } = await createThenEndJob(
      sim,
      { "server-id": "12345", "rollback-on-failure": "true", wait: "false" },
      "failure",
    );
    expect(main.exitCode).toBe(0);
    expect(post?.exitCode).toBe(1);
    expect(failureOf(post ?? main)).toMatch(
      /Not rolled back: Snapshot \d+ \(.*\) is in_progress, not completed/,
    );
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(0);
  });

  it("a main step cut off by the deadline still leaves its snapshot for the rollback", async () => {
    const sim = await simulator({ snapshotDurationMs: 4_000 });
    const main = await runAction({
      inputs: {
        "api-url": sim.url,
        "api-token": sim.token,
        "server-id": "12345",
        "rollback-on-failure": "true",
        timeout: "2s",
      },
      timeoutMs: 60_000,
    });
    expect(main.exitCode).toBe(1);
    expect(main.savedState.rollbackTargets).toBe(JSON.stringify({ 12345: sim.creations[0] }));
  });
});
