// @ts-check
/**
 * The rollback probe (see action.yml next to this file). Main step: arms the probe. Post step
 * (after the post step of the action under test): judges the simulator's record. Node built-ins
 * only, so the job needs no `npm ci`.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** @param {string} name */
const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] ?? "").trim();

/** @param {string} variable @param {string} line */
function appendTo(variable, line) {
  const file = process.env[variable];
  if (!file) throw new Error(`${variable} is not set: not running under the Actions runner?`);
  appendFileSync(file, `${line}\n`);
}

/** @param {string} message */
function fail(message) {
  console.log(`::error title=Rollback probe::${message.replace(/\r?\n/g, "%0A")}`);
  process.exitCode = 1;
}

/**
 * @typedef {{ method: string, path: string, route: string, status: number | string }} Request
 * @typedef {{
 *   requests: Request[],
 *   creations: number[],
 *   restores: { snapshotId: number, serverId: number }[],
 *   deletions: { snapshotId: number }[],
 * }} SimulatorRecord
 */

/** @param {string} file @returns {SimulatorRecord} */
const readRecord = (file) => JSON.parse(readFileSync(file, "utf8"));

/**
 * The record is rewritten within 0.1 s of each request; give a restore that has only just been
 * sent a few seconds to show up before judging.
 * @param {string} file
 */
async function settledRecord(file) {
  let record = readRecord(file);
  for (let waited = 0; record.restores.length === 0 && waited < 5000; waited += 250) {
    await sleep(250);
    record = readRecord(file);
  }
  return record;
}

/**
 * Everything that must hold when no restore may happen (the deploy was confirmed).
 * @param {SimulatorRecord} record
 * @param {number} snapshotId
 */
function problemsWithNoRestore(record, snapshotId) {
  const problems = madeProblems(record, snapshotId);
  const restoreRequests = record.requests.filter((r) => r.route === "restore-snapshot");
  if (restoreRequests.length > 0 || record.restores.length > 0) {
    problems.push(`expected no restore, got ${restoreRequests.length} restore request(s)`);
  }
  return problems;
}

/** @param {SimulatorRecord} record @param {number} snapshotId */
function madeProblems(record, snapshotId) {
  const problems = [];
  if (JSON.stringify(record.creations) !== JSON.stringify([snapshotId])) {
    problems.push(`expected one snapshot made, ${snapshotId}; made: [${record.creations}]`);
  }
  if (record.deletions.length > 0) {
    problems.push(`expected no deletion; deleted: [${record.deletions.map((d) => d.snapshotId)}]`);
  }
  return problems;
}

/**
 * Everything that must hold; an empty list means the rollback did exactly what it should.
 * @param {SimulatorRecord} record
 * @param {number} serverId
 * @param {number} snapshotId
 */
function problemsWith(record, serverId, snapshotId) {
  const problems = madeProblems(record, snapshotId);
  const restoreRequests = record.requests.filter((r) => r.route === "restore-snapshot");
  if (restoreRequests.length !== 1) {
    problems.push(`expected one restore request, got ${restoreRequests.length}`);
  }
  const restores = record.restores.map((r) => `server ${r.serverId} to snapshot ${r.snapshotId}`);
  if (restores.join() !== `server ${serverId} to snapshot ${snapshotId}`) {
    problems.push(
      `expected exactly one restore, server ${serverId} to snapshot ${snapshotId}; ` +
        `restores: [${restores.join("; ")}]`,
    );
  }
  const restoreAt = record.requests.findIndex((r) => r.route === "restore-snapshot");
  const checksAfter = record.requests.slice(restoreAt + 1).filter((r) => r.route === "get-server");
  if (restoreAt !== -1 && checksAfter.length === 0) {
    problems.push("the post step never checked the server's status after the restore (no wait)");
  }
  return problems;
}

async function post() {
  const file = input("record");
  const serverId = Number(input("server-id"));
  const expected = process.env.EXPECTED_SNAPSHOT_ID ?? "";
  if (!/^[1-9][0-9]*$/.test(expected)) {
    fail(
      `EXPECTED_SNAPSHOT_ID is "${expected}", not a snapshot id: the create step or the step ` +
        "that remembers its snapshot did not succeed, so there is no rollback to judge.",
    );
    return;
  }
  const record = await settledRecord(file);
  console.log("Requests the simulator served:");
  for (const r of record.requests) console.log(`  ${r.method} ${r.path} -> ${r.status}`);
  const restoreExpected = input("expect") !== "none";
  const problems = restoreExpected
    ? problemsWith(record, serverId, Number(expected))
    : problemsWithNoRestore(record, Number(expected));
  if (problems.length > 0) {
    fail(`The rollback did not do exactly what it should:\n- ${problems.join("\n- ")}`);
    return;
  }
  const verdict = restoreExpected
    ? `restored server ${serverId} to snapshot ${expected}`
    : `kept server ${serverId} as deployed, snapshot ${expected} unused`;
  console.log(
    `Verdict: ${verdict} (no deletion${restoreExpected ? ", status checked after the restore" : ", no restore request"}).`,
  );
  appendTo("GITHUB_ENV", `ROLLBACK_VERDICT=${verdict}`);
  appendTo("GITHUB_STEP_SUMMARY", `Rollback probe: ${verdict}.`);
}

if (process.env.STATE_armed === "true") {
  await post();
} else {
  const file = input("record");
  readRecord(file); // the simulator must already be writing its record
  appendTo("GITHUB_STATE", "armed=true");
  console.log(
    input("expect") === "none"
      ? `Armed: after the post steps of the later steps, ${file} must show no restore at all.`
      : `Armed: after the post steps of the later steps, ${file} must show exactly one restore, ` +
          `of server ${input("server-id")} to the snapshot in EXPECTED_SNAPSHOT_ID.`,
  );
}
