/**
 * Whole jobs through the local runner, and the demo: split from local-run.test.ts, whose tests
 * run one after another, so that the two halves run side by side.
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { localRun, runScript, summaryDirs } from "./scripts.js";
import { simulator } from "./support.js";

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
