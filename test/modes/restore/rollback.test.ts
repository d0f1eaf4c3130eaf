/**
 * The rollback post step, in-process: a create step with rollback-on-failure, then the post step
 * the runner starts when the job ends. (The unit tests of the post step run it on fakes; the
 * bundle's tests run one such job, and a main step stopped by a signal.)
 */
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../../scripts/run-action.js";
import { createThenEndJob, failureOf, passTime, simulator } from "../../support/in-process.js";
import {
  expectNothingRolledBack,
  outcomeOf,
  warningsOf,
  withRollback,
} from "../../support/runs.js";

describe("rollback post step", () => {
  it("rolls back every server of a fleet, and no other", async () => {
    const sim = await simulator();
    const { main, post } = await createThenEndJob(sim, withRollback("12345 12346"), "failure");
    expect(post?.exitCode).toBe(0);
    const ids = JSON.parse(main.outputs["snapshot-ids"] ?? "{}");
    expect(sim.restores.map((r) => [r.serverId, r.snapshotId]).sort()).toEqual([
      [12345, ids["12345"]],
      [12346, ids["12346"]],
    ]);
    expect(warningsOf(post)).toHaveLength(2);
    expect(post?.summary).toContain("Restored 2 of 2 servers");
  });

  it("one server's restore refused: that one is not restored, the other is, the outcome is failed", async () => {
    const sim = await simulator();
    const { main, post } = await createThenEndJob(
      sim,
      withRollback("12346 12345"),
      "failure",
      async () => {
        sim.addFault({
          route: "restore-snapshot",
          serverId: 12346,
          fault: { type: "status", status: 400, message: "Server is not in a valid state." },
        });
      },
    );
    const ids = JSON.parse(main.outputs["snapshot-ids"] ?? "{}");
    expect(post?.exitCode).toBe(1);
    expect(sim.restores.map((r) => [r.serverId, r.snapshotId])).toEqual([[12345, ids["12345"]]]);
    const { outcome, restored } = outcomeOf(post as RunResult);
    expect(outcome).toBe("failed");
    expect(JSON.stringify(restored)).toContain(String(ids["12345"]));
    expect(JSON.stringify(restored)).not.toContain(String(ids["12346"]));
  });

  it("after a successful job, the runner does not start it and nothing is restored", async () => {
    const sim = await simulator();
    const { main, post } = await createThenEndJob(sim, withRollback("12345"), "success");
    expect(main.exitCode).toBe(0);
    expect(post).toBeNull();
    expect(sim.restores).toHaveLength(0);
  });

  it.each([
    ["create", { "server-id": "12345" }],
    ["list, which failed", { mode: "list", "server-id": "99999" }],
    ["prune", { mode: "prune", "server-id": "12345" }],
    ["confirm", { mode: "confirm", "api-token": "" }],
  ])(
    "without rollback-on-failure, the post step of a %s step says nothing and sends nothing",
    async (_, step) => {
      const sim = await simulator();
      const { main, post } = await createThenEndJob(sim, step, "failure");
      expect(main.savedState.rollbackTargets).toBeUndefined();
      const requestsBefore = sim.requests.length;
      expect(post?.exitCode).toBe(0);
      const shown = (post?.stdout ?? "")
        .split("\n")
        .filter((l) => l !== "" && !/^::(add-mask|debug)::/.test(l));
      expect(shown).toEqual([]);
      expect(post?.stdout).toContain(
        "::debug::Rollback is off (rollback-on-failure: false): nothing was restored.",
      );
      expect(post?.summary).toBe("");
      expect(sim.requests.length).toBe(requestsBefore);
    },
  );

  it("when the step made nothing, says so and sends nothing", async () => {
    const sim = await simulator();
    const { main, post } = await createThenEndJob(sim, withRollback("99999"), "failure");
    expect(main.exitCode).toBe(1);
    const requestsBefore = sim.requests.length;
    expect(post?.stdout).toMatch(/this step made no snapshot, so there is nothing to roll back/);
    expect(sim.requests.length).toBe(requestsBefore);
    expect(sim.restores).toHaveLength(0);
  });

  it("refuses rollback-on-failure with wait: false before any request, pointing at mode: wait", async () => {
    const sim = await simulator();
    const { main, post } = await createThenEndJob(
      sim,
      withRollback("12345", { wait: "false" }),
      "failure",
    );
    expect(main.exitCode).toBe(1);
    expect(failureOf(main)).toMatch(
      /rollback-on-failure: true needs wait: true on a create step.*mode: wait/s,
    );
    expect(post?.exitCode).toBe(0);
    expect(sim.requests).toHaveLength(0);
  });
});

