// @ts-check
/**
 * `npm run local-action` (`-- --post` for the post step too): runs src/main.ts (and src/post.ts)
 * under @github/local-action with the inputs and context of `.env` (copied from .env.example),
 * as a run of its own: a fresh GITHUB_RUN_ID and GITHUB_RUN_ATTEMPT, and GITHUB_STEP_SUMMARY set
 * to a new file that it names.
 *
 * local-action loads `.env` over the environment (dotenv's `override`), so those three must not
 * be in `.env`: an old copy of .env.example that still sets them is named, not silently obeyed.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { madeUpRun } from "./local-context.js";

const LOCAL_ACTION = "@github/local-action@7.0.1";
const ENV_FILE = ".env";
const SET_HERE = ["GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT", "GITHUB_STEP_SUMMARY"];

const { values } = parseArgs({ options: { post: { type: "boolean", default: false } } });
if (!existsSync(ENV_FILE)) {
  console.error(`No ${ENV_FILE}: copy .env.example to ${ENV_FILE} first, and start the simulator.`);
  process.exit(2);
}
const run = await madeUpRun();
console.log(run.headline);
const fixed = readFileSync(ENV_FILE, "utf8")
  .split("\n")
  .map((line) => /^\s*(?:export\s+)?([A-Z_]+)\s*=/.exec(line)?.[1])
  .filter((name) => name !== undefined && SET_HERE.includes(name));
if (fixed.length > 0) {
  console.warn(
    `Warning: ${ENV_FILE} sets ${fixed.join(", ")}, which local-action lets win over this run's: ` +
      `delete ${fixed.length === 1 ? "that line" : "those lines"} (see .env.example).`,
  );
}

const args = ["-y", LOCAL_ACTION, "run", ".", "src/main.ts", ENV_FILE];
if (values.post) args.push("--post", "src/post.ts");
const child = spawn("npx", args, {
  stdio: "inherit",
  env: { ...process.env, ...run.env, GITHUB_STEP_SUMMARY: run.summaryFile },
});
child.on("close", (code, signal) => {
  console.log(`Job summary: ${run.summaryFile}`);
  process.exitCode = code ?? (signal ? 1 : 0);
});
