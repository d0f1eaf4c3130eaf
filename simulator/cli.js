// @ts-check

import { renameSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startSimulator } from "./server.js";

/** Runs one simulator in the foreground, for trying the action by hand (`--help` says how). */
const USAGE = `Usage: node simulator/cli.js [options]   (or: npm run simulator -- [options])

The provider's Snapshots API on loopback, for trying the action by hand.

Options:
  --port N               the port to listen on (default 8080; 0 takes any free port). The first
                         line printed is the URL it listens on: the api-url.
  --token T              the API token it accepts (default: a new random one, printed)
  --snapshot-seconds S   how long a snapshot takes to complete (default 1.5)
  --restore-seconds S    how long a restore takes (default 1.5)
  --outcome STATUS       the status a snapshot ends in (default completed; e.g. failed)
  --page-size N          page the lists N items at a time (default: one page)
  --record FILE          keep FILE up to date with what it saw: the requests (without their
                         Authorization header) and the snapshots created, restored and deleted
  --help                 this text

Stop it with Ctrl+C.`;

/**
 * @param {string} flag
 * @param {string | undefined} value
 * @param {{ integer: boolean, min: number }} rule
 */
function numberFlag(flag, value, { integer, min }) {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number) || number < min) {
    throw new Error(`--${flag} must be a number >= ${min} (got "${value}")`);
  }
  if (integer && !Number.isInteger(number)) {
    throw new Error(`--${flag} must be a whole number (got "${value}")`);
  }
  return number;
}

/** @param {number | undefined} seconds */
const toMs = (seconds) => (seconds === undefined ? undefined : Math.round(seconds * 1000));

/** @param {string[]} args */
function parseOptions(args) {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: "string", default: "8080" },
      token: { type: "string" },
      "snapshot-seconds": { type: "string" },
      "restore-seconds": { type: "string" },
      outcome: { type: "string" },
      "page-size": { type: "string" },
      record: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return "help";
  return {
    host: "127.0.0.1",
    port: numberFlag("port", values.port, { integer: true, min: 0 }),
    token: values.token,
    snapshotDurationMs: toMs(
      numberFlag("snapshot-seconds", values["snapshot-seconds"], { integer: false, min: 0 }),
    ),
    restoreDurationMs: toMs(
      numberFlag("restore-seconds", values["restore-seconds"], { integer: false, min: 0 }),
    ),
    snapshotOutcome: values.outcome,
    pageSize: numberFlag("page-size", values["page-size"], { integer: true, min: 1 }),
    record: values.record,
  };
}

/**
 * Writes what the simulator saw to `file` whenever a request has been served since the last
 * write; the write is atomic (a temporary file renamed), so a reader never sees half of it.
 * @param {import("./server.js").Simulator} simulator
 * @param {string} file
 */
function keepRecord(simulator, file) {
  let written = -1;
  const write = () => {
    if (simulator.requests.length === written) return;
    written = simulator.requests.length;
    const record = {
      url: simulator.url,
      requests: simulator.requests.map(({ authorization, ...request }) => ({
        ...request,
        authorized: authorization === `Bearer ${simulator.token}`,
      })),
      creations: simulator.creations,
      restores: simulator.restores,
      deletions: simulator.deletions,
    };
    writeFileSync(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
  };
  write();
  const timer = setInterval(write, 100);
  timer.unref();
  return () => {
    clearInterval(timer);
    write();
  };
}

async function main() {
  /** @type {ReturnType<typeof parseOptions>} */
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    console.error("See: node simulator/cli.js --help");
    process.exitCode = 2;
    return;
  }
  if (options === "help") {
    console.log(USAGE);
    return;
  }
  const { record, ...simulatorOptions } = options;
  /** @type {import("./server.js").Simulator} */
  let simulator;
  try {
    simulator = await startSimulator(simulatorOptions);
  } catch (error) {
    // Most often the port is taken; the message names it.
    console.error(
      `Could not start the simulator: ${error instanceof Error ? error.message : error}`,
    );
    process.exitCode = 1;
    return;
  }
  /** @type {() => void} */
  let flushRecord = () => {};
  if (record !== undefined) {
    try {
      flushRecord = keepRecord(simulator, record);
    } catch (error) {
      console.error(`Could not write --record: ${error instanceof Error ? error.message : error}`);
      await simulator.close();
      process.exitCode = 1;
      return;
    }
  }
  console.log(`Simulator listening on ${simulator.url}`);
  const servers = simulator.servers().map((server) => `${server.id} ${server.name}`);
  console.log(`servers: ${servers.join(", ")}`);
  console.log(`Token: ${simulator.token}`);
  console.log("Run the action against it with:");
  console.log(
    `  npm run action -- api-url=${simulator.url} api-token=${simulator.token} server-id=12345`,
  );
  console.log("Stop with Ctrl+C.");
  /** @param {NodeJS.Signals} signal */
  const stop = (signal) => {
    console.log(`${signal}: closing the simulator`);
    void simulator.close().then(flushRecord);
  };
  // `once`: a second Ctrl+C falls through to Node's default and ends the process at once.
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
