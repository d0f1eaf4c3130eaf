/**
 * The scripts a person runs by hand (the local runner, the demo, the local-action setup), spawned
 * as a person starts them; the job summaries they leave are removed after each test.
 */
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterEach } from "vitest";

export const summaryDirs: string[] = [];
afterEach(async () => {
  await Promise.all(summaryDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** One of the scripts a person runs by hand, with their arguments and environment. */
export async function runScript(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  cwd = process.cwd(),
) {
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = spawn(process.execPath, [path.resolve(script), ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (out += chunk));
    child.on("close", (exit) => resolve({ code: exit, stdout: out }));
  });
  const summaryFile = /Job summary: (\S+)$/m.exec(stdout)?.[1] ?? "";
  if (summaryFile) summaryDirs.push(path.dirname(summaryFile));
  return { code, stdout, summaryFile };
}

/** The README's command for running the committed bundle by hand, as a user types it. */
export const localRun = (args: string[], env: Record<string, string> = {}) =>
  runScript("scripts/local-run.js", args, env);
