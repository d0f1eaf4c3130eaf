/**
 * One job, run as actions/runner v2.335.0 and later runs it (StepsRunner.cs and
 * BackgroundStepCoordinator.cs): each step's `if:` evaluated against the job's status; a failed
 * step fails the job unless `continue-on-error`; a cancelled step cancels the job; a background
 * step runs beside the next ones, its outputs, environment and outcome seen only once a `wait:`
 * (or `wait-all:`) has waited for it, the wait taking on its result; at the end the job waits for
 * every background step not yet waited for and merges its result, and only then runs the post
 * steps, last started first, each only if its `post-if` holds.
 */
import { type Contexts, conditionHolds, type JobStatus, valueOf } from "./expressions.js";
import type { Scenario } from "./scenarios.js";
import type { DrillJob, DrillStep } from "./workflow.js";

/** What a run of this action (scripts/run-action.js) hands back that the job needs. */
interface ActionRun {
  exitCode: number | null;
  outputs: Record<string, string>;
  savedState: Record<string, string>;
  exportedEnv: Record<string, string>;
  stdout: string;
}

/** How this action's steps are run: for real, against the API the drill was given. */
export interface ActionRunner {
  main(inputs: Record<string, string>, env: Record<string, string>): Promise<ActionRun>;
  /** The post step, or null when the runner would not start it after a job that ended so. */
  post(
    inputs: Record<string, string>,
    state: Record<string, string>,
    env: Record<string, string>,
    jobStatus: JobStatus,
  ): Promise<ActionRun | null>;
}

type Result = "success" | "failure" | "cancelled" | "skipped";

export interface StepRecord {
  step: DrillStep;
  /** The step's result once `continue-on-error` is applied: what the job sees. */
  conclusion: Result;
  outcome: Result;
  /** Why it did not succeed, in a few words ("timed out after 15 minutes"). */
  detail?: string;
  /** For this action's steps: the inputs it ran with and what it handed back. */
  inputs?: Record<string, string>;
  run?: ActionRun;
}

interface PostRecord {
  main: StepRecord;
  run: ActionRun | null;
}

export interface JobRecord {
  scenario: Scenario;
  status: JobStatus;
  steps: StepRecord[];
  posts: PostRecord[];
  /** The step whose failure failed the job, if one did. */
  failedStep?: StepRecord;
}

export interface JobSettings {
  github: Record<string, string>;
  inputs: Record<string, string>;
  secrets: Record<string, string>;
  /** The inputs of this action's steps once evaluated: the drill's API, its token. */
  adjustInputs: (inputs: Record<string, string>, step: DrillStep) => Record<string, string>;
}

/** Why a step of this action failed: its first error annotation, on one line. */
function errorOf(stdout: string): string {
  const error = /^::error(?: [^:]*)?::(.*)$/m.exec(stdout)?.[1];
  if (error === undefined) return "failed";
  const line = error
    .replace(/%0D|%0A/g, " ")
    .replace(/%25/g, "%")
    .replace(/\s+/g, " ");
  return `failed: ${line.length > 200 ? `${line.slice(0, 199)}…` : line}`;
}

/** The result of several steps together, as the runner merges them (TaskResultUtil). */
function merge(results: Result[]): Result {
  if (results.includes("cancelled")) return "cancelled";
  return results.includes("failure") ? "failure" : "success";
}