describe("rollback post step: never after a main step that did not succeed", () => {
  it("a fleet where one snapshot failed: the deploy was skipped, so no server is restored", async () => {
    const sim = await simulator();
    sim.configureServer(12346, { snapshotOutcome: "failed" });
    const inputs = withRollback("12345 12346 12347");
    const { main, post } = await createThenEndJob(sim, inputs, "failure");
    expectNothingRolledBack(sim, main, post);
    expect(Object.keys(JSON.parse(main.savedState.rollbackTargets ?? "{}"))).toHaveLength(3);
    expect(failureOf(main)).toMatch(/ended with status "failed"/);
  });

  it("a main step cut off by its timeout: the snapshot completes later, nothing is restored", async () => {
    const sim = await simulator({ snapshotDurationMs: 3_000 });
    const inputs = withRollback("12345", { timeout: "1.5s" });
    const { main, post } = await createThenEndJob(sim, inputs, "failure", async () => {
      // The snapshot completes between the main step and the post step, as the deploy runs.
      const id = sim.creations[0] as number;
      expect(sim.snapshot(id)?.status).toBe("in_progress");
      passTime(sim, 3_000);
      expect(sim.snapshot(id)?.status).toBe("completed");
    });
    expect(main.savedState.rollbackTargets).toBe(JSON.stringify({ 12345: sim.creations[0] }));
    expectNothingRolledBack(sim, main, post);
  });
});

describe("rollback post step: a truthful report", () => {
  it("a snapshot deleted before the post step: nothing is restored, the step names it", async () => {
    const sim = await simulator();
    const inputs = withRollback("12346 12345");
    const { main, post } = await createThenEndJob(sim, inputs, "failure", async (done) => {
      const ids = JSON.parse(done.outputs["snapshot-ids"] ?? "{}");
      sim.removeSnapshot(ids["12346"]);
    });
    const ids = JSON.parse(main.outputs["snapshot-ids"] ?? "{}");
    expect(main.exitCode).toBe(0);
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(0);
    expect(post?.exitCode).toBe(1);
    const failure = failureOf(post as RunResult);
    expect(failure).toContain(
      `Not rolled back: Snapshot ${ids["12346"]} (for server web-server-02 (12346)) does not exist`,
    );
    expect(failure).toContain(
      `Rollback failed before any restore, so nothing was restored (server web-server-01 (12345) to snapshot ${ids["12345"]}, server web-server-02 (12346) to snapshot ${ids["12346"]})`,
    );
    expect(warningsOf(post)).toHaveLength(0);
    expect(post?.summary).toContain(
      `| web-server-02 (12346) | ${ids["12346"]} |  |  | not restored |  |`,
    );
    expect(post?.summary).toContain(
      `| web-server-01 (12345) | ${ids["12345"]} |  |  | not restored |  |`,
    );
  });

  it("a server that is suspended by the time of the post step: nothing is restored", async () => {
    const sim = await simulator();
    const inputs = withRollback("12345 12346");
    const { post } = await createThenEndJob(sim, inputs, "failure", async () => {
      sim.setServerStatus(12346, "suspended");
    });
    expect(post?.exitCode).toBe(1);
    expect(failureOf(post as RunResult)).toMatch(
      /Not rolled back: Server web-server-02 \(12346\) is suspended/,
    );
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(0);
  });

  it("a restore the API refuses: fails naming the server and the snapshot, claims nothing", async () => {
    const sim = await simulator();
    sim.addFault({
      route: "restore-snapshot",
      fault: { type: "status", status: 400, message: "Server is locked." },
    });
    const inputs = withRollback("12345");
    const { main, post } = await createThenEndJob(sim, inputs, "failure");
    const made = main.outputs["snapshot-id"];
    expect(post?.exitCode).toBe(1);
    expect(failureOf(post as RunResult)).toMatch(
      new RegExp(
        `Rollback: Server web-server-01 \\(12345\\) cannot be restored from snapshot ${made} now .*Server is locked`,
      ),
    );
    expect(warningsOf(post)).toEqual([]);
    expect(post?.summary).toContain("Restored 0 of 1 server");
    expect(sim.restores).toHaveLength(0);
  });
});
