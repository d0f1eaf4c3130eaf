/**
 * The action's steps run in-process: the real main and post steps (src/main.ts, src/post.ts, as
 * src/index.ts picks them) through their `ActionDeps` seam, against the real simulator over
 * loopback HTTP, with the runner's IO (src/runner/toolkit/io.ts) on a toolkit that records what
 * `@actions/core` would have written (test/support/recording-toolkit.ts). A run hands back the
 * same RunResult as the bundle's (test/e2e/support.ts) and is checked the same way, so a test reads
 * the same in either; only what only the bundle shows stays on the bundle.
 *
 * Time: a simulator's clock is, unless a test asks for the real one, a VirtualClock that the
 * action's steps share with it, so snapshots and restores take their simulated time without any
 * real waiting. A test whose point is real time (a hang, a request's own timeout, a Retry-After
 * race, a delay, something done while a step waits) asks for `{ clock: "real" }`.
 */
import { type RunResult, postStepRuns, stepEnvironment } from "../../scripts/run-action.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../simulator/server.js";
import { httpTransport } from "../../src/api/wire/transport.js";
import { run as mainStep } from "../../src/main.js";
import { run as postStep } from "../../src/post.js";
import { type Clock, systemClock } from "../../src/runner/time/clock.js";
import { coreIO } from "../../src/runner/toolkit/io.js";
import { Redactor } from "../../src/runner/text/redact.js";
import type { RunContext } from "../../src/runner/toolkit/run-context.js";
import { ServerNames } from "../../src/runner/text/server-names.js";
import type { ActionDeps } from "../../src/step.js";
import { isPostStep } from "../../src/workflow/rollback-handoff.js";
import { VirtualClock } from "./fakes.js";
import { RecordingToolkit } from "./recording-toolkit.js";
import { checkRun, closedAfterTest, inputsFor, jobsOn, type StepRunner } from "./runs.js";

export {
  everythingVisible,
  failureOf,
  groupsOf,
  json,
  lastElapsed,
  service,
  SNAPSHOT_NAME,
  sortedIds,
} from "./runs.js";

/** The clock the steps against a simulator run on: the simulator's own. */
const clocks = new WeakMap<Simulator, Clock>();

interface TimeOptions {
  /** `real`: the system clock, for a test whose point is real time. */
  clock?: "virtual" | "real";
}

/**
 * A simulator that is closed after the test, whatever happens in it, on a clock of its own that
 * the steps run against it share. Its snapshots and restores take a few of the action's checks
 * at `inputsFor`'s poll interval (as on the bundle's, so the same tests read the same), which the
 * virtual clock passes at once.
 */
export async function simulator(
  options: SimulatorOptions = {},
  { clock = "virtual" }: TimeOptions = {},
): Promise<Simulator> {
  const virtual = clock === "virtual" ? new VirtualClock(new Date()) : undefined;
  const sim = closedAfterTest(
    await startSimulator({
      snapshotDurationMs: 300,
      restoreDurationMs: 300,
      ...(virtual && { now: () => virtual.wallNow().getTime() }),
      ...options,
    }),
  );
  clocks.set(sim, virtual ?? systemClock);
  return sim;
}

/**
 * Time passes on a virtual simulator's clock as it would between two steps of a job (a deploy),
 * with no step sleeping.
 */
export function passTime(sim: Simulator, ms: number): void {
  const clock = clocks.get(sim);
  if (!(clock instanceof VirtualClock)) throw new Error("passTime needs a virtual clock");
  clock.elapsed += ms;
}

/** One main step against the simulator, checked like every run. */
export async function run(sim: Simulator, inputs: Record<string, string>): Promise<RunResult> {
  const result = await runStep(sim, { inputs: inputsFor(sim, inputs) });
  checkRun(result, sim.token);
  return result;
}

/** The steps in-process, on the simulator's clock. */
const inProcess = (sim: Simulator): StepRunner => ({
  main: (inputs, env) => runStep(sim, { inputs, env }),
  post: async (inputs, state, env, jobStatus) =>
    (await postStepRuns(jobStatus)) ? runStep(sim, { inputs, state, env }) : null,
});

export const { runJob, createThenEndJob, deployThatFails } = jobsOn(inProcess);

/**
 * One step, main or post as the state it is handed says (src/index.ts), on the simulator's clock.
 * `durationMs` is the time that clock moved: on a virtual clock, how long the step waited (its
 * sleeps, timeouts and deadlines), which no load on the machine changes, so a test that reads it
 * counts what the code did; on the real clock, the wall time.
 */
async function runStep(
  sim: Simulator,
  options: Parameters<typeof stepEnvironment>[0],
): Promise<RunResult> {
  const clock = clocks.get(sim) ?? systemClock;
  const env = await stepEnvironment(options);
  const toolkit = new RecordingToolkit(env);
  const deps = stepDeps(toolkit, clock, runContextOf(env));
  const clockStarted = clock.now();
  let stderr = "";
  try {
    await (isPostStep(deps.io.getState) ? postStep : mainStep)(deps);
  } catch (error) {
    // What Node prints of a rejection that escapes the step, which ends the process with 1.
    stderr = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  }
  return {
    exitCode: toolkit.failed || stderr !== "" ? 1 : 0,
    signal: null,
    stdout: toolkit.stdout,
    stderr,
    outputs: toolkit.outputs,
    savedState: toolkit.savedState,
    exportedEnv: toolkit.exportedEnv,
    summary: toolkit.summary,
    durationMs: clock.now() - clockStarted,
    signalledAtMs: null,
  };
}

/**
 * A step's collaborators as `actionDeps()` (src/step.ts) makes them, but the process's: the
 * recording toolkit for `@actions/core`, the simulator's clock, the run's context from the step's
 * environment, and no cancellation (that is a signal to the process: the bundle's tests).
 */
function stepDeps(toolkit: RecordingToolkit, clock: Clock, runContext: RunContext): ActionDeps {
  const redactor = new Redactor();
  return {
    io: coreIO(redactor, new ServerNames(), toolkit),
    clock,
    random: Math.random,
    redactor,
    runContext: () => runContext,
    transport: httpTransport,
  };
}

/** The run's context, as `currentRunContext` (src/runner/toolkit/run-context.ts) reads it from the env. */
function runContextOf(env: Record<string, string | undefined>): RunContext {
  const number = (name: string) => Number.parseInt(env[name] ?? "", 10);
  return {
    repository: env.GITHUB_REPOSITORY ?? "",
    workflow: env.GITHUB_WORKFLOW ?? "",
    sha: env.GITHUB_SHA ?? "",
    runId: number("GITHUB_RUN_ID") || 0,
    runNumber: number("GITHUB_RUN_NUMBER") || 0,
    runAttempt: number("GITHUB_RUN_ATTEMPT") || 1,
    serverUrl: env.GITHUB_SERVER_URL ?? "https://github.com",
  };
}
