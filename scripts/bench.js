// @ts-check
/**
 * `npm run bench`: the fleet's speed target, as ratios rather than seconds (these machines are
 * shared and noisy). A 50-server create-and-wait from the committed bundle must take no more than
 * 1.2 times the wall time of one server against the simulator, with one list request per check.
 */
import { startSimulator } from "../simulator/server.js";
import { runAction } from "./run-action.js";

const FLEET = 50;
const SNAPSHOT_MS = 8_000;
const POLL = "0.5s";
const ROUNDS = 2;
const TARGET_RATIO = 1.2;

const servers = Array.from({ length: FLEET }, (_, i) => ({
  id: 30_001 + i,
  name: `bench-${i + 1}`,
}));

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
    const creates = sim.requestsFor("create-snapshot");
    const lastCreate = Math.max(...creates.map((r) => r.seq));
    const lists = sim.requestsFor("list-snapshots").filter((r) => r.seq > lastCreate).length;
    // Each check logs one progress line; the list requests it cost are counted by the simulator.
    const checks = result.stdout.split("\n").filter((l) => / \(\d+s elapsed\)$/.test(l)).length;
    return { ms: result.durationMs, lists, checks, requests: sim.requests.length };
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
if (ratio > TARGET_RATIO || perCheck !== 1) {
  console.log("OVER TARGET");
  process.exitCode = 1;
}
