/**
 * `npm run drill`, as a user runs it: the bundle esbuild makes of the drill, its table, the job
 * summary, and its exit status.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSimulator } from "../../simulator/server.js";
import { closedAfterTest } from "../support/runs.js";

// Not support.ts's: this file runs the drill's bundle, and need not load the drill itself.
const fixture = (name: string) => path.join("test", "drill", "fixtures", name);

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function runDrill(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [path.resolve("scripts/drill.js"), ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run drill", () => {
  it("on the old background recipe: the table, the same table in the job summary, exit 1 for its ✗", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "drill-summary-"));
    dirs.push(dir);
    const summary = path.join(dir, "summary.md");
    const file = fixture("old-background-recipe.yml");
    const { code, stdout, stderr } = await runDrill([file], { GITHUB_STEP_SUMMARY: summary });
    expect(stderr).toBe("");
    expect(code).toBe(1);
    expect(stdout).toContain(
      `Rollback drill of ${file}, job "deploy", deploy step "Run ./deploy.sh": 5 scenario(s), step semantics of actions/runner v2.335.0`,
    );
    expect(stdout).toContain("| scenario | failed step | job | restored | verdict |");
    expect(stdout).toMatch(
      /^\| Run npm ci && npm run build && npm test fails \| .* \| failure \| web-server-01 \(12345\) → snapshot \d+, web-server-02 \(12346\) → snapshot \d+ \| ✗ Run npm ci && npm run build && npm test failed before the deploy, and servers web-server-01 \(12345\), web-server-02 \(12346\) were restored: writes since \d\d:\d\d UTC would be lost \|$/m,
    );
    const table = stdout.slice(stdout.indexOf("| scenario"));
    expect(await readFile(summary, "utf8")).toBe(
      `### Rollback drill: ${file}, job deploy\n\n${table.trimEnd()}\n\n`,
    );
  });

  it("exit 0 when no verdict is ✗, the given API's token never shown; exit 2, with the parser's words, for a file it cannot drill", async () => {
    const sim = closedAfterTest(
      await startSimulator({ snapshotDurationMs: 300, restoreDurationMs: 300 }),
    );
    const api = ["--api-url", sim.url, "--api-token", sim.token];
    const good = await runDrill([fixture("deploy-timeout.yml"), ...api]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(`against ${sim.url}.`);
    expect(good.stdout).toContain("✓ restored: the deploy timed out");
    expect(`${good.stdout}${good.stderr}`).not.toContain(sim.token);
    expect(sim.restores).toHaveLength(1);
    const bad = await runDrill([fixture("syntax-error.yml")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("(Line: 9, Col: 9): Unexpected value 'timeout-minute'");
    const help = await runDrill(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run drill -- <workflow.yml> \[options\]/);
  });
});
