import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { simulator } from "./support.js";

/** The README's command for running the committed bundle by hand, as a user types it. */
function localRun(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = spawn(process.execPath, ["scripts/local-run.js", ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stdout += chunk));
    child.on("close", (code) => resolve({ code, stdout }));
  });
}

describe("the local runner (node scripts/local-run.js)", () => {
  it("runs a mode and the post step as the runner does, and prints outputs and summaries", async () => {
    const sim = await simulator({ snapshotDurationMs: 300, restoreDurationMs: 300 });
    const { code, stdout } = await localRun(
      [
        `api-url=${sim.url}`,
        "server-id=12345",
        "rollback-on-failure=true",
        "poll-interval=0.3s",
        "--post",
        "failure",
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
  });

  it("after a job that succeeded, says the runner would not start the post step", async () => {
    const sim = await simulator({ snapshotDurationMs: 300 });
    const { stdout } = await localRun(
      [`api-url=${sim.url}`, `api-token=${sim.token}`, "server-id=12345", "--post", "success"],
      {},
    );
    expect(stdout).toMatch(/would not start the post step after a job that ended success/);
    expect(sim.restores).toHaveLength(0);
  });
});
