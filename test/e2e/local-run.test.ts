import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { localRun, runScript, summaryDirs } from "./scripts.js";
import { simulator } from "./support.js";

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
