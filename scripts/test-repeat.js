// @ts-check
/**
 * `npm run test:repeat [-- RUNS] [--no-burner] [vitest args]`: the flake check. Bundles once, then
 * runs the suite RUNS times (5 unless told) with one core kept busy beside it, as a shared
 * machine or a second job keeps it, and names every test that failed at least once, with how
 * often. A test that fails here fails some day in CI, where a red run lands nothing.
 *
 * The burner is a second node process that spins until this script stops it, whatever way it
 * ends (done, failed, Ctrl-C).
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const VITEST = path.join(root, "node_modules", "vitest", "vitest.mjs");

/** @param {string[]} argv */
function parseArgs(argv) {
  const runsGiven = argv.find((arg) => /^\d+$/.test(arg));
  const runs = runsGiven === undefined ? 5 : Number(runsGiven);
  if (!(runs >= 1)) throw new Error(`The number of runs must be 1 or more (got ${runsGiven}).`);
  return {
    runs,
    burner: !argv.includes("--no-burner"),
    vitestArgs: argv.filter((arg) => arg !== runsGiven && arg !== "--no-burner"),
  };
}

/**
 * @param {string} command
 * @param {string[]} args
 * @returns {Promise<number>} the exit code
 */
function runToEnd(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit" });
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
}

/** One core kept busy until `stop()`. */
function startBurner() {
  const burner = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
  const stop = () => {
    if (burner.exitCode === null && burner.signalCode === null) burner.kill("SIGKILL");
  };
  process.once("exit", stop);
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
    process.once(signal, () => {
      stop();
      process.exit(130);
    });
  }
  return { stop };
}

/**
 * The full names of the tests that failed in a run, from Vitest's JSON report; a file that failed
 * to load counts as a failure of the file.
 * @param {string} reportFile
 * @returns {Promise<string[]>}
 */
async function failuresIn(reportFile) {
  /** @type {{ testResults: { name: string, status: string, message?: string, assertionResults: { fullName: string, status: string }[] }[] }} */
  const report = JSON.parse(await readFile(reportFile, "utf8"));
  return report.testResults.flatMap((file) => {
    const where = path.relative(root, file.name);
    const failed = file.assertionResults
      .filter((test) => test.status === "failed")
      .map((test) => `${where} > ${test.fullName}`);
    return failed.length === 0 && file.status === "failed" ? [`${where} (the file)`] : failed;
  });
}

async function main() {
  const { runs, burner, vitestArgs } = parseArgs(process.argv.slice(2));
  if ((await runToEnd("npm", ["run", "bundle", "--silent"])) !== 0) {
    throw new Error("npm run bundle failed: nothing to test.");
  }
  const dir = await mkdtemp(path.join(tmpdir(), "vps-test-repeat-"));
  const busy = burner ? startBurner() : undefined;
  /** @type {Map<string, number>} */
  const failedTimes = new Map();
  /** @type {string[]} */
  const seconds = [];
  try {
    for (let run = 1; run <= runs; run++) {
      console.log(`\n=== Run ${run} of ${runs}${burner ? ", one core kept busy beside it" : ""}`);
      const report = path.join(dir, `run-${run}.json`);
      const started = performance.now();
      await runToEnd(process.execPath, [
        VITEST,
        "run",
        "--reporter=dot",
        "--reporter=json",
        `--outputFile.json=${report}`,
        ...vitestArgs,
      ]);
      seconds.push(((performance.now() - started) / 1000).toFixed(1));
      for (const name of await failuresIn(report)) {
        failedTimes.set(name, (failedTimes.get(name) ?? 0) + 1);
      }
    }
  } finally {
    busy?.stop();
    await rm(dir, { recursive: true, force: true });
  }
  console.log(`\n${runs} runs of the suite (seconds each: ${seconds.join(", ")}).`);
  if (failedTimes.size === 0) {
    console.log("No test failed in any run.");
    return;
  }
  console.log(`${failedTimes.size} test(s) failed at least once:`);
  for (const [name, times] of [...failedTimes].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${times} of ${runs}: ${name}`);
  }
  process.exitCode = 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
