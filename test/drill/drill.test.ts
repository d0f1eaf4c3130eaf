import { describe, expect, it } from "vitest";
import { startSimulator } from "../../simulator/server.js";
import { closedAfterTest } from "../support/runs.js";
import { drill, drillOne, fixture } from "./support.js";

describe("the drill on a job that builds, snapshots and deploys", () => {
  it("the build fails before the deploy: the snapshot step is skipped, nothing restored", async () => {
    const report = await drillOne(fixture("deploy.yml"), "Build fails");
    expect(report.job.status).toBe("failure");
    expect(report.restores).toEqual([]);
    expect(report.verdict).toEqual({
      mark: "✓",
      reason: "nothing restored: the deploy never started",
    });
  });

  it("the deploy fails: the post step restores the snapshot the job made", async () => {
    const report = await drillOne(fixture("deploy.yml"), "Run ./deploy.sh fails");
    const made = JSON.parse(report.job.steps[1]?.run?.outputs["snapshot-ids"] ?? "{}");
    expect(report.restores.map((r) => [r.server, r.snapshotId, r.by])).toEqual([
      ["web-server-01 (12345)", made["12345"], "rollback"],
    ]);
    expect(report.verdict).toEqual({ mark: "✓", reason: "restored: the deploy failed" });
  });

  it("a step timeout on the deploy fails the step, and the rollback runs", async () => {
    const report = await drillOne(fixture("deploy-timeout.yml"), "Deploy times out");
    expect(report.job.failedStep?.detail).toBe("timed out after 15 minutes");
    expect(report.restores).toHaveLength(1);
    expect(report.verdict).toEqual({ mark: "✓", reason: "restored: the deploy timed out" });
  });
});

describe("the drill on steps after the deploy", () => {
  it("a confirm step, then a failing notification: the confirm reached the post step, nothing restored", async () => {
    const report = await drillOne(fixture("confirm-then-notify.yml"), "Notify fails");
    expect(report.job.status).toBe("failure");
    expect(report.restores).toEqual([]);
    expect(report.verdict).toEqual({
      mark: "✓",
      reason: "nothing restored: Confirm confirmed the deploy before Notify failed",
    });
  });

  it("a failing step with continue-on-error: the job passes, nothing restored", async () => {
    const report = await drillOne(fixture("continue-on-error.yml"), "Upload the report fails");
    expect(report.job.status).toBe("success");
    expect(report.job.steps[2]).toMatchObject({ outcome: "failure", conclusion: "success" });
    expect(report.restores).toEqual([]);
    expect(report.verdict.mark).toBe("✓");
  });

  it("an if: always() step runs after a failed deploy; failing alone, it restores: a warning naming it", async () => {
    const file = fixture("always-after-deploy.yml");
    const [deployFails, cleanUpFails, deployCancelled] = await Promise.all(
      ["Deploy fails", "Clean up fails", "Deploy is cancelled"].map((s) => drillOne(file, s)),
    );
    expect(deployFails?.job.steps[2]?.outcome).toBe("success");
    expect(deployFails?.verdict.mark).toBe("✓");
    expect(cleanUpFails?.restores).toHaveLength(1);
    expect(cleanUpFails?.verdict).toEqual({
      mark: "⚠",
      reason:
        "Clean up failed after the deploy, with no confirm before it, and servers web-server-01 (12345) were restored: right if Clean up checks the deploy (a smoke test), wrong if it is a notification; then put a `mode: confirm` step before it",
    });
    // Cancelled, the job runs the always() step but no post step: nothing restored.
    expect(deployCancelled?.job.steps[2]?.outcome).toBe("success");
    expect(deployCancelled?.restores).toEqual([]);
    expect(deployCancelled?.verdict.mark).toBe("⊘");
    expect(deployCancelled?.verdict.reason).toContain(
      "the runner skips `post-if: failure()` on a cancelled job",
    );
  });
});

describe("the drill passes what the runner passes between steps", () => {
  it("outputs (wait: false, then mode: wait) and env: the wait step gets the create step's snapshot-ids, and a secret through env", async () => {
    const report = await drillOne(fixture("outputs-between-steps.yml"), "Deploy fails");
    const [create, , wait] = report.job.steps;
    expect(create?.inputs?.["server-id"]).toBe("12345, 12346");
    const ids = create?.run?.outputs["snapshot-ids"];
    expect(JSON.parse(ids ?? "{}")).toEqual({
      "12345": expect.any(Number),
      "12346": expect.any(Number),
    });
    expect(wait?.inputs?.["snapshot-id"]).toBe(ids);
    expect(report.restores.map((r) => r.snapshotId).sort()).toEqual(
      Object.values(JSON.parse(ids ?? "{}")).sort(),
    );
    expect(report.verdict.mark).toBe("✓");
  });

  it("two commits deployed, then commit:${{ inputs.commit }} restores the first commit's snapshot", async () => {
    const sim = closedAfterTest(
      await startSimulator({ snapshotDurationMs: 300, restoreDurationMs: 300 }),
    );
    const api = { url: sim.url, token: sim.token };
    const [first, second] = [
      "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0",
      "f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9",
    ];
    for (const sha of [first, second]) {
      const report = await drillOne(fixture("deploy.yml"), "all steps succeed", { sha, api });
      expect(report.job.status).toBe("success");
    }
    const made = sim.snapshotsOf(12345);
    const ofFirst = made.find((s) => s.name.includes("a1b2c3d"));
    expect(made).toHaveLength(2);
    const [undo] = await drill(fixture("undo.yml"), { api, inputs: { commit: first.slice(0, 7) } });
    expect(undo?.job.steps[0]?.inputs?.["snapshot-id"]).toBe("commit:a1b2c3d");
    expect(undo?.restores.map((r) => [r.server, r.snapshotId, r.by])).toEqual([
      ["web-server-01 (12345)", ofFirst?.id, "restore step"],
    ]);
    expect(sim.restores.map((r) => r.snapshotId)).toEqual([ofFirst?.id]);
    expect(undo?.verdict).toEqual({
      mark: "✓",
      reason: "the job restored web-server-01 (12345), as its steps ask",
    });
  });
});

describe("workflows the drill refuses", () => {
  it("a job with no deploy step, in those words", async () => {
    await expect(drill(fixture("no-deploy.yml"))).rejects.toThrow(
      'Job "nightly" has no deploy step: no step\'s id or name contains "deploy". Name it with --deploy STEP (its id or name).',
    );
  });

  it("a syntax error: the parser's message, with line and column", async () => {
    await expect(drill(fixture("syntax-error.yml"))).rejects.toThrow(
      "test/drill/fixtures/syntax-error.yml (Line: 9, Col: 9): Unexpected value 'timeout-minute'",
    );
  });
});
