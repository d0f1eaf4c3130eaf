// @ts-check
/**
 * `npm run action -- [--post failure|success|cancelled] name=value ...`: runs the committed bundle
 * as the Actions runner does (inputs as INPUT_<NAME>, defaults from action.yml, the GITHUB_OUTPUT,
 * GITHUB_STATE and GITHUB_STEP_SUMMARY files), any mode, against the simulator or a real API, and
 * prints the outputs and the job summary. With `--post STATUS`, the job is taken to have ended so
 * after the step, and the post step runs as the runner would run it (`post-if` from action.yml),
 * with the state the main step saved.
 *
 *   npm run simulator -- --token sim-local-token          # in another terminal
 *   npm run action -- api-url=http://127.0.0.1:8080/api/v1 api-token=sim-local-token \
 *     server-id=12345 rollback-on-failure=true --post failure
 *
 * Inputs are also read from INPUT_<NAME> variables (the command line wins), so a real token can
 * come from the environment instead of the shell's history.
 *
 * Each invocation is a run of its own (a fresh run id; the main and the post step share it), and
 * prints the runner's commands for a person (see `personView`).
 */
import { appendFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { madeUpRun, personView } from "./local-context.js";
import { runAction, runPostStep } from "./run-action.js";

const JOB_STATUSES = ["success", "failure", "cancelled"];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { post: { type: "string" } },
});
if (values.post !== undefined && !JOB_STATUSES.includes(values.post)) {
  console.error(`--post takes the job's status: ${JOB_STATUSES.join(", ")}`);
  process.exit(2);
}
/** @type {Record<string, string>} */
const inputs = {};
for (const [name, value] of Object.entries(process.env)) {
  if (name.startsWith("INPUT_") && value) inputs[name.slice("INPUT_".length).toLowerCase()] = value;
}
for (const argument of positionals) {
  const at = argument.indexOf("=");
  if (at < 1) {
    console.error(`"${argument}" is not name=value (an input name as action.yml spells it)`);
    process.exit(2);
  }
  inputs[argument.slice(0, at)] = argument.slice(at + 1);
}

const run = await madeUpRun();
console.log(run.headline);
const view = personView((text) => process.stdout.write(text), {
  debug: process.env.ACTIONS_STEP_DEBUG === "true",
});
const main = await runAction({ inputs, env: run.env, onOutput: view.write });
await report("main step", main);
if (values.post !== undefined) {
  const jobStatus = /** @type {"success" | "failure" | "cancelled"} */ (values.post);
  const post = await runPostStep({
    inputs,
    state: main.savedState,
    env: { ...main.exportedEnv, ...run.env },
    jobStatus,
    onOutput: view.write,
  });
  if (post) await report("post step", post);
  else
    console.log(`\nThe runner would not start the post step after a job that ended ${jobStatus}.`);
}

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
  console.log(`Job summary (also in ${run.summaryFile}):`);
  console.log(result.summary.replace(/^(?=.)/gm, "  "));
  // The job's summary page shows each step's summary one after the other.
  await appendFile(run.summaryFile, result.summary);
  if (result.exitCode !== 0) process.exitCode = 1;
}
