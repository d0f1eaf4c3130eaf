// @ts-check
/**
 * `npm run demo`: starts the API simulator on loopback and runs the committed bundle against it
 * exactly as the Actions runner would, then shows the outputs and the job summary. The log is
 * shown as the run's page shows it to a person (groups, annotations), not as the workflow
 * commands the runner reads.
 */
import { startSimulator } from "../simulator/server.js";
import { personView } from "./local-context.js";
import { runAction } from "./run-action.js";

const sim = await startSimulator({ snapshotDurationMs: 3_000 });
console.log(`Simulator: ${sim.url}\n`);
console.log("Running dist/index.js with mode: create, server-id: 12345\n");

const log = personView((text) => process.stdout.write(indent(text)), {
  debug: process.env.ACTIONS_STEP_DEBUG === "true",
});
try {
  const run = await runAction({
    inputs: {
      "api-url": sim.url,
      "api-token": sim.token,
      "server-id": "12345",
      "poll-interval": "2s",
    },
    onOutput: (text) => log.write(text),
    timeoutMs: 60_000,
  });
  log.end();

  console.log("\nOutputs:");
  for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name} = ${value}`);
  console.log("\nJob summary:");
  console.log(indent(run.summary));
  const requests = sim.requests.map(
    (r) =>
      `${r.method} ${r.path}${r.query.server_id ? `?server_id=${r.query.server_id}` : ""} -> ${r.status}`,
  );
  console.log(`API requests (${requests.length}):\n${indent(requests.join("\n"))}\n`);
  console.log(
    run.exitCode === 0
      ? `The step succeeded in ${(run.durationMs / 1000).toFixed(1)} s: snapshot ${run.outputs["snapshot-id"]} is ${run.outputs["snapshot-status"]}.`
      : `The step failed (exit code ${run.exitCode}).`,
  );
  process.exitCode = run.exitCode === 0 ? 0 : 1;
} finally {
  await sim.close();
}

/** @param {string} text */
function indent(text) {
  return text.replace(/^(?=.)/gm, "  ");
}
