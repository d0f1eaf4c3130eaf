// @ts-check
/**
 * `npm run bench`: the speed targets, as ratios and request counts rather than seconds (these
 * machines are shared and noisy), all from the committed bundle against the simulator.
 * - A 50-server create-and-wait takes no more than 1.2 times the wall time of one server, with one
 *   list request per check.
 * - A pipeline that starts the snapshot first (create with wait: false), builds, then waits
 *   (mode wait) costs no more than max(snapshot, build) plus one poll-interval, against
 *   snapshot + build for create-and-wait followed by the build.
 * - On an account of 1,205 snapshots (121 pages of 10), a 3-server fleet costs at most 3 list
 *   requests per check, and its rollback takes no more than 1.2 times the same rollback on an
 *   account that holds only its own snapshots.
 * - The bundle starts no slower than actions/checkout's: the time for `node dist/index.js` to
 *   load and fail at once on its inputs (sending nothing), as a ratio to a bare `node -e ""`
 *   and, when CHECKOUT_DIST names actions/checkout's dist/index.js, to that bundle failing at
 *   once on its own (it stops at "GITHUB_WORKSPACE not defined"). Printed, not judged: a few
 *   tens of milliseconds on a shared machine are too noisy to fail the bench on.
 *
 * `npm run bench:smoke` (`--smoke`) runs every part at a small scale in a few seconds and judges
 * no ratio: CI runs it, so that a change that breaks the benchmark is seen the day it lands.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { busyAccount } from "../simulator/seeds.js";
import { startSimulator } from "../simulator/server.js";
import { runAction, runPostStep } from "./run-action.js";

const SMOKE = process.argv.includes("--smoke");
const FLEET = SMOKE ? 5 : 50;
const SNAPSHOT_MS = SMOKE ? 1_000 : 8_000;
const POLL = "0.5s";
const ROUNDS = SMOKE ? 1 : 2;
const TARGET_RATIO = 1.2;

const servers = Array.from({ length: FLEET }, (_, i) => ({
  id: 30_001 + i,
  name: `bench-${i + 1}`,
}));

/**
 * The wait's checks and the list requests they cost: each check logs one progress line, and the
 * simulator counts the list requests made after the last create.
 * @param {import("../simulator/server.js").Simulator} sim
 * @param {import("./run-action.js").RunResult} result
 */
function waitCost(sim, result) {
  const lastCreate = Math.max(...sim.requestsFor("create-snapshot").map((r) => r.seq));
  const lists = sim.requestsFor("list-snapshots").filter((r) => r.seq > lastCreate).length;
  const checks = result.stdout.split("\n").filter((l) => / \(\d+s elapsed\)$/.test(l)).length;
  return { lists, checks };
}

/** @param {number[]} serverIds */
async function createAndWait(serverIds) {
  const sim = await startSimulator({ servers, snapshotDurationMs: SNAPSHOT_MS, pageSize: 100 });
  try {
    const result = await runAction({
      inputs: {
        "api-url": sim.url,
        "api-token": sim.token,
        "server-id": serverIds.join(","),
        "poll-interval": POLL,
      },
      timeoutMs: 120_000,
    });
    if (result.exitCode !== 0) throw new Error(`the step failed:\n${result.stdout}`);
    return { ms: result.durationMs, ...waitCost(sim, result), requests: sim.requests.length };
  } finally {
    await sim.close();
  }
}

/** @param {number[]} values */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const one = [];
const fleet = [];
for (let round = 0; round < ROUNDS; round++) {
  one.push(await createAndWait([servers[0]?.id ?? 0]));
  fleet.push(await createAndWait(servers.map((s) => s.id)));
}

const ratio = median(fleet.map((r) => r.ms)) / median(one.map((r) => r.ms));
const fleetRun = fleet[0];
console.log(
  `snapshot time in the simulator: ${SNAPSHOT_MS / 1000}s, poll-interval ${POLL}, ${ROUNDS} rounds`,
);
console.log(`1 server:    ${(median(one.map((r) => r.ms)) / 1000).toFixed(2)} s`);
console.log(`${FLEET} servers:  ${(median(fleet.map((r) => r.ms)) / 1000).toFixed(2)} s`);
console.log(`wall-time ratio ${FLEET}:1 = ${ratio.toFixed(3)} (target <= ${TARGET_RATIO})`);
const perCheck = (fleetRun?.lists ?? 0) / Math.max(1, fleetRun?.checks ?? 0);
console.log(
  `list requests per check with ${FLEET} servers: ${perCheck.toFixed(2)} (target 1; ` +
    `${fleetRun?.checks} checks, ${fleetRun?.requests} requests in all)`,
);
let over = ratio > TARGET_RATIO || perCheck !== 1;

