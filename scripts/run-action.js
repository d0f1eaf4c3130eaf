// @ts-check
/**
 * Runs the committed bundle the way the Actions runner does: inputs as INPUT_<NAME> (hyphens kept),
 * action.yml defaults for inputs not given, the GITHUB_* context, and the GITHUB_OUTPUT,
 * GITHUB_STATE and GITHUB_STEP_SUMMARY files. The tests, the demo and the benchmark all use it,
 * so what they check is what a workflow gets.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BUNDLE = path.join(root, "dist", "index.js");

/**
 * @typedef {object} RunOptions
 * @property {Record<string, string>} inputs    action inputs by their action.yml names
 * @property {Record<string, string>} [state]   saved state, as the runner hands it to a post step
 * @property {Record<string, string>} [env]     more environment (overrides the defaults below)
 * @property {string} [node]                    the node binary (default: this process's)
 * @property {Promise<unknown>} [killWhen]     send a signal once this settles (a cancelled
 *   workflow): an event, such as the simulator holding the request the test means to cut short
 * @property {NodeJS.Signals} [killSignal]      that signal (default SIGTERM)
 * @property {number} [timeoutMs]               kill the run after this long (a test's safety net)
 * @property {(text: string) => void} [onOutput] sees stdout and stderr as they come
 *
 * @typedef {object} RunResult
 * @property {number | null} exitCode
 * @property {string | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {Record<string, string>} outputs   the last value of each output
 * @property {Record<string, string>} savedState
 * @property {Record<string, string>} exportedEnv  what the step added to the job's environment
 *   (GITHUB_ENV), which the runner hands to every later step and post step of the job
 * @property {string} summary
 * @property {number} durationMs
 * @property {number | null} signalledAtMs  when the signal of `killWhen` was sent, in the run's
 *   time (null when none was), so a test can read how long the step took to stop after it
 */

/** @returns {Promise<{ inputs?: Record<string, { default?: unknown }>, runs: Record<string, string> }>} */
async function actionMetadata() {
  return parse(await readFile(path.join(root, "action.yml"), "utf8"));
}

/** The defaults that action.yml declares, which the runner passes for inputs a workflow omits. */
async function actionDefaults() {
  const action = await actionMetadata();
  return Object.fromEntries(
    Object.entries(action.inputs ?? {}).flatMap(([name, spec]) =>
      spec && spec.default !== undefined ? [[name, String(spec.default)]] : [],
    ),
  );
}

/**
 * Whether the runner starts the post step, from action.yml's `post-if` (default `always()`) and
 * how the job went.
 * @param {"success" | "failure" | "cancelled"} jobStatus
 */
export async function postStepRuns(jobStatus) {
  const action = await actionMetadata();
  if (!action.runs.post) return false;
  const condition = (action.runs["post-if"] ?? "always()").trim();
  /** @type {Record<string, boolean>} */
  const verdicts = {
    "always()": true,
    "success()": jobStatus === "success",
    "failure()": jobStatus === "failure",
    "cancelled()": jobStatus === "cancelled",
  };
  const verdict = verdicts[condition];
  if (verdict === undefined) throw new Error(`post-if "${condition}" is not understood here`);
  return verdict;
}

/**
 * The post step as the runner would run it at the end of the job: only if `post-if` says so, with
 * the main step's inputs and the state it saved.
 * @param {RunOptions & { jobStatus: "success" | "failure" | "cancelled" }} options
 * @returns {Promise<RunResult | null>} null when the runner would not start it
 */
export async function runPostStep(options) {
  return (await postStepRuns(options.jobStatus)) ? runAction(options) : null;
}

