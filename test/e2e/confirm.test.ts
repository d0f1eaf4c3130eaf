/**
 * A confirm step between a snapshot step and its post step, each a process of its own: the confirm
 * step disarms the rollback through the runner's GITHUB_ENV file. The rest of mode confirm is
 * tested in-process (test/modes/confirm.test.ts).
 */
import { describe, expect, it } from "vitest";
import { failureOf, json, run, runJob, simulator } from "./support.js";

const SNAPSHOT_STEP = { "server-id": "12346 12345", "rollback-on-failure": "true" };
const CONFIRM_STEP = { mode: "confirm", "api-token": "" };

describe("mode confirm: the deploy is good from here on", () => {
  it("a failure after the confirm step restores nothing, and says why and how to restore by hand", async () => {
    const sim = await simulator();
    const { mains, posts } = await runJob(sim, [SNAPSHOT_STEP, CONFIRM_STEP], "failure");
    const [snapshot, confirm] = mains;
    const ids = json<Record<string, number>>(snapshot?.outputs["snapshot-ids"]);
    expect(snapshot?.exitCode).toBe(0);
    expect(confirm?.exitCode).toBe(0);
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(0);
    expect(sim.restores).toHaveLength(0);
    const said =
      "Nothing was rolled back: the deploy was confirmed by a step with mode: confirm after " +
      "this step, so the job failed after the deploy was known to be good. To restore by hand " +
      `anyway, run this action with mode: restore and snapshot-id: ${JSON.stringify(ids)}`;
    expect(posts[0]?.exitCode).toBe(0);
    expect(posts[0]?.stdout).toContain(said);
    expect(posts[0]?.summary).toContain("the deploy was confirmed by a step with mode: confirm");
    // The confirm step's summary names what it disarmed: each server, by name as the arming step
    // knew it (the confirm step sends no request), with its own snapshot.
    const names: Record<string, string> = { 12345: "web-server-01", 12346: "web-server-02" };
    for (const [server, snapshotId] of Object.entries(ids)) {
      expect(confirm?.summary).toContain(
        `| ${names[server]} (${server}) | ${snapshotId} | mode: create |`,
      );
    }
    expect(confirm?.summary).toContain("Disarmed 2 rollback(s)");
  });

  it("a confirm step that cannot write GITHUB_ENV fails saying the confirmation is not recorded, and writes its summary", async () => {
    const sim = await simulator();
    const result = await run(sim, CONFIRM_STEP, {
      env: { GITHUB_ENV: "/nonexistent/vps-snapshot-action/set_env" },
    });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /^The confirmation could not be written to the job's environment \(GITHUB_ENV: .*\), so it is not recorded: if the job fails from here on, the post steps of earlier steps of this action will still restore their servers\.$/,
    );
    expect(result.summary).toMatch(/^### VPS deploy not confirmed$/m);
    expect(result.summary).toContain("so it is not recorded");
    expect(sim.requests).toEqual([]);
  });
});