const LARGE_FLEET = [12345, 12346, 12347];
const MAX_LISTS_PER_CHECK = LARGE_FLEET.length;

/**
 * A 3-server create-and-wait with rollback-on-failure, then its post step after a failed job:
 * the list requests per check of the wait, and the post step's wall time.
 * @param {boolean} large
 */
async function fleetAndRollback(large) {
  const seeds = large ? busyAccount({ snapshots: 1205 }) : {};
  const sim = await startSimulator({
    ...seeds,
    snapshotDurationMs: SMOKE ? 500 : 3_000,
    restoreDurationMs: SMOKE ? 500 : 3_000,
    pageSize: 10,
  });
  try {
    const inputs = {
      "api-url": sim.url,
      "api-token": sim.token,
      "server-id": LARGE_FLEET.join(","),
      "poll-interval": POLL,
      "rollback-on-failure": "true",
    };
    const main = await runAction({ inputs, timeoutMs: 120_000 });
    if (main.exitCode !== 0) throw new Error(`the step failed:\n${main.stdout}`);
    const { lists, checks } = waitCost(sim, main);
    const before = sim.requests.length;
    const post = await runPostStep({ inputs, state: main.savedState, jobStatus: "failure" });
    if (post?.exitCode !== 0) throw new Error(`the rollback failed:\n${post?.stdout}`);
    const postLists = sim.requests.slice(before).filter((r) => r.route === "list-snapshots");
    return { perCheck: lists / Math.max(1, checks), rollbackMs: post.durationMs, postLists };
  } finally {
    await sim.close();
  }
}

const small = [];
const large = [];
for (let round = 0; round < ROUNDS; round++) {
  small.push(await fleetAndRollback(false));
  large.push(await fleetAndRollback(true));
}
const largePerCheck = Math.max(...large.map((r) => r.perCheck));
const rollbackRatio =
  median(large.map((r) => r.rollbackMs)) / median(small.map((r) => r.rollbackMs));
console.log("");
console.log("account of 1,205 snapshots (121 pages of 10), fleet of 3 servers:");
console.log(
  `list requests per check: ${largePerCheck.toFixed(2)} (target <= ${MAX_LISTS_PER_CHECK}, ` +
    "the servers' own lists rather than 121 pages)",
);
console.log(
  `rollback: ${(median(large.map((r) => r.rollbackMs)) / 1000).toFixed(2)} s, against ` +
    `${(median(small.map((r) => r.rollbackMs)) / 1000).toFixed(2)} s on an account of its own ` +
    `snapshots only: ratio ${rollbackRatio.toFixed(3)} (target <= ${TARGET_RATIO}); ` +
    `${large[0]?.postLists.length} list requests`,
);
over ||= largePerCheck > MAX_LISTS_PER_CHECK || rollbackRatio > TARGET_RATIO;

const PIPE_SNAPSHOT_MS = SMOKE ? 1_000 : 4_000;
const PIPE_POLL = "1s";
const PIPE_POLL_MS = 1_000;

/**
 * One pipeline against a fresh simulator: the snapshot steps as the runner runs them, and a build
 * of `buildMs` between them (a build needs no API, so it is a plain wait here).
 * @param {"in sequence" | "overlapped"} shape
 * @param {number} buildMs
 */
async function pipeline(shape, buildMs) {
  const sim = await startSimulator({ snapshotDurationMs: PIPE_SNAPSHOT_MS });
  try {
    const base = { "api-url": sim.url, "api-token": sim.token, "poll-interval": PIPE_POLL };
    const create = { "server-id": "12345" };
    const step = async (/** @type {Record<string, string>} */ inputs) => {
      const result = await runAction({ inputs: { ...base, ...inputs }, timeoutMs: 120_000 });
      if (result.exitCode !== 0) throw new Error(`a step failed:\n${result.stdout}`);
      return result;
    };
    const build = () => new Promise((resolve) => setTimeout(resolve, buildMs));
    const started = performance.now();
    if (shape === "in sequence") {
      await step(create);
      await build();
    } else {
      const created = await step({ ...create, wait: "false" });
      await build();
      await step({ mode: "wait", "snapshot-id": created.outputs["snapshot-ids"] ?? "" });
    }
    return performance.now() - started;
  } finally {
    await sim.close();
  }
}

console.log("");
console.log(
  `snapshot while you build: snapshot ${PIPE_SNAPSHOT_MS / 1000}s, poll-interval ${PIPE_POLL}`,
);
const BUILDS_MS = SMOKE
  ? [PIPE_SNAPSHOT_MS]
  : [PIPE_SNAPSHOT_MS / 2, PIPE_SNAPSHOT_MS, PIPE_SNAPSHOT_MS * 1.5];
