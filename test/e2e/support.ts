import { afterEach } from "vitest";
import { type RunResult, runAction, runPostStep } from "../../scripts/run-action.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../simulator/server.js";
import { type HealthService, healthService } from "../support/health-service.js";

/**
 * The name a create step gives its snapshot when none is set: name-prefix, then the commit, the run
 * and the attempt that scripts/run-action.js hands every run (GITHUB_SHA, GITHUB_RUN_ID, 1).
 */
export const SNAPSHOT_NAME = "pre-deploy-1a2b3c4-9876543210-1";

const open: { close: () => Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

/**
 * A simulator that is closed after the test, whatever happens in it. Its snapshots and restores
 * take a few of the action's checks at `inputsFor`'s poll interval, far below the provider's
 * minutes: a test whose point is a long one says so with its own duration.
 */
export async function simulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({
    snapshotDurationMs: 300,
    restoreDurationMs: 300,
    ...options,
  });
  open.push(sim);
  return sim;
}

/** The user's service behind a `health-url`, closed after the test like the simulator. */
export async function service(...args: Parameters<typeof healthService>): Promise<HealthService> {
  const started = await healthService(...args);
  open.push(started);
  return started;
}

/** A step's inputs against `sim`, with its URL and token and a short poll interval. */
export function inputsFor(sim: Simulator, inputs: Record<string, string>): Record<string, string> {
  return { "api-url": sim.url, "api-token": sim.token, "poll-interval": "0.3s", ...inputs };
}

/**
 * Runs the committed bundle against the simulator with the runner's environment. Every run of
 * every end-to-end test is also checked for the raw token in all that the action wrote.
 */
export async function run(
  sim: Simulator,
  inputs: Record<string, string>,
  extra: Partial<Parameters<typeof runAction>[0]> = {},
): Promise<RunResult> {
  const result = await runAction({
    inputs: inputsFor(sim, inputs),
    timeoutMs: 60_000,
    ...extra,
  });
  assertNoToken(result, sim.token);
  assertNoCrash(result);
  assertGroupsDoNotNestNorStayEmpty(result);
  return result;
}

export type JobStatus = "success" | "failure" | "cancelled";

/**
 * One job of several steps of this action, as the runner runs it: each main step in order, with
 * the job's environment as the steps before it left it (GITHUB_ENV); then, as the job ended
 * `jobStatus` (a step between them, the deploy, decides that), the post steps in reverse order,
 * each with its own step's saved state and the environment as it is by then.
 */
export async function runJob(
  sim: Simulator,
  steps: Record<string, string>[],
  jobStatus: JobStatus,
  /** What happens after the last main step and before the post steps (the deploy, a person). */
  meanwhile: (mains: RunResult[]) => Promise<void> = async () => {},
): Promise<{ mains: RunResult[]; posts: (RunResult | null)[] }> {
  let env: Record<string, string> = {};
  const mains: RunResult[] = [];
  for (const inputs of steps) {
    const main = await runAction({ inputs: inputsFor(sim, inputs), env, timeoutMs: 60_000 });
    env = { ...env, ...main.exportedEnv };
    mains.push(main);
  }
  await meanwhile(mains);
  const posts: (RunResult | null)[] = [];
  for (let i = steps.length - 1; i >= 0; i--) {
    const post = await runPostStep({
      inputs: inputsFor(sim, steps[i] ?? {}),
      state: mains[i]?.savedState,
      env,
      jobStatus,
      timeoutMs: 60_000,
    });
    if (post) env = { ...env, ...post.exportedEnv };
    posts[i] = post;
  }
  for (const result of [...mains, ...posts]) {
    if (!result) continue;
    assertNoToken(result, sim.token);
    assertNoCrash(result);
    assertGroupsDoNotNestNorStayEmpty(result);
  }
  return { mains, posts };
}

/** A create step, then the post step the runner starts at the end of a job that went `jobStatus`. */
export async function createThenEndJob(
  sim: Simulator,
  inputs: Record<string, string>,
  jobStatus: JobStatus,
  meanwhile: (main: RunResult) => Promise<void> = async () => {},
): Promise<{ main: RunResult; post: RunResult | null }> {
  const job = await runJob(sim, [inputs], jobStatus, ([main]) => meanwhile(main as RunResult));
  return { main: job.mains[0] as RunResult, post: job.posts[0] ?? null };
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
