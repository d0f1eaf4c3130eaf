/** The drill's pure parts: reading a workflow, the scenarios, the deploy step, `if:`, verdicts. */
import { describe, expect, it } from "vitest";
import { deployStepOf } from "../../scripts/drill/deploy-step.js";
import { type Contexts, conditionHolds } from "../../scripts/drill/expressions.js";
import type { JobRecord, StepRecord } from "../../scripts/drill/job.js";
import type { Restore } from "../../scripts/drill/restored.js";
import { scenariosFor } from "../../scripts/drill/scenarios.js";
import { verdictOn } from "../../scripts/drill/verdict.js";
import { type DrillStep, readJob, usesThisAction } from "../../scripts/drill/workflow.js";

const workflow = (steps: string) =>
  `on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;

describe("reading a workflow with GitHub's parser", () => {
  it("background and wait steps, this action's steps at any ref, and the rest as stand-ins", async () => {
    const job = await readJob(
      "w.yml",
      workflow(`      - id: snapshot
        background: true
        uses: someone/vps-snapshot-action@0123abc
      - uses: ./
        with: { mode: confirm }
      - run: make
        timeout-minutes: 5
      - wait: snapshot
      - wait-all: true
      - uses: actions/checkout@v7
`),
    );
    expect(job.steps.map((s) => [s.kind, s.id, s.background, s.waitFor])).toEqual([
      ["action", "snapshot", true, []],
      ["action", "__self", false, []],
      ["stand-in", "__run", false, []],
      ["wait", "__wait", false, ["snapshot"]],
      ["wait-all", "__wait-all", false, []],
      ["stand-in", "__actions_checkout", false, []],
    ]);
    expect(job.steps[2]?.timeoutMinutes?.toString()).toBe("5");
    expect(job.steps[1]?.with?.find("mode")?.toString()).toBe("confirm");
  });

  it("this action: this repository at any ref, or the checkout itself", () => {
    expect(usesThisAction("vps-snapshot-action/vps-snapshot-action@v1")).toBe(true);
    expect(usesThisAction("fork/vps-snapshot-action@main")).toBe(true);
    expect(usesThisAction("./")).toBe(true);
    expect(usesThisAction("someone/vps-snapshot-action-helper@v1")).toBe(false);
    expect(usesThisAction("actions/checkout@v7")).toBe(false);
  });

  it("several jobs: --job chooses; without it, the drill names them", async () => {
    const two = `on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{ run: a }]\n  b:\n    runs-on: x\n    steps: [{ run: b }]\n`;
    await expect(readJob("w.yml", two)).rejects.toThrow(
      "w.yml has 2 jobs with steps (a, b): choose one with --job",
    );
    expect((await readJob("w.yml", two, "b")).id).toBe("b");
  });
});

const step = (
  id: string,
  displayName: string,
  kind: DrillStep["kind"] = "stand-in",
): DrillStep => ({
  id,
  contextName: id,
  displayName,
  kind,
  condition: "success()",
  background: false,
  continueOnError: false,
  timeoutMinutes: undefined,
  with: undefined,
  env: undefined,
  waitFor: [],
});
const job = (steps: DrillStep[]) => ({
  id: "deploy",
  steps,
  env: [],
  inputDefaults: {},
  secretNames: [],
});

describe("the scenarios and the deploy step", () => {
  const steps = [
    step("build", "Build"),
    step("snapshot", "Snapshot", "action"),
    step("ship", "Run ./deploy.sh"),
  ];

  it("all succeed, then each stand-in fails in turn, then each is cancelled in turn", () => {
    expect(scenariosFor(steps)).toEqual([
      { name: "all steps succeed" },
      { name: "Build fails", target: { id: "build", way: "fail" } },
      { name: "Run ./deploy.sh fails", target: { id: "ship", way: "fail" } },
      { name: "Build is cancelled", target: { id: "build", way: "cancel" } },
      { name: "Run ./deploy.sh is cancelled", target: { id: "ship", way: "cancel" } },
    ]);
  });

  it("named by --deploy, else the stand-in whose id or name says deploy; none is refused", () => {
    expect(deployStepOf(job(steps))).toBe("ship");
    expect(deployStepOf(job(steps), "Build")).toBe("build");
    expect(() => deployStepOf(job(steps), "snapshot")).toThrow(/names no step/);
    expect(() => deployStepOf(job([step("s", "ssh deploy@web01 restart")]))).toThrow(
      'Job "deploy" has no deploy step',
    );
    expect(deployStepOf(job([step("snapshot", "Snapshot", "action")]))).toBeUndefined();
  });
});

describe("if: conditions, as the runner evaluates them", () => {
  const contexts: Contexts = {
    github: { sha: "abc" },
    env: { STAGE: "prod" },
    inputs: {},
    secrets: {},
    steps: { deploy: { outputs: {}, outcome: "failure", conclusion: "failure" } },
  };
  it.each([
    ["success()", "success", true],
    ["success()", "failure", false],
    ["failure() && steps.deploy.outcome == 'failure'", "failure", true],
    ["always()", "cancelled", true],
    ["cancelled()", "cancelled", true],
    ["success() && (env.STAGE == 'prod')", "success", true],
    ["success() && (matrix.server == '')", "success", true],
  ] as const)("%s with the job %s: %s", (condition, status, holds) => {
    expect(conditionHolds(condition, contexts, status)).toBe(holds);
  });
});

describe("verdicts", () => {
  const record = (
    s: DrillStep,
    outcome: StepRecord["outcome"],
    extra: Partial<StepRecord> = {},
  ) => ({
    step: s,
    outcome,
    conclusion: outcome,
    ...extra,
  });
  const restore: Restore = {
    server: "web-1 (1)",
    snapshotId: 801,
    takenAt: "2026-12-07T12:01:30Z",
    by: "rollback",
  };
  const deploy = step("deploy", "Deploy");
  const jobRecord = (
    status: JobRecord["status"],
    steps: StepRecord[],
    failed?: StepRecord,
  ): JobRecord => ({
    scenario: { name: "x" },
    status,
    steps,
    posts: [],
    ...(failed ? { failedStep: failed } : {}),
  });

  it("the deploy failed and nothing was restored: ✗", () => {
    const failed = record(deploy, "failure");
    expect(verdictOn(jobRecord("failure", [failed], failed), "deploy", [])).toEqual({
      mark: "✗",
      reason: "the deploy failed and nothing was restored",
    });
  });

  it("a restore after a job that succeeded, or after a confirm: ✗, with the writes lost", () => {
    expect(
      verdictOn(jobRecord("success", [record(deploy, "success")]), "deploy", [restore]),
    ).toEqual({
      mark: "✗",
      reason:
        "the job succeeded, and servers web-1 (1) were restored: writes since 12:01 UTC would be lost",
    });
    const confirm = record(step("ok", "Confirm", "action"), "success", {
      inputs: { mode: "confirm" },
    });
    const notify = record(step("notify", "Notify"), "failure");
    const steps = [record(deploy, "success"), confirm, notify];
    expect(verdictOn(jobRecord("failure", steps, notify), "deploy", [restore]).reason).toBe(
      "Notify failed after Confirm confirmed the deploy, and servers web-1 (1) were restored: writes since 12:01 UTC would be lost",
    );
  });

  it("a step of this action that fails as written: ✗, with its error", () => {
    const snapshot = record(step("snapshot", "Snapshot", "action"), "failure", {
      detail: 'failed: server-id "abc" is not a positive integer',
    });
    expect(verdictOn(jobRecord("failure", [snapshot], snapshot), "deploy", [])).toEqual({
      mark: "✗",
      reason:
        'Snapshot failed: server-id "abc" is not a positive integer: this step fails as the workflow is written, so the rollback cannot be rehearsed',
    });
  });

  it("a job cancelled after the deploy: ✓ when a confirm ran before, ⊘ when none did", () => {
    const confirm = record(step("ok", "Confirm", "action"), "success", {
      inputs: { mode: "confirm" },
    });
    const notify = step("notify", "Notify");
    const cancelledAt = (steps: StepRecord[]): JobRecord => ({
      ...jobRecord("cancelled", steps),
      scenario: { name: "Notify is cancelled", target: { id: "notify", way: "cancel" } },
    });
    const confirmed = [record(deploy, "success"), confirm, record(notify, "cancelled")];
    expect(verdictOn(cancelledAt(confirmed), "deploy", [])).toEqual({
      mark: "✓",
      reason: "nothing restored: Confirm confirmed the deploy before the job was cancelled",
    });
    const unconfirmed = [record(deploy, "success"), record(notify, "cancelled")];
    expect(verdictOn(cancelledAt(unconfirmed), "deploy", []).mark).toBe("⊘");
  });

  it("a failure after the deploy that restores nothing: ⚠, right for a notification only", () => {
    const notify = record(step("notify", "Notify"), "failure");
    const verdict = verdictOn(
      jobRecord("failure", [record(deploy, "success"), notify], notify),
      "deploy",
      [],
    );
    expect(verdict.mark).toBe("⚠");
    expect(verdict.reason).toContain("wrong if it checks the deploy (a smoke test)");
  });
});