/** @param {string} name */
function inputVariable(name) {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/**
 * Reads a GITHUB_OUTPUT or GITHUB_STATE file: `name<<delimiter`, value lines, `delimiter`.
 * @param {string} text
 * @returns {Record<string, string>}
 */
function parseCommandFile(text) {
  /** @type {Record<string, string>} */
  const values = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = "", delimiter] = heredoc;
      const end = lines.indexOf(delimiter ?? "", i + 1);
      values[name] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) {
      const at = line.indexOf("=");
      values[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return values;
}

/**
 * The run's context as the runner describes it to every step, the same for every run here: the
 * default snapshot name and description are made from it.
 */
const RUN_CONTEXT = {
  GITHUB_ACTIONS: "true",
  CI: "true",
  RUNNER_OS: "Linux",
  GITHUB_REPOSITORY: "octo-org/shop",
  GITHUB_REPOSITORY_OWNER: "octo-org",
  GITHUB_SHA: "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
  GITHUB_REF: "refs/heads/main",
  GITHUB_EVENT_NAME: "push",
  GITHUB_WORKFLOW: "Deploy",
  GITHUB_JOB: "deploy",
  GITHUB_ACTION: "snapshot",
  GITHUB_ACTOR: "octocat",
  GITHUB_RUN_ID: "9876543210",
  GITHUB_RUN_NUMBER: "42",
  GITHUB_RUN_ATTEMPT: "1",
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_API_URL: "https://api.github.com",
};

/**
 * A step's environment but for the runner's files: the run's context, the inputs as INPUT_<NAME>
 * with action.yml's defaults for those not given, the saved state as STATE_<name>, then the
 * job's environment. The in-process tests hand the same to the step (test/support/in-process.ts).
 * @param {Pick<RunOptions, "inputs" | "state" | "env">} options
 * @returns {Promise<Record<string, string | undefined>>}
 */
export async function stepEnvironment({ inputs, state = {}, env = {} }) {
  const given = { ...(await actionDefaults()), ...inputs };
  return {
    ...RUN_CONTEXT,
    ...Object.fromEntries(
      Object.entries(given).map(([name, value]) => [inputVariable(name), value]),
    ),
    ...Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value])),
    ...env,
  };
}

/**
 * @param {RunOptions} options
 * @returns {Promise<RunResult>}
 */
export async function runAction(options) {
  const dir = await mkdtemp(path.join(tmpdir(), "vps-snapshot-run-"));
  const files = {
    GITHUB_OUTPUT: path.join(dir, "output"),
    GITHUB_STATE: path.join(dir, "state"),
    GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"),
    GITHUB_ENV: path.join(dir, "env"),
    GITHUB_PATH: path.join(dir, "path"),
    GITHUB_EVENT_PATH: path.join(dir, "event.json"),
  };
  // The runner's files start empty, but for the event payload, which is always JSON.
  await Promise.all(
    Object.values(files).map((file) =>
      writeFile(file, file === files.GITHUB_EVENT_PATH ? "{}" : ""),
    ),
  );
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    RUNNER_TEMP: dir,
    GITHUB_WORKSPACE: dir,
    ...files,
    ...(await stepEnvironment(options)),
  };

  const started = performance.now();
  const child = spawn(options.node ?? process.execPath, [BUNDLE], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
    options.onOutput?.(String(chunk));
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
    options.onOutput?.(String(chunk));
  });
  /** @type {Promise<[number | null, string | null]>} */
  const closing = new Promise((resolve) => child.on("close", (code, sig) => resolve([code, sig])));
  /** @type {number | null} */
  let signalledAtMs = null;
  const cancel = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalledAtMs = performance.now() - started;
    child.kill(options.killSignal ?? "SIGTERM");
  };
  options.killWhen?.then(cancel, cancel);
  const safetyNet =
    options.timeoutMs !== undefined && setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  const [exitCode, signal] = await closing;
  if (safetyNet) clearTimeout(safetyNet);
  const durationMs = performance.now() - started;

  const [outputText, stateText, summary, envText] = await Promise.all(
    [files.GITHUB_OUTPUT, files.GITHUB_STATE, files.GITHUB_STEP_SUMMARY, files.GITHUB_ENV].map(
      (f) => readFile(f, "utf8"),
    ),
  );
  await rm(dir, { recursive: true, force: true });
  return {
    exitCode,
    signal,
    stdout,
    stderr,
    outputs: parseCommandFile(outputText ?? ""),
    savedState: parseCommandFile(stateText ?? ""),
    exportedEnv: parseCommandFile(envText ?? ""),
    summary: summary ?? "",
    durationMs,
    signalledAtMs,
  };
}
