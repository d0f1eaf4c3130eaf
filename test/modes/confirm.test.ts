import { describe, expect, it } from "vitest";
import { failureOf, json, runJob, simulator } from "../support/in-process.js";

const SNAPSHOT_STEP = { "server-id": "12346 12345", "rollback-on-failure": "true" };
const CONFIRM_STEP = { mode: "confirm", "api-token": "" };

describe("mode confirm: the deploy is good from here on", () => {
  it("a failure before the confirm step still rolls back, as without it", async () => {
    const sim = await simulator();
    // The deploy fails, so the confirm step after it never runs: the job is the snapshot step alone.
    const { mains, posts } = await runJob(sim, [SNAPSHOT_STEP], "failure");
    const ids = json<Record<string, number>>(mains[0]?.outputs["snapshot-ids"]);
    expect(posts[0]?.exitCode).toBe(0);
    expect(sim.restores.map((r) => [r.serverId, r.snapshotId]).sort()).toEqual([
      [12345, ids["12345"]],
      [12346, ids["12346"]],
    ]);
  });

  it("with no earlier rollback step: says there was none, needs no token, sends nothing", async () => {
    const sim = await simulator();
    const { mains, posts } = await runJob(sim, [CONFIRM_STEP], "failure");
    expect(mains[0]?.exitCode).toBe(0);
    expect(mains[0]?.summary).toContain("No rollback was armed before this step in this job");
    expect(mains[0]?.stdout).toContain("Deploy confirmed. No rollback was armed");
    expect(posts[0]?.exitCode).toBe(0);
    expect(sim.requests).toHaveLength(0);
  });

  it("disarms the rollback of a mode wait step, naming the snapshot it waited for", async () => {
    const sim = await simulator({ snapshotDurationMs: 500 });
    const { mains } = await runJob(sim, [{ "server-id": "12345", wait: "false" }], "success");
    const started = mains[0]?.outputs["snapshot-ids"] ?? "";
    const waitStep = { mode: "wait", "snapshot-id": started, "rollback-on-failure": "true" };
    const job = await runJob(sim, [waitStep, CONFIRM_STEP], "failure");
    expect(job.mains[0]?.exitCode).toBe(0);
    expect(job.mains[1]?.summary).toContain(
      `| web-server-01 (12345) | ${json<Record<string, number>>(started)["12345"]} | mode: wait |`,
    );
    expect(job.posts[0]?.stdout).toContain("Nothing was rolled back: the deploy was confirmed");
    expect(sim.restores).toHaveLength(0);
  });

  it("closes only the rollbacks armed before it: a later snapshot step's rollback still restores", async () => {
    const sim = await simulator();
    const first = { "server-id": "12345", "rollback-on-failure": "true", name: "pre-deploy-app" };
    const second = { "server-id": "12346", "rollback-on-failure": "true", name: "pre-deploy-db" };
    const { mains, posts } = await runJob(sim, [first, CONFIRM_STEP, second], "failure");
    const secondSnapshot = Number(mains[2]?.outputs["snapshot-id"]);
    expect(posts[0]?.stdout).toContain("Nothing was rolled back: the deploy was confirmed");
    expect(sim.restores.map((r) => [r.serverId, r.snapshotId])).toEqual([[12346, secondSnapshot]]);
    // Named as the arming step knew them: the confirm step itself sends no request.
    expect(mains[1]?.summary).toContain("| web-server-01 (12345) |");
    expect(mains[1]?.summary).not.toContain("12346");
  });

  it("refuses server-id or snapshot-id, which it has no use for, before anything", async () => {
    const sim = await simulator();
    const { mains } = await runJob(
      sim,
      [{ ...CONFIRM_STEP, "server-id": "12345", "snapshot-id": "801" }],
      "success",
    );
    const [confirm] = mains;
    if (!confirm) throw new Error("the confirm step did not run");
    expect(confirm.exitCode).toBe(1);
    expect(failureOf(confirm)).toMatch(/server-id has no meaning in mode confirm/);
    expect(failureOf(confirm)).toMatch(/snapshot-id has no meaning in mode confirm/);
    expect(confirm.exportedEnv).toEqual({});
  });
});
