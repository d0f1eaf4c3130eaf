/**
 * `npm run drill -- <workflow.yml> ...`: the rollback drill's command (`--help` says how): reads
 * the arguments, drills the job (drill.ts), prints the table, writes it to the job summary when
 * there is one, and exits 1 if any verdict is ✗.
 */
import { appendFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type DrillOptions, drillWorkflow, RUNNER_VERSION } from "./drill.js";
import { drillTable } from "./report.js";
import { WorkflowError } from "./workflow.js";

const USAGE = `Usage: npm run drill -- <workflow.yml> [options]

Rehearses the rollback of one job of a workflow: the job as it should go, then every step other
than this action's failing in turn, then each cancelled in turn; this action's steps run for real
against a simulator of the API. Prints a verdict per scenario; exits 1 if any is ✗.

  --job ID                the job to drill (needed when the workflow has several)
  --deploy STEP           the deploy step, by id or name (default: the one whose id or name
                          contains "deploy")
  --sha SHA               github.sha, and the commit in the snapshots' names (default 1a2b3c4...)
  --run-id N              github.run_id (default: a new one, milliseconds since 1970)
  --input name=value      an input of workflow_dispatch (inputs.name); repeat for more
  --api-url URL           drill against this API instead of a simulator (scenarios run one after
  --api-token T           the other); secrets reaching api-token get this token. A real API's
                          servers are really snapshotted and restored.
  --help                  this text

Follows the step semantics of actions/runner ${RUNNER_VERSION}.`;

class UsageError extends Error {}

function options(args: string[]): DrillOptions | "help" {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      job: { type: "string" },
      deploy: { type: "string" },
      sha: { type: "string" },
      "run-id": { type: "string" },
      input: { type: "string", multiple: true },
      "api-url": { type: "string" },
      "api-token": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return "help";
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError("Give one workflow file");
  if ((values["api-url"] === undefined) !== (values["api-token"] === undefined)) {
    throw new UsageError("--api-url and --api-token go together");
  }
  if (values["api-url"] !== undefined && !URL.canParse(values["api-url"])) {
    throw new UsageError(`--api-url "${values["api-url"]}" is not a URL`);
  }
  const inputs: Record<string, string> = {};
  for (const pair of values.input ?? []) {
    const at = pair.indexOf("=");
    if (at < 1) throw new UsageError(`--input "${pair}" is not name=value`);
    inputs[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return {
    file,
    inputs,
    ...(values.job !== undefined ? { job: values.job } : {}),
    ...(values.deploy !== undefined ? { deploy: values.deploy } : {}),
    ...(values.sha !== undefined ? { sha: values.sha } : {}),
    ...(values["run-id"] !== undefined ? { runId: values["run-id"] } : {}),
    ...(values["api-url"] !== undefined
      ? { api: { url: values["api-url"], token: values["api-token"] ?? "" } }
      : {}),
  };
}

async function main(): Promise<number> {
  let opts: DrillOptions | "help";
  try {
    opts = options(process.argv.slice(2));
  } catch (error) {
    console.error(
      `${error instanceof Error ? error.message : error}\nSee: npm run drill -- --help`,
    );
    return 2;
  }
  if (opts === "help") {
    console.log(USAGE);
    return 0;
  }
  const { file } = opts;
  let drill: Awaited<ReturnType<typeof drillWorkflow>>;
  try {
    drill = await drillWorkflow(opts, (plan) =>
      console.log(
        `Rollback drill of ${file}, job "${plan.job.id}"` +
          `${plan.deploy ? `, deploy step "${plan.deploy.displayName}"` : ""}: ` +
          `${plan.scenarios.length} scenario(s), step semantics of actions/runner ${RUNNER_VERSION}, ` +
          (opts.api
            ? `against ${opts.api.url}.`
            : "against a simulator of the API (health-url not checked)."),
      ),
    );
  } catch (error) {
    // A workflow the drill cannot run, or a file it cannot read: the message says which.
    if (!(error instanceof WorkflowError || (error instanceof Error && "code" in error))) {
      throw error;
    }
    console.error(error.message);
    return 2;
  }
  const table = drillTable(drill.reports);
  console.log(`\n${table}`);
  if (process.env.GITHUB_STEP_SUMMARY) {
    await appendFile(
      process.env.GITHUB_STEP_SUMMARY,
      `### Rollback drill: ${file}, job ${drill.job.id}\n\n${table}\n\n`,
    );
  }
  return drill.reports.some((report) => report.verdict.mark === "✗") ? 1 : 0;
}

process.exitCode = await main();
