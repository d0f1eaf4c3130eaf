/**
 * The bundle, run as the runner runs it (scripts/run-action.js), against the simulator: for what
 * only the bundle shows (the runner's files, the saved state and the post step across processes,
 * signals, Node 24). The modes themselves are tested in-process (test/support/in-process.ts),
 * with the same helpers and the same checks of every run.
 */
import { type RunResult, runAction, runPostStep } from "../../scripts/run-action.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../simulator/server.js";
import { checkRun, closedAfterTest, inputsFor, type JobStatus } from "../support/runs.js";

export {
  everythingVisible,
  failureOf,
  groupsOf,
  inputsFor,
  json,
  service,
  SNAPSHOT_NAME,
} from "../support/runs.js";

/**
 * A simulator that is closed after the test, whatever happens in it. Its snapshots and restores
 * take a few of the action's checks at `inputsFor`'s poll interval, far below the provider's
 * minutes: a test whose point is a long one says so with its own duration.
 */
export async function simulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return closedAfterTest(
    await startSimulator({ snapshotDurationMs: 300, restoreDurationMs: 300, ...options }),
  );
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
  checkRun(result, sim.token);
  return result;
}

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
  for (const result of [...mains, ...posts]) if (result) checkRun(result, sim.token);
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
