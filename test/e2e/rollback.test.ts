/**
 * The rollback post step on the bundle: a create step with rollback-on-failure, then the post step
 * the runner starts when the job ends, each a process of its own with the saved state between
 * them, and a main step stopped by a signal. The rest of the rollback is tested in-process
 * (test/modes/rollback.test.ts); the unit tests of the post step run it on fakes.
 */
import { describe, expect, it } from "vitest";
import { type RunResult, runAction, runPostStep } from "../../scripts/run-action.js";
import type { Simulator } from "../../simulator/server.js";
import { createThenEndJob, everythingVisible, groupsOf, inputsFor, simulator } from "./support.js";

/** The `::warning::` annotations a run raised. */
function warningsOf(result: RunResult | null): string[] {
  return (result?.stdout ?? "")
    .split("\n")
    .filter((line) => line.startsWith("::warning::"))
    .map((line) => line.slice("::warning::".length));
}

/** A create step's inputs for `serverIds` with rollback-on-failure on, and any `more`. */
const withRollback = (serverIds: string, more: Record<string, string> = {}) => ({
  "server-id": serverIds,
  "rollback-on-failure": "true",
  ...more,
});

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
    const { main, post } = await createThenEndJob(sim, withRollback("12345"), "failure");
    const made = Number(main.outputs["snapshot-id"]);
    expect(main.savedState).toMatchObject({
      isPost: "true",
      rollbackTargets: JSON.stringify({ 12345: made }),
      mainSucceeded: "true",
    });
    expect(post?.exitCode).toBe(0);
    expect(sim.restores.map((r) => [r.serverId, r.snapshotId])).toEqual([[12345, made]]);
    expect(post?.stdout).toMatch(
      new RegExp(
        `Rolled back server web-server-01 \\(12345\\) to snapshot ${made} .*server status active`,
      ),
    );
    // Announced on the run's page: an annotation naming the server and the snapshot.
    expect(warningsOf(post)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Server web-server-01 \\(12345\\): restore from snapshot ${made} \\(pre-deploy-[^)]+\\) started\\.$`,
        ),
      ),
    ]);
    expect(post?.summary).toMatch(/### VPS rollback/);
    expect(post?.summary).toContain("Restored 1 of 1 server to the snapshot this step made");
    expect(post?.summary).toMatch(
      new RegExp(`\\| web-server-01 \\(12345\\) \\| ${made} \\| .* \\| active \\|`),
    );
    expect(groupsOf(post ?? main)).toEqual([
      "Starting 1 restore(s)",
      "Waiting for 1 restore(s) to finish",
    ]);
    expect(everythingVisible(post ?? main)).not.toContain(sim.token);
  });
});

/** The record of a success that the post step relies on, and what the post step says without it. */
function expectNothingRolledBack(sim: Simulator, main: RunResult, post: RunResult | null) {
  expect(main.exitCode).toBe(1);
  expect(main.savedState.mainSucceeded).toBeUndefined();
  expect(post?.exitCode).toBe(0);
  expect(sim.requestsFor("restore-snapshot")).toHaveLength(0);
  expect(sim.restores).toHaveLength(0);
  const said = `Nothing was rolled back: this step did not succeed (it failed, timed out or was cancelled), so the steps after it, the deploy among them, never ran. To restore by hand anyway, run this action with mode: restore and snapshot-id: ${main.savedState.rollbackTargets}`;
  expect(post?.stdout).toContain(said);
  expect(post?.summary).toContain(said.slice(0, 60));
  expect(groupsOf(post as RunResult)).toEqual([]);
}

describe("rollback post step: never after a main step that did not succeed", () => {
  it("a main step cancelled while waiting: nothing is restored, whichever way the job ends", async () => {
    const sim = await simulator({ snapshotDurationMs: 20_000 });
    const inputs = inputsFor(sim, withRollback("12345"));
    const main = await runAction({ inputs, killAfterMs: 2_500, timeoutMs: 60_000 });
    expect(main.savedState.rollbackTargets).toBe(JSON.stringify({ 12345: sim.creations[0] }));
    // A cancelled workflow: failure() is false, so the runner does not start the post step.
    expect(
      await runPostStep({ inputs, state: main.savedState, jobStatus: "cancelled" }),
    ).toBeNull();
    // A step stopped by its timeout-minutes fails the job: the post step runs, restores nothing.
    const post = await runPostStep({
      inputs,
      state: main.savedState,
      jobStatus: "failure",
      timeoutMs: 60_000,
    });
    expectNothingRolledBack(sim, main, post);
  });
});
