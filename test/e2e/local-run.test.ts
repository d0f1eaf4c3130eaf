import { spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { simulator } from "./support.js";

const summaryDirs: string[] = [];
afterEach(async () => {
  await Promise.all(summaryDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** One of the scripts a person runs by hand, with their arguments and environment. */
async function runScript(
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
const localRun = (args: string[], env: Record<string, string> = {}) =>
  runScript("scripts/local-run.js", args, env);

describe("the local runner (node scripts/local-run.js)", () => {
  it("runs a mode and the post step as the runner does, and prints outputs and summaries", async () => {
    const sim = await simulator({ restoreDurationMs: 300 });
    const { code, stdout, summaryFile } = await localRun(
      [
        `api-url=${sim.url}`,
        "server-id=12345",
        "rollback-on-failure=true",
        "poll-interval=0.3s",
        "--post",
        "failure",
        "--keep",
      ],
      // The token from the environment, as a user keeps a real one out of the shell's history.
      { "INPUT_API-TOKEN": sim.token },
    );
    expect(code).toBe(0);
    const made = sim.creations[0];
    expect(stdout).toMatch(/--- main step: exit code 0/);
    expect(stdout).toContain(`  snapshot-id = ${made}`);
    expect(stdout).toMatch(/### VPS snapshots/);
    expect(stdout).toMatch(/--- post step: exit code 0/);
    expect(stdout).toContain("Restored 1 of 1 server");
    expect(sim.restores.map((r) => r.snapshotId)).toEqual([made]);
    // The job summary, both steps' one after the other, in the file the first line named.
    const summary = await readFile(summaryFile, "utf8");
    expect(summary).toMatch(/### VPS snapshots[^]*### VPS rollback/);
  });

  it("after a job that succeeded, says the runner would not start the post step", async () => {
    const sim = await simulator();
    const { stdout } = await localRun([
      `api-url=${sim.url}`,
      `api-token=${sim.token}`,
      "server-id=12345",
      "--post",
      "success",
    ]);
    expect(stdout).toMatch(
      /post step: the runner would not start it after a job that ended success/,
    );
    expect(sim.restores).toHaveLength(0);
  });

  it("each invocation is a run of its own: twice against one simulator makes two snapshots", async () => {
    const sim = await simulator();
    const args = [`api-url=${sim.url}`, `api-token=${sim.token}`, "server-id=12345", "--keep"];
    const first = await localRun(args);
    const second = await localRun(args);
    expect([first.code, second.code]).toEqual([0, 0]);
    // Its first line says that the run is made up, and names the summary's file.
    for (const { stdout, summaryFile } of [first, second]) {
      expect(stdout.split("\n")[0]).toMatch(
        /^Local run \d+, attempt 1: the run context \(repository, commit, run\) is made up, not a GitHub Actions run's\. Job summary: \S+summary\.md$/,
      );
      expect(await readFile(summaryFile, "utf8")).toMatch(/^### VPS snapshots$/m);
    }
    const names = sim.snapshotsOf(12345).map((s) => s.name);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    expect(first.summaryFile).not.toBe(second.summaryFile);
  });

  it("shows the runner's commands as a person reads them: line breaks, groups, no mask", async () => {
    const sim = await simulator();
    const bad = await localRun([
      `api-url=${sim.url}`,
      `api-token=${sim.token}`,
      "server-id=12345",
      "max-servers=x",
      "wait=y",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).not.toMatch(/%0A|^::/m);
    expect(bad.stdout).toContain(
      [
        "Error: The step's inputs are not valid:",
        '       - max-servers "x" is not a whole number of 1 or more',
        '       - wait "y" is not true or false',
      ].join("\n"),
    );
    const args = [`api-url=${sim.url}`, `api-token=${sim.token}`, "server-id=12345"];
    const made = await localRun(args);
    expect(made.stdout).not.toMatch(/%0A|^::|Debug: /m);
    expect(made.stdout).not.toContain(sim.token);
    expect(made.stdout).toMatch(
      /^Checking 1 server\(s\) before any change\n {2}Server web-server-01 \(12345\): active, 0 snapshot\(s\)\.$/m,
    );
    // Step debug shows the requests, as on GitHub.
    const debug = await localRun(args, { ACTIONS_STEP_DEBUG: "true" });
    expect(debug.stdout).toMatch(/^ *Debug: GET \/servers\/12345\/ -> HTTP 200$/m);
  });
});

describe("the local-action setup (npm run local-action)", () => {
  /**
   * A folder with a `.env` and, first on PATH, an `npx` that stands in for @github/local-action:
   * it prints what it was asked to run and the run's context it was given.
   */
  async function localActionFolder(envFile: string) {
    const dir = await mkdtemp(path.join(tmpdir(), "local-action-test-"));
    summaryDirs.push(dir);
    await writeFile(path.join(dir, ".env"), envFile);
    const npx = path.join(dir, "npx");
    await writeFile(
      npx,
      `#!/bin/sh\necho "npx $*"\necho "run $GITHUB_RUN_ID attempt $GITHUB_RUN_ATTEMPT summary $GITHUB_STEP_SUMMARY"\n`,
    );
    await chmod(npx, 0o755);
    return { dir, env: { PATH: `${dir}:${process.env.PATH}` } };
  }

  it(".env.example leaves the run's id, attempt and summary file to each run", async () => {
    const example = await readFile(".env.example", "utf8");
    expect(example).not.toMatch(/^\s*GITHUB_(RUN_ID|RUN_ATTEMPT|STEP_SUMMARY)\s*=/m);
  });

  it("each run: a fresh run id, attempt 1, a new summary file it names, first saying all is made up", async () => {
    const { dir, env } = await localActionFolder(await readFile(".env.example", "utf8"));
    const first = await runScript("scripts/local-action.js", [], env, dir);
    const second = await runScript("scripts/local-action.js", ["--post"], env, dir);
    const runs = [first, second].map(({ code, stdout, summaryFile }) => {
      expect(code).toBe(0);
      const [headline, ...rest] = stdout.split("\n");
      expect(headline).toMatch(/^Local run (\d+), attempt 1: the run context .* is made up/);
      const runId = /^Local run (\d+)/.exec(headline ?? "")?.[1];
      expect(rest).toContain(`run ${runId} attempt 1 summary ${summaryFile}`);
      return { runId, summaryFile };
    });
    expect(runs[0]?.runId).not.toBe(runs[1]?.runId);
    expect(runs[0]?.summaryFile).not.toBe(runs[1]?.summaryFile);
    expect(first.stdout).toContain("npx -y @github/local-action@7.0.1 run . src/main.ts .env\n");
    expect(second.stdout).toContain(
      "npx -y @github/local-action@7.0.1 run . src/main.ts .env --post src/post.ts",
    );
    expect(await readFile(first.summaryFile, "utf8")).toBe("");
  });

  it("names the lines of an old .env that would fix the run's id, which local-action lets win", async () => {
    const { dir, env } = await localActionFolder("GITHUB_RUN_ID=1\nGITHUB_RUN_ATTEMPT=1\n");
    const { stdout } = await runScript("scripts/local-action.js", [], env, dir);
    expect(stdout).toContain(
      "Warning: .env sets GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, which local-action lets win over this run's: delete those lines (see .env.example).",
    );
  });
});

describe("the demo (npm run demo)", () => {
  it("shows a person the log as the run's page does: no workflow command, no mask", async () => {
    const { code, stdout } = await runScript("scripts/demo.js", []);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}Waiting for 1 snapshot to complete$/m);
    expect(stdout).toMatch(/The step succeeded in [\d.]+ s: snapshot \d+ is completed\./);
    for (const line of stdout.split("\n")) expect(line.trimStart()).not.toMatch(/^::|##\[/);
  });
});

describe("the local runner: a whole job", () => {
  const job = (sim: { url: string; token: string }, ...rest: string[]) =>
    localRun([`api-url=${sim.url}`, `api-token=${sim.token}`, "poll-interval=0.3s", ...rest]);

  it("create, then confirm, then the job fails: the post steps run in reverse and restore nothing", async () => {
    const sim = await simulator({ restoreDurationMs: 300 });
    const { code, stdout } = await job(
      sim,
      "server-id=12345",
      "rollback-on-failure=true",
      "--step",
      "mode=confirm",
      "--job-status",
      "failure",
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/--- step 1: exit code 0[^]*--- step 2: exit code 0/);
    expect(stdout).toMatch(/The job ended: failure[^]*post step of step 2[^]*post step of step 1/);
    expect(stdout).toContain("Nothing was rolled back: the deploy was confirmed");
    expect(stdout).toContain("  VPS_SNAPSHOT_ROLLBACK = not-needed");
    expect(sim.restores).toEqual([]);
  });

  it("create, then the job fails: the post step restores what the step made, and says the outcome", async () => {
    const sim = await simulator({ restoreDurationMs: 300 });
    const { code, stdout } = await job(
      sim,
      "server-id=12345",
      "rollback-on-failure=true",
      "--job-status",
      "failure",
    );
    expect(code).toBe(0);
    const made = sim.creations[0];
    expect(sim.restores.map((r) => r.snapshotId)).toEqual([made]);
    expect(stdout).toContain("  VPS_SNAPSHOT_ROLLBACK = rolled-back");
    expect(stdout).toContain(
      `  VPS_SNAPSHOT_ROLLBACK_RESTORED = [{"server":12345,"snapshot":${made},"health":"not checked"}]`,
    );
  });

  it("two snapshot steps with rollback, then the job fails: the later step's servers go back first", async () => {
    const sim = await simulator({ restoreDurationMs: 300 });
    const dir = await mkdtemp(path.join(tmpdir(), "vps-steps-"));
    summaryDirs.push(dir);
    const file = path.join(dir, "steps.yml");
    await writeFile(
      file,
      "- server-id: 12345\n  rollback-on-failure: true\n" +
        "- server-id: 12346\n  rollback-on-failure: true\n",
    );
    const { code } = await job(sim, "--steps", file, "--job-status", "failure");
    expect(code).toBe(0);
    expect(sim.restores.map((r) => r.serverId)).toEqual([12346, 12345]);
  });

  it("takes the job's steps from a YAML file, and skips the steps after one that failed", async () => {
    const sim = await simulator();
    const dir = await mkdtemp(path.join(tmpdir(), "vps-steps-"));
    summaryDirs.push(dir);
    const file = path.join(dir, "steps.yml");
    await writeFile(
      file,
      "- mode: list\n  server-id: 12345\n- with:\n    mode: list\n    server-id: not-a-number\n- mode: list\n  server-id: 12346\n",
    );
    const { code, stdout } = await job(sim, "--steps", file);
    expect(code).toBe(1);
    expect(stdout).toMatch(/--- step 1: exit code 0[^]*--- step 2: exit code 1/);
    expect(stdout).toContain("--- step 3: skipped, as the runner skips a step after a failed one");
    expect(sim.requestsFor("list-snapshots").map((r) => r.query.server_id)).not.toContain("12346");
  });

  it("warns of an input action.yml does not declare, in the runner's words", async () => {
    const sim = await simulator();
    const { stdout } = await job(sim, "mode=list", "server-id=12345", "serverid=1");
    expect(stdout).toMatch(
      /^Warning: Unexpected input\(s\) 'serverid', valid inputs are \['api-token', 'api-url', 'mode', 'server-id', /m,
    );
  });

  it("removes the run's folder at the end unless --keep", async () => {
    const sim = await simulator();
    const gone = await job(sim, "mode=list", "server-id=12345");
    await expect(readFile(gone.summaryFile, "utf8")).rejects.toThrow(/ENOENT/);
    const kept = await job(sim, "mode=list", "server-id=12345", "--keep");
    expect(await readFile(kept.summaryFile, "utf8")).toMatch(/### VPS snapshots/);
    expect(kept.stdout).toContain(`Kept the run's folder: ${path.dirname(kept.summaryFile)}`);
  });

  it("--help prints the usage of the local runner and of the simulator", async () => {
    const runner = await localRun(["--help"]);
    expect(runner.code).toBe(0);
    expect(runner.stdout).toMatch(/^Usage: npm run action -- \[options\] name=value/);
    expect(runner.stdout).toContain("--job-status STATUS");
    const sim = await runScript("simulator/cli.js", ["--help"]);
    expect(sim.code).toBe(0);
    expect(sim.stdout).toMatch(/^Usage: node simulator\/cli\.js \[options\]/);
    expect(sim.stdout).toContain("--snapshot-seconds S");
  });
});
