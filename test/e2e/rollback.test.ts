/**
 * The rollback post step on the bundle: a create step with rollback-on-failure, then the post step
 * the runner starts when the job ends, each a process of its own with the saved state between
 * them, and a main step stopped by a signal. The rest of the rollback is tested in-process
 * (test/modes/restore/rollback.test.ts); the unit tests of the post step run it on fakes.
 */
import { describe, expect, it } from "vitest";
import { runAction, runPostStep } from "../../scripts/run-action.js";
import {
  createThenEndJob,
  everythingVisible,
  firstCheckAfterCreates,
  groupsOf,
  inputsFor,
  simulator,
} from "./support.js";
import { expectNothingRolledBack, warningsOf, withRollback } from "../support/runs.js";

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

describe("rollback post step: never after a main step that did not succeed", () => {
  it("a main step cancelled while waiting: nothing is restored, whichever way the job ends", async () => {
    const sim = await simulator({ snapshotDurationMs: 20_000 });
    const inputs = inputsFor(sim, withRollback("12345"));
    const main = await runAction({
      inputs,
      killWhen: firstCheckAfterCreates(sim),
      timeoutMs: 60_000,
    });
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
