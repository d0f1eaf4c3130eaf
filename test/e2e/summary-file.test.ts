/**
 * A job summary file the runner cannot have written (GITHUB_STEP_SUMMARY): only the bundle writes
 * the runner's files. The odd API data of the same file is tested in-process
 * (test/modes/odd-fields.test.ts).
 */
import { describe, expect, it } from "vitest";
import { daysAgo } from "../support/fixtures.js";
import { run, simulator } from "./support.js";

describe("a job summary that cannot be written", () => {
  it("leaves what was deleted in the log, row by row", async () => {
    const sim = await simulator({
      snapshots: [
        { id: 901, serverId: 12345, name: "pre-deploy-new", createdAt: daysAgo(2) },
        { id: 902, serverId: 12345, name: "pre-deploy-old", createdAt: daysAgo(9) },
      ],
    });
    const result = await run(
      sim,
      { mode: "prune", "server-id": "12345", keep: "1" },
      { env: { GITHUB_STEP_SUMMARY: "/nonexistent-directory/summary.md" } },
    );
    expect(result.exitCode).toBe(0);
    expect(sim.deletions.map((d) => d.snapshotId)).toEqual([902]);
    expect(result.summary).toBe("");
    expect(result.stdout).toMatch(/::warning::Could not write the job summary \(.*summary\.md/);
    const lines = result.stdout.split("\n");
    expect(lines).toContain(
      "Server: web-server-01 (12345); Snapshot: 902; Name: pre-deploy-old; Status: completed; Age: 9d 00h; Result: deleted",
    );
    expect(lines).toContain(
      "Server: web-server-01 (12345); Snapshot: 901; Name: pre-deploy-new; Status: completed; Age: 2d 00h; Result: kept",
    );
  });
});
