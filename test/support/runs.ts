import { expect } from "vitest";
/**
 * What the runs of the action in the tests share, whether a run is the bundle's
 * (test/e2e/support.ts) or in-process (test/support/in-process.ts): both hand back the same
 * RunResult, which a test reads with the helpers here, and every run is checked the same way.
 */
import { afterEach } from "vitest";
import type { RunResult } from "../../scripts/run-action.js";
import type { Simulator } from "../../simulator/server.js";
import { type HealthService, healthService } from "./health-service.js";

const open: { close: () => Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

/** `server` (a simulator, a service), closed after the test, whatever happens in it. */
export function closedAfterTest<T extends { close: () => Promise<void> }>(server: T): T {
  open.push(server);
  return server;
}

/** The user's service behind a `health-url`, closed after the test like the simulator. */
export async function service(...args: Parameters<typeof healthService>): Promise<HealthService> {
  return closedAfterTest(await healthService(...args));
}

/**
 * The name a create step gives its snapshot when none is set: name-prefix, then the commit, the run
 * and the attempt that every run of the tests is handed (scripts/run-action.js: GITHUB_SHA,
 * GITHUB_RUN_ID, 1).
 */
export const SNAPSHOT_NAME = "pre-deploy-1a2b3c4-9876543210-1";

export type JobStatus = "success" | "failure" | "cancelled";

/** A step's inputs against `sim`, with its URL and token and a short poll interval. */
export function inputsFor(sim: Simulator, inputs: Record<string, string>): Record<string, string> {
  return { "api-url": sim.url, "api-token": sim.token, "poll-interval": "0.3s", ...inputs };
}

/**
 * What every run of every test is checked for: the raw token nowhere in what the action wrote,
 * nothing on stderr, and log groups that neither nest nor stay empty.
 */
export function checkRun(result: RunResult, token: string): void {
  assertNoToken(result, token);
  assertNoCrash(result);
  assertGroupsDoNotNestNorStayEmpty(result);
}

/**
 * The runner cannot nest log groups: a group opened inside another swallows its end. Nor may a
 * group be empty to a person: one that holds only debug lines (hidden without step debug) reads
 * as a step that said it would do something and then said nothing.
 */
function assertGroupsDoNotNestNorStayEmpty(result: RunResult): void {
  let open: string | undefined;
  let shown = 0;
  for (const line of result.stdout.split("\n")) {
    if (line.startsWith("::group::")) {
      if (open !== undefined)
        throw new Error(`A log group opens inside another:\n${result.stdout}`);
      open = line;
      shown = 0;
    } else if (line.startsWith("::endgroup::")) {
      if (shown === 0) throw new Error(`The log group ${open} is empty:\n${result.stdout}`);
      open = undefined;
    } else if (!line.startsWith("::debug::")) {
      shown++;
    }
  }
}

/** The titles of the log groups a run opened. */
export function groupsOf(result: RunResult): string[] {
  return result.stdout
    .split("\n")
    .filter((line) => line.startsWith("::group::"))
    .map((line) => line.slice("::group::".length));
}

/** The action speaks through workflow commands on stdout; anything on stderr is a crash. */
function assertNoCrash(result: RunResult): void {
  if (result.stderr.trim() !== "") {
    throw new Error(`The action wrote to stderr:\n${result.stderr}\nstdout:\n${result.stdout}`);
  }
}

/** The token may appear only in the runner's mask command, nowhere a person or a step can see. */
function assertNoToken(result: RunResult, token: string): void {
  if (everythingVisible(result).includes(token)) {
    throw new Error(`The raw token appears in what the action wrote:\n${result.stdout}`);
  }
}

/** The `::error::` annotation the step failed with, or "" when it did not fail. */
export function failureOf(result: RunResult): string {
  return result.stdout
    .split("\n")
    .filter((line) => line.startsWith("::error::"))
    .map((line) => line.slice("::error::".length).replace(/%0A/g, "\n").replace(/%25/g, "%"))
    .join("\n");
}

/** Everything a run wrote that a person or a later step can see, but the mask command itself. */
export function everythingVisible(result: RunResult): string {
  const log = `${result.stdout}\n${result.stderr}`
    .split("\n")
    .filter((line) => !line.startsWith("::add-mask::"))
    .join("\n");
  return [
    log,
    JSON.stringify(result.outputs),
    JSON.stringify(result.savedState),
    result.summary,
  ].join("\n");
}

/** The time the last progress line of a run says (`2s` of "... (2s elapsed)"). */
export function lastElapsed(result: RunResult): string | undefined {
  return [...result.stdout.matchAll(/\((\S+(?: \S+)?) elapsed\)$/gm)].at(-1)?.[1];
}

/** The ids of these snapshots, lowest first. */
export function sortedIds(snapshots: readonly { id: number }[]): number[] {
  return snapshots.map((s) => s.id).sort((a, b) => a - b);
}

export function json<T = unknown>(text: string | undefined): T {
  return JSON.parse(text ?? "null") as T;
}

/** How a test runs one step of this action: on the bundle, or in-process. */
export interface StepRunner {
  main(inputs: Record<string, string>, env: Record<string, string>): Promise<RunResult>;
  /** Null when the runner would not start the post step after a job that ended `jobStatus`. */
  post(
    inputs: Record<string, string>,
    state: Record<string, string> | undefined,
    env: Record<string, string>,
    jobStatus: JobStatus,
  ): Promise<RunResult | null>;
}

/**
 * The job helpers over one way of running a step. `runJob`: one job of several steps of this
 * action, as the runner runs it: each main step in order, with the job's environment as the steps
 * before it left it (GITHUB_ENV); then, as the job ended `jobStatus` (a step between them, the
 * deploy, decides that), the post steps in reverse order, each with its own step's saved state and
 * the environment as it is by then. `createThenEndJob`: a create step, then the post step the
 * runner starts at the end of a job that went `jobStatus`.
 */
export function jobsOn(stepsOn: (sim: Simulator) => StepRunner) {
  async function runJob(
    sim: Simulator,
    inputsOfSteps: Record<string, string>[],
    jobStatus: JobStatus,
    /** What happens after the last main step and before the post steps (the deploy, a person). */
    meanwhile: (mains: RunResult[]) => Promise<void> = async () => {},
  ): Promise<{ mains: RunResult[]; posts: (RunResult | null)[] }> {
    const steps = stepsOn(sim);
    let env: Record<string, string> = {};
    const mains: RunResult[] = [];
    for (const inputs of inputsOfSteps) {
      const main = await steps.main(inputsFor(sim, inputs), env);
      env = { ...env, ...main.exportedEnv };
      mains.push(main);
    }
    await meanwhile(mains);
    const posts: (RunResult | null)[] = [];
    for (let i = inputsOfSteps.length - 1; i >= 0; i--) {
      const inputs = inputsFor(sim, inputsOfSteps[i] ?? {});
      const post = await steps.post(inputs, mains[i]?.savedState, env, jobStatus);
      if (post) env = { ...env, ...post.exportedEnv };
      posts[i] = post;
    }
    for (const result of [...mains, ...posts]) if (result) checkRun(result, sim.token);
    return { mains, posts };
  }

  async function createThenEndJob(
    sim: Simulator,
    inputs: Record<string, string>,
    jobStatus: JobStatus,
    meanwhile: (main: RunResult) => Promise<void> = async () => {},
  ): Promise<{ main: RunResult; post: RunResult | null }> {
    const job = await runJob(sim, [inputs], jobStatus, ([main]) => meanwhile(main as RunResult));
    return { main: job.mains[0] as RunResult, post: job.posts[0] ?? null };
  }

  /** Snapshot steps of two servers with rollback (and `extra`), maybe a confirm, then a failed job. */
  async function deployThatFails(sim: Simulator, extra: Record<string, string>, confirm = false) {
    const step = { "server-id": "12345 12346", "rollback-on-failure": "true", ...extra };
    const steps = confirm ? [step, { mode: "confirm", "api-token": "" }] : [step];
    const { mains, posts } = await runJob(sim, steps, "failure");
    return { sim, main: mains[0] as RunResult, post: posts[0] as RunResult };
  }

  return { runJob, createThenEndJob, deployThatFails };
}

/** The `::warning::` annotations a run raised. */
export function warningsOf(result: RunResult | null): string[] {
  return (result?.stdout ?? "")
    .split("\n")
    .filter((line) => line.startsWith("::warning::"))
    .map((line) => line.slice("::warning::".length));
}

/** A create step's inputs for `serverIds` with rollback-on-failure on, and any `more`. */
export const withRollback = (serverIds: string, more: Record<string, string> = {}) => ({
  "server-id": serverIds,
  "rollback-on-failure": "true",
  ...more,
});

/** The record of a success that the post step relies on, and what the post step says without it. */
export function expectNothingRolledBack(sim: Simulator, main: RunResult, post: RunResult | null) {
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

/** What the rollback post step left in the job's environment, for a later job. */
export const outcomeOf = (post: RunResult) => ({
  outcome: post.exportedEnv.VPS_SNAPSHOT_ROLLBACK,
  restored: json(post.exportedEnv.VPS_SNAPSHOT_ROLLBACK_RESTORED),
});
