// @ts-check
/**
 * `npm run action -- ...`: runs the committed bundle as the Actions runner does (inputs as
 * INPUT_<NAME>, defaults from action.yml, the GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV and
 * GITHUB_STEP_SUMMARY files), one step or a whole job of steps, against the simulator or a real
 * API, and prints the outputs and the job summary (`--help` says how).
 *
 * Each invocation is a run of its own (a fresh run id that its steps share), and prints the
 * runner's commands for a person (see `personView`).
 */
import { appendFile, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { madeUpRun, personView } from "./local-context.js";
import { runAction, runPostStep } from "./run-action.js";

const USAGE = `Usage: npm run action -- [options] name=value ... [--step name=value ...]
       node scripts/local-run.js [options] name=value ...

Runs the committed bundle (dist/index.js) as the Actions runner does: one step, or a whole job of
steps in order with one job environment (GITHUB_ENV); then, as the job ended, the post steps in
reverse order, as the runner runs them.

  name=value            an input of the current step, as action.yml spells it (api-url=...)
  --step                starts the next step of the job; the inputs before the first --step are
                        the first step's
  --steps FILE          the job's steps from a YAML file: a list whose items are the steps'
                        inputs (a map, or a map under "with:"); name=value arguments then go to
                        every step
  --job-status STATUS   how the job ended after the steps (success, failure or cancelled): a
                        deploy between the steps decides that. Without it, the job failed if a
                        step failed, else it succeeded
  --post STATUS         the same as --job-status (kept for one-step runs)
  --keep                keep the run's folder (its job summary file) after the run
  --help                this text

Inputs are also read from INPUT_<NAME> variables, for every step (the command line wins), so a
real token can come from the environment instead of the shell's history.

Try a job whose deploy fails after a confirm step (nothing is restored):
  npm run simulator -- --token sim-local-token            # in another terminal
  npm run action -- api-url=http://127.0.0.1:8080/api/v1 api-token=sim-local-token \\
    server-id=12345 rollback-on-failure=true --step mode=confirm --job-status failure`;

const JOB_STATUSES = ["success", "failure", "cancelled"];
const OUTCOME_VARIABLES = ["VPS_SNAPSHOT_ROLLBACK", "VPS_SNAPSHOT_ROLLBACK_RESTORED"];

/**
 * @param {string} message
 * @returns {never}
 */
function usageError(message) {
  console.error(`${message}\nSee: npm run action -- --help`);
  process.exit(2);
}

/**
 * The command line as steps of inputs, and the options.
 * @param {string[]} args
 */
async function parseCommandLine(args) {
  /** @type {Record<string, string>[]} */
  const steps = [{}];
  /** @type {Record<string, string>[] | undefined} */
  let fromFile;
  const options = { jobStatus: /** @type {string | undefined} */ (undefined), keep: false };
  for (let i = 0; i < args.length; i++) {
    const argument = args[i] ?? "";
    if (argument === "--help" || argument === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (argument === "--keep") options.keep = true;
    else if (argument === "--step") steps.push({});
    else if (argument === "--job-status" || argument === "--post") {
      const status = args[++i];
      if (!status || !JOB_STATUSES.includes(status)) {
        usageError(`${argument} takes the job's status: ${JOB_STATUSES.join(", ")}`);
      }
      options.jobStatus = status;
    } else if (argument === "--steps") {
      const file = args[++i];
      if (!file) usageError("--steps takes a YAML file of steps");
      fromFile = await stepsFromFile(file);
    } else if (argument.startsWith("-")) usageError(`Unknown option "${argument}"`);
    else {
      const at = argument.indexOf("=");
      if (at < 1) {
        usageError(`"${argument}" is not name=value (an input name as action.yml spells it)`);
      }
      /** @type {Record<string, string>} */ (steps.at(-1))[argument.slice(0, at)] = argument.slice(
        at + 1,
      );
    }
  }
  if (!fromFile) return { steps, ...options };
  if (steps.length > 1) usageError("--steps and --step do not mix: put every step in the file");
  // With a file of steps, the inputs on the command line are every step's (a URL, a token).
  return { steps: fromFile.map((step) => ({ ...steps[0], ...step })), ...options };
}

/**
 * @param {string} file
 * @returns {Promise<Record<string, string>[]>}
 */
async function stepsFromFile(file) {
  /** @type {unknown} */
  const list = parse(await readFile(file, "utf8"));
  if (!Array.isArray(list)) usageError(`${file} is not a YAML list of steps`);
  return /** @type {unknown[]} */ (list).map((item, n) => {
    /** @type {unknown} */
    const step = /** @type {{ with?: unknown } | null} */ (item)?.with ?? item;
    if (!step || typeof step !== "object") {
      return usageError(`${file}: step ${n + 1} is not a map of inputs`);
    }
    return Object.fromEntries(Object.entries(step).map(([name, value]) => [name, String(value)]));
  });
}

/** The inputs action.yml declares, for the runner's warning about the others. */
async function declaredInputs() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const action = parse(await readFile(path.join(root, "action.yml"), "utf8"));
  return Object.keys(action.inputs ?? {});
}

const { steps, jobStatus, keep } = await parseCommandLine(process.argv.slice(2));
/** @type {Record<string, string>} */
const fromEnvironment = {};
for (const [name, value] of Object.entries(process.env)) {
  if (name.startsWith("INPUT_") && value) {
    fromEnvironment[name.slice("INPUT_".length).toLowerCase()] = value;
  }
}
const valid = await declaredInputs();
const run = await madeUpRun();
console.log(run.headline);
const view = personView((text) => process.stdout.write(text), {
  debug: process.env.ACTIONS_STEP_DEBUG === "true",
});

/** @type {Record<string, string>} */
let jobEnv = {};
/** @type {{ inputs: Record<string, string>, state: Record<string, string> }[]} */
const ran = [];
let failed = false;
for (const [n, stepInputs] of steps.entries()) {
  const name = steps.length > 1 ? `step ${n + 1}` : "main step";
  if (failed) {
    console.log(`\n--- ${name}: skipped, as the runner skips a step after a failed one`);
    continue;
  }
  const inputs = { ...fromEnvironment, ...stepInputs };
  const unexpected = Object.keys(stepInputs).filter((input) => !valid.includes(input));
  if (unexpected.length > 0) {
    // The runner's own words for an input that action.yml does not declare.
    console.log(
      `Warning: Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${valid.join("', '")}']`,
    );
  }
  const main = await runAction({ inputs, env: { ...jobEnv, ...run.env }, onOutput: view.write });
  jobEnv = { ...jobEnv, ...main.exportedEnv };
  ran.push({ inputs, state: main.savedState });
  failed = main.exitCode !== 0;
  await report(name, main);
}

const status = /** @type {"success" | "failure" | "cancelled"} */ (
  jobStatus ?? (failed ? "failure" : "success")
);
if (jobStatus !== undefined || steps.length > 1 || failed) {
  console.log(`\nThe job ended: ${status}. The post steps, in reverse order:`);
  for (let n = ran.length - 1; n >= 0; n--) {
    const step = /** @type {(typeof ran)[number]} */ (ran[n]);
    const name = ran.length > 1 ? `post step of step ${n + 1}` : "post step";
    const post = await runPostStep({
      inputs: step.inputs,
      state: step.state,
      env: { ...jobEnv, ...run.env },
      jobStatus: status,
      onOutput: view.write,
    });
    if (!post) {
      console.log(`\n--- ${name}: the runner would not start it after a job that ended ${status}`);
      continue;
    }
    jobEnv = { ...jobEnv, ...post.exportedEnv };
    await report(name, post);
  }
  const outcome = OUTCOME_VARIABLES.filter((variable) => jobEnv[variable] !== undefined);
  if (outcome.length > 0) {
    console.log("\nWhat the post steps left in the job's environment (for job outputs):");
    for (const variable of outcome) console.log(`  ${variable} = ${jobEnv[variable]}`);
  }
}
if (keep) console.log(`\nKept the run's folder: ${path.dirname(run.summaryFile)}`);
else await rm(path.dirname(run.summaryFile), { recursive: true, force: true });

/**
 * @param {string} step
 * @param {import("./run-action.js").RunResult} result
 */
async function report(step, result) {
  view.end();
  console.log(
    `\n--- ${step}: exit code ${result.exitCode}, ${(result.durationMs / 1000).toFixed(1)} s`,
  );
  console.log("Outputs:");
  for (const [name, value] of Object.entries(result.outputs)) console.log(`  ${name} = ${value}`);
  console.log(`Job summary${keep ? ` (also in ${run.summaryFile})` : ""}:`);
  console.log(result.summary.replace(/^(?=.)/gm, "  "));
  // The job's summary page shows each step's summary one after the other.
  await appendFile(run.summaryFile, result.summary);
  if (result.exitCode !== 0) process.exitCode = 1;
}
