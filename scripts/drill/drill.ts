/**
 * The rollback drill of one job: every scenario run as the runner would run the job, this
 * action's steps for real (the committed bundle, scripts/run-action.js) against a simulator of the
 * API that the drill starts for each scenario, or against the API it is given; then what each
 * restored, and the verdict.
 */
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Inputs } from "../../src/constants.js";
import { forEachConcurrently } from "../../src/fleet/servers/concurrency.js";
import { startSimulator } from "../../simulator/server.js";
import { runAction, runPostStep, stepEnvironment } from "../run-action.js";
import { deployStepOf } from "./deploy-step.js";
import { type ActionRunner, type JobSettings, runJob } from "./job.js";
import type { ScenarioReport } from "./report.js";
import { restoredBy } from "./restored.js";
import { type Scenario, scenariosFor } from "./scenarios.js";
import { verdictOn } from "./verdict.js";
import { type DrillJob, readJob } from "./workflow.js";

/** The actions/runner release whose step semantics the drill follows (background steps came in it). */
export const RUNNER_VERSION = "v2.335.0";

export interface DrillOptions {
  file: string;
  job?: string;
  deploy?: string;
  sha?: string;
  runId?: string;
  inputs: Record<string, string>;
  api?: { url: string; token: string };
}

/** The run's context as every step of a drilled job sees it: the local runner's, with --sha, --run-id. */
async function githubContext(
  opts: DrillOptions,
  runId: string,
  attempt: number,
): Promise<Record<string, string>> {
  const env = await stepEnvironment({ inputs: {} });
  const github: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith("GITHUB_") && value !== undefined) {
      github[name.slice("GITHUB_".length).toLowerCase()] = value;
    }
  }
  return {
    ...github,
    ...(opts.sha !== undefined ? { sha: opts.sha } : {}),
    run_id: runId,
    // Each scenario is an attempt of the run, so that on one API every scenario's snapshots have
    // names of their own, as the re-runs of a run have.
    run_attempt: String(attempt),
  };
}

/**
 * An API on this machine is a simulator (the drill's own, or `npm run simulator`): the provider's
 * is never on a loopback host.
 */
function isSimulator(url: string): boolean {
  return /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i.test(new URL(url).hostname);
}

/**
 * The secrets as the drill hands them to the job: each a mark of its own, so that the token for
 * this action's steps is the drill's wherever a secret reaches `api-token` from (`with:`, `env:`).
 */
const SECRET_MARK = "drill-secret-";
const secretsOf = (names: string[]) =>
  Object.fromEntries(names.map((name) => [name, `${SECRET_MARK}${name}`]));

/** The modes that poll the API, which the simulator answers in a fraction of the provider's time. */
const POLLING_MODES = new Set(["create", "wait", "restore"]);

/**
 * This action's inputs as the drill runs them: its API; the drill's token where the workflow
 * hands one from its secrets; and against the simulator, short polls and no health check (the
 * simulator's servers serve no site).
 */
function inputsAdjuster(api: { url: string; token: string }, simulated: boolean) {
  return (inputs: Record<string, string>) => {
    const adjusted: Record<string, string> = { ...inputs, [Inputs.apiUrl]: api.url };
    if (adjusted[Inputs.apiToken]?.includes(SECRET_MARK)) adjusted[Inputs.apiToken] = api.token;
    if (!simulated) return adjusted;
    if (POLLING_MODES.has(adjusted[Inputs.mode] ?? "create"))
      adjusted[Inputs.pollInterval] = "0.3s";
    for (const input of [
      Inputs.healthUrl,
      Inputs.healthExpect,
      Inputs.healthTimeout,
      Inputs.healthSuccesses,
    ]) {
      delete adjusted[input];
    }
    return adjusted;
  };
}

const bundleRunner: ActionRunner = {
  main: (inputs, env) => runAction({ inputs, env }),
  post: (inputs, state, env, jobStatus) => runPostStep({ inputs, state, env, jobStatus }),
};

async function scenarioOn(
  job: DrillJob,
  deployId: string | undefined,
  scenario: Scenario,
  settings: Omit<JobSettings, "adjustInputs" | "secrets">,
  given: DrillOptions["api"],
): Promise<ScenarioReport> {
  const simulator = given
    ? undefined
    : await startSimulator({ snapshotDurationMs: 300, restoreDurationMs: 300 });
  try {
    const api = given ?? { url: simulator?.url ?? "", token: simulator?.token ?? "" };
    const record = await runJob(
      job,
      scenario,
      {
        ...settings,
        secrets: secretsOf(job.secretNames),
        adjustInputs: inputsAdjuster(api, isSimulator(api.url)),
      },
      bundleRunner,
    );
    const restores = restoredBy(record);
    return { job: record, restores, verdict: verdictOn(record, deployId, restores) };
  } finally {
    await simulator?.close();
  }
}

/** What a drill of `options.file` will run: the job, its deploy step, the scenarios. */
export async function planDrill(options: DrillOptions) {
  const job = await readJob(options.file, await readFile(options.file, "utf8"), options.job);
  const deployId = deployStepOf(job, options.deploy);
  return {
    job,
    deployId,
    deploy: job.steps.find((step) => step.id === deployId),
    scenarios: scenariosFor(job.steps),
    inputs: { ...job.inputDefaults, ...options.inputs },
    // One run per drill, as a local run is (milliseconds: two drills never share one).
    runId: options.runId ?? String(Date.now()),
  };
}

/** One scenario of a plan; `n` numbers it, as the run's attempt. */
export async function drillScenario(
  plan: Awaited<ReturnType<typeof planDrill>>,
  scenario: Scenario,
  n: number,
  options: DrillOptions,
): Promise<ScenarioReport> {
  const github = await githubContext(options, plan.runId, n + 1);
  return scenarioOn(
    plan.job,
    plan.deployId,
    scenario,
    { github, inputs: plan.inputs },
    options.api,
  );
}

/**
 * Drills the job of `options.file`, every scenario. `planned` hears what will be drilled before
 * the scenarios start.
 */
export async function drillWorkflow(
  options: DrillOptions,
  planned: (plan: Awaited<ReturnType<typeof planDrill>>) => void,
) {
  const plan = await planDrill(options);
  planned(plan);
  // Against simulators of their own, scenarios run side by side, as many as there are cores (each
  // spawns the bundle for every step of this action); one given API is shared, so one at a time.
  const reports: ScenarioReport[] = [];
  await forEachConcurrently(
    [...plan.scenarios.entries()],
    options.api ? 1 : availableParallelism(),
    async ([n, scenario]) => {
      reports[n] = await drillScenario(plan, scenario, n, options);
    },
  );
  return { job: plan.job, reports };
}