for (const buildMs of BUILDS_MS) {
  const sequence = await pipeline("in sequence", buildMs);
  const overlapped = await pipeline("overlapped", buildMs);
  const bound = Math.max(PIPE_SNAPSHOT_MS, buildMs) + PIPE_POLL_MS;
  console.log(
    `build ${(buildMs / 1000).toFixed(0)}s: create-and-wait then build ${(sequence / 1000).toFixed(2)} s, ` +
      `create (wait: false) + build + wait ${(overlapped / 1000).toFixed(2)} s: ratio ` +
      `${(overlapped / sequence).toFixed(3)}; target <= max(snapshot, build) + poll-interval = ` +
      `${(bound / 1000).toFixed(2)} s`,
  );
  over ||= overlapped > bound;
}

const STARTUP_RUNS = SMOKE ? 2 : 15;
// A path rather than a URL, as in run-action.js: knip reads `new URL(…, import.meta.url)` as an
// import and would lint the bundle.
const BUNDLE = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "index.js");
const CHECKOUT_DIST = process.env.CHECKOUT_DIST;

/** @typedef {{ ms: number, exitCode: number | null, stdout: string }} Start */

/**
 * One start of `node <args>` to its exit, in the same bare environment for every program: the
 * runner's command files but no inputs, no GITHUB_WORKSPACE and no GITHUB_* context, so that each
 * bundle fails on its inputs before it does any work.
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<Start>}
 */
function startOnce(args, env) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", () => {});
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  return new Promise((resolve) =>
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, exitCode, stdout });
    }),
  );
}

/** @type {{ name: string, args: string[], expect: (r: Start) => boolean }[]} */
const programs = [
  { name: 'node -e ""', args: ["-e", ""], expect: (r) => r.exitCode === 0 },
  {
    name: "this bundle",
    args: [BUNDLE],
    expect: (r) =>
      r.exitCode === 1 && r.stdout.includes("::error::The step's inputs are not valid"),
  },
  ...(CHECKOUT_DIST
    ? [
        {
          name: "actions/checkout",
          args: [CHECKOUT_DIST],
          expect: (/** @type {Start} */ r) => r.exitCode === 1 && r.stdout.includes("::error::"),
        },
      ]
    : []),
];
const startDir = await mkdtemp(path.join(tmpdir(), "vps-snapshot-startup-"));
/** @type {NodeJS.ProcessEnv} */
const startEnv = { PATH: process.env.PATH, HOME: startDir, RUNNER_TEMP: startDir };
for (const name of ["GITHUB_OUTPUT", "GITHUB_STATE", "GITHUB_STEP_SUMMARY", "GITHUB_ENV"]) {
  startEnv[name] = path.join(startDir, name.toLowerCase());
  await writeFile(startEnv[name], "");
}
/** @type {Map<string, number[]>} */
const startTimes = new Map(programs.map((p) => [p.name, []]));
try {
  // One unmeasured start each warms the file cache; then the programs take turns, so that a noisy
  // moment on the machine falls on all of them alike.
  for (let round = -1; round < STARTUP_RUNS; round++) {
    for (const program of programs) {
      const result = await startOnce(program.args, startEnv);
      if (!program.expect(result)) {
        throw new Error(`${program.name} did not fail at once as expected:\n${result.stdout}`);
      }
      if (round >= 0) startTimes.get(program.name)?.push(result.ms);
    }
  }
} finally {
  await rm(startDir, { recursive: true, force: true });
}
const startMs = (/** @type {string} */ name) => median(startTimes.get(name) ?? []);
console.log("");
console.log(`startup (node ${process.version}, median of ${STARTUP_RUNS} starts to exit):`);
console.log(`node -e "":        ${startMs('node -e ""').toFixed(1)} ms`);
console.log(
  `this bundle:       ${startMs("this bundle").toFixed(1)} ms: ratio to bare node ` +
    `${(startMs("this bundle") / startMs('node -e ""')).toFixed(2)}`,
);
if (CHECKOUT_DIST) {
  console.log(
    `actions/checkout:  ${startMs("actions/checkout").toFixed(1)} ms: ratio to bare node ` +
      `${(startMs("actions/checkout") / startMs('node -e ""')).toFixed(2)}; this bundle to it ` +
      `${(startMs("this bundle") / startMs("actions/checkout")).toFixed(3)} (target <= 1)`,
  );
} else {
  console.log("(set CHECKOUT_DIST to actions/checkout's dist/index.js to compare with it)");
}

if (SMOKE) {
  console.log("\nSmoke run: every part ran; at this scale the ratios are printed, not judged.");
} else if (over) {
  console.log("OVER TARGET");
  process.exitCode = 1;
}
