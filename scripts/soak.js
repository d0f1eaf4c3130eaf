// @ts-check
/**
 * `npm run soak`: a few hundred create-and-wait cycles of the committed bundle against the
 * simulator, with random faults on a share of the requests. Bounded in cycles and in time. It
 * prints how many cycles ran, how many faults were injected, and three counts that must be 0:
 * duplicates (two snapshots for one step), lost ids (a snapshot made that snapshot-id does not
 * name) and wrong outcomes (a step that says success when the snapshot is not completed, or
 * fails without saying why).
 *
 *   npm run soak -- [--cycles N] [--seconds S] [--parallel P] [--fault-share F] [--seed X]
 */
import { parseArgs } from "node:util";
import { startSimulator } from "../simulator/server.js";
import { runAction } from "./run-action.js";

const { values } = parseArgs({
  options: {
    cycles: { type: "string", default: "300" },
    seconds: { type: "string", default: "420" },
    parallel: { type: "string", default: "6" },
    "fault-share": { type: "string", default: "0.2" },
    seed: { type: "string", default: "7" },
  },
});
const CYCLES = Number(values.cycles);
const SECONDS = Number(values.seconds);
const PARALLEL = Number(values.parallel);
const FAULT_SHARE = Number(values["fault-share"]);

/** A small seeded generator, so that a run can be repeated. */
let state = Number(values.seed) >>> 0 || 1;
const random = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
};
/** @template T @param {T[]} items @returns {T} */
const pick = (items) => /** @type {T} */ (items[Math.floor(random() * items.length)]);

/** @type {Array<() => import("../simulator/server.js").Fault>} */
const FAULTS = [
  () => ({ type: "status", status: pick([500, 502, 503, 504]) }),
  () => ({ type: "status", status: 429, retryAfter: "1" }),
  () => ({ type: "reset" }),
  () => ({ type: "hang" }),
  () => ({ type: "trickle", intervalMs: 300 }),
  () => ({ type: "non-json", status: 200 }),
  () => ({ type: "truncated" }),
  () => ({ type: "apply-then-reset" }),
  () => ({ type: "apply-then-status", status: pick([500, 502]) }),
  () => ({ type: "apply-then-hang" }),
];
const ROUTES = /** @type {const} */ (["list-snapshots", "create-snapshot"]);

// Every concurrent cycle works on a server of its own, so what one finds is its own doing.
const servers = Array.from({ length: PARALLEL }, (_, i) => ({
  id: 40_001 + i,
  name: `soak-${i + 1}`,
}));
const sim = await startSimulator({ servers, snapshotDurationMs: 400, listOrder: "shuffled" });
const started = Date.now();
const counts = {
  cycles: 0,
  succeeded: 0,
  failedClearly: 0,
  duplicates: 0,
  lostIds: 0,
  wrongOutcomes: 0,
};
/** @type {string[]} */
const problems = [];

/** @param {number} worker */
async function soak(worker) {
  const server = servers[worker]?.id ?? 0;
  while (counts.cycles < CYCLES && Date.now() - started < SECONDS * 1000) {
    const cycle = ++counts.cycles;
    const name = `soak-${cycle}`;
    // Faults are armed for this cycle's server only: other workers' requests pass untouched.
    const armed = random() < FAULT_SHARE * 4 ? 1 + Math.floor(random() * 2) : 0;
    for (let i = 0; i < armed; i++) {
      sim.addFault({
        route: pick([...ROUTES]),
        skip: Math.floor(random() * 3),
        fault: pick(FAULTS)(),
        serverId: server,
      });
    }
    const result = await runAction({
      inputs: {
        "api-url": sim.url,
        "api-token": sim.token,
        "server-id": String(server),
        name,
        "name-prefix": "soak-",
        timeout: "30s",
        "poll-interval": "0.3s",
      },
      timeoutMs: 60_000,
    });
    sim.clearFaults(server);
    judge(cycle, name, server, result);
  }
}

/**
 * @param {number} cycle @param {string} name @param {number} server
 * @param {import("./run-action.js").RunResult} result
 */
function judge(cycle, name, server, result) {
  const mine = sim.snapshotsOf(server).filter((s) => s.name === name);
  const said = result.outputs["snapshot-id"];
  const failure = result.stdout.split("\n").find((l) => l.startsWith("::error::"));
  if (mine.length > 1) {
    counts.duplicates++;
    problems.push(`cycle ${cycle}: ${mine.length} snapshots named ${name}`);
  }
  if (mine.length > 0 && !mine.some((s) => String(s.id) === said)) {
    counts.lostIds++;
    problems.push(
      `cycle ${cycle}: snapshot ${mine.map((s) => s.id)} made, snapshot-id says ${said}`,
    );
  }
  if (result.exitCode === 0) {
    counts.succeeded++;
    const named = sim.snapshot(Number(said));
    if (
      !named ||
      named.status !== "completed" ||
      result.outputs["snapshot-status"] !== "completed"
    ) {
      counts.wrongOutcomes++;
      problems.push(
        `cycle ${cycle}: success, but snapshot ${said} is ${named?.status ?? "missing"}`,
      );
    }
  } else if (failure) {
    counts.failedClearly++;
  } else {
    counts.wrongOutcomes++;
    problems.push(`cycle ${cycle}: exit ${result.exitCode} without an error message`);
  }
}

try {
  await Promise.all(servers.map((_, worker) => soak(worker)));
} finally {
  await sim.close();
}

const seconds = ((Date.now() - started) / 1000).toFixed(0);
console.log(`cycles: ${counts.cycles} in ${seconds} s (${PARALLEL} at a time)`);
console.log(
  `requests: ${sim.requests.length}, faults injected: ${sim.faultsInjected} ` +
    `(${((100 * sim.faultsInjected) / Math.max(1, sim.requests.length)).toFixed(0)}% of requests)`,
);
console.log(`succeeded: ${counts.succeeded}, failed with a clear message: ${counts.failedClearly}`);
console.log(`duplicates: ${counts.duplicates} (must be 0)`);
console.log(`lost ids: ${counts.lostIds} (must be 0)`);
console.log(`wrong outcomes: ${counts.wrongOutcomes} (must be 0)`);
for (const problem of problems) console.log(`  ${problem}`);
if (counts.duplicates + counts.lostIds + counts.wrongOutcomes > 0) process.exitCode = 1;