export async function runJob(
  job: DrillJob,
  scenario: Scenario,
  settings: JobSettings,
  action: ActionRunner,
): Promise<JobRecord> {
  let status: JobStatus = "success";
  let failedStep: StepRecord | undefined;
  const stepsContext: Contexts["steps"] = {};
  let exported: Record<string, string> = {};
  const records: StepRecord[] = [];
  const started: StepRecord[] = [];
  const background = new Map<string, { record: StepRecord; done: Promise<void>; seen: boolean }>();

  let jobEnv: Record<string, string> = {};
  const contexts = (env: Record<string, string> = {}): Contexts => ({
    github: settings.github,
    inputs: settings.inputs,
    secrets: settings.secrets,
    steps: stepsContext,
    env: { ...jobEnv, ...exported, ...env },
  });
  // The workflow's env, then the job's, evaluated once as the job starts.
  for (const mapping of job.env) {
    for (const { key, value } of mapping) {
      jobEnv = { ...jobEnv, [key.toString()]: valueOf(value, contexts(), status) };
    }
  }
  const evaluated = (mapping: DrillStep["with"], env: Record<string, string>) =>
    Object.fromEntries(
      [...(mapping ?? [])].map(({ key, value }) => [
        key.toString(),
        valueOf(value, contexts(env), status),
      ]),
    );
  const runnerEnv = (env: Record<string, string>) => ({
    ...contexts(env).env,
    GITHUB_SHA: settings.github.sha ?? "",
    GITHUB_RUN_ID: settings.github.run_id ?? "",
    GITHUB_RUN_ATTEMPT: settings.github.run_attempt ?? "1",
  });

  /** What a step's run comes to, once it has run. */
  const finish = (record: StepRecord, outcome: Result, detail?: string) => {
    record.outcome = outcome;
    if (detail !== undefined) record.detail = detail;
    const continues =
      outcome === "failure" &&
      (typeof record.step.continueOnError === "boolean"
        ? record.step.continueOnError
        : valueOf(record.step.continueOnError, contexts(), status) === "true");
    record.conclusion = continues ? "success" : outcome;
  };
  /** The step's results, outputs and environment become visible to the steps after it. */
  const publish = (record: StepRecord) => {
    if (record.run) exported = { ...exported, ...record.run.exportedEnv };
    if (record.step.contextName !== undefined) {
      stepsContext[record.step.contextName] = {
        outputs: record.run?.outputs ?? {},
        outcome: record.outcome,
        conclusion: record.conclusion,
      };
    }
  };
  const failJobWith = (record: StepRecord, result: Result) => {
    if (result === "failure" && status === "success") {
      status = "failure";
      failedStep ??= record;
    }
  };

  const execute = async (record: StepRecord, env: Record<string, string>) => {
    const { step } = record;
    if (step.kind === "action") {
      record.inputs = settings.adjustInputs(evaluated(step.with, env), step);
      started.push(record);
      record.run = await action.main(record.inputs, runnerEnv(env));
      if (record.run.exitCode === 0) finish(record, "success");
      else finish(record, "failure", errorOf(record.run.stdout));
      return;
    }
    const target = scenario.target?.id === step.id ? scenario.target.way : undefined;
    if (target === "cancel") {
      finish(record, "cancelled", "cancelled");
      // A cancelled step is the job cancelled: the runner then re-tests every later `if:`. It
      // would also cancel the background steps still running; the drill lets this action's
      // finish, which changes nothing that a cancelled job restores (no post step runs after it).
      status = "cancelled";
    } else if (target === "fail") {
      const minutes =
        step.timeoutMinutes === undefined
          ? undefined
          : valueOf(step.timeoutMinutes, contexts(env), status);
      finish(record, "failure", minutes ? `timed out after ${minutes} minutes` : "failed");
    } else {
      finish(record, "success");
    }
  };

  /** Waits for background steps; their result together, and the first that failed. */
  const awaitBackground = async (ids: string[]) => {
    const waited = ids.flatMap((id) => {
      const entry = background.get(id);
      return entry && !entry.seen ? [entry] : [];
    });
    await Promise.all(waited.map((entry) => entry.done));
    for (const entry of waited) {
      entry.seen = true;
      publish(entry.record);
    }
    return {
      result: merge(waited.map((entry) => entry.record.conclusion)),
      failed: waited.find((entry) => entry.record.conclusion === "failure")?.record,
    };
  };

  for (const step of job.steps) {
    const record: StepRecord = { step, conclusion: "skipped", outcome: "skipped" };
    records.push(record);
    const stepEnv = evaluated(step.env, {});
    if (!conditionHolds(step.condition, contexts(stepEnv), status)) {
      publish(record);
      continue;
    }
    if (step.kind === "wait" || step.kind === "wait-all") {
      const { result, failed } = await awaitBackground(
        step.kind === "wait" ? step.waitFor : [...background.keys()],
      );
      finish(record, result);
      // The job fails at the wait, for the background step's failure: that step is the cause.
      if (failed) failJobWith(failed, record.conclusion);
    } else if (step.background) {
      background.set(step.id, { record, done: execute(record, stepEnv), seen: false });
      continue;
    } else {
      await execute(record, stepEnv);
    }
    publish(record);
    failJobWith(record, record.conclusion);
  }

  // The safety net: every background step not waited for, before any post step.
  const { failed } = await awaitBackground([...background.keys()]);
  if (failed) failJobWith(failed, "failure");

  const posts: PostRecord[] = [];
  for (const main of [...started].reverse()) {
    if (!main.run || !main.inputs) continue;
    const run = await action.post(main.inputs, main.run.savedState, runnerEnv({}), status);
    if (run) exported = { ...exported, ...run.exportedEnv };
    posts.push({ main, run });
  }
  return {
    scenario,
    status,
    steps: records,
    posts,
    ...(failedStep ? { failedStep } : {}),
  };
}
