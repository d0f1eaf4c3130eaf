/**
 * The bundle, run as the runner runs it (scripts/run-action.js), against the simulator: for what
 * only the bundle shows (the runner's files, the saved state and the post step across processes,
 * signals, Node 24). The modes themselves are tested in-process (test/support/in-process.ts),
 * with the same helpers and the same checks of every run.
 */
import { type RunResult, runAction, runPostStep } from "../../scripts/run-action.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../simulator/server.js";
import { checkRun, closedAfterTest, inputsFor, jobsOn, type StepRunner } from "../support/runs.js";

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
 * The first status check after `creates` create requests: every snapshot id is known to the step
 * by then (saved, in the outputs). The event a test cancels a waiting step on.
 */
export async function firstCheckAfterCreates(sim: Simulator, creates = 1): Promise<void> {
  await sim.arrived("create-snapshot", creates);
  await sim.arrived("list-snapshots", sim.arrivalsOf("list-snapshots") + 1);
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

/** The bundle, spawned as the runner spawns it. */
const BUNDLE: StepRunner = {
  main: (inputs, env) => runAction({ inputs, env, timeoutMs: 60_000 }),
  post: (inputs, state, env, jobStatus) =>
    runPostStep({ inputs, state, env, jobStatus, timeoutMs: 60_000 }),
};

export const { runJob, createThenEndJob, deployThatFails } = jobsOn(() => BUNDLE);
