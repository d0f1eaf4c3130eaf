/**
 * A restore with health-url on the bundle, and a rollback whose outcome a later job reads from
 * the runner's GITHUB_ENV file. The rest of the health check is tested in-process
 * (test/modes/health.test.ts).
 */
import { describe, expect, it } from "vitest";
import { expectNoToken } from "../support/health-service.js";
import { deployThatFails, json, run, service, simulator } from "./support.js";
import { outcomeOf } from "../support/runs.js";

const RESTORE = { mode: "restore", "snapshot-id": "801" };
const SEEDED = {
  restoreDurationMs: 800,
  snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-a" }],
};

describe("health-url after a restore", () => {
  it("waits through three 503s for the 2xx, says how long it took, never sends the token", async () => {
    const sim = await simulator(SEEDED);
    const app = await service((_, count) =>
      count <= 3 ? { status: 503, body: "warming up" } : { status: 200, body: "ok" },
    );
    const result = await run(sim, { ...RESTORE, "health-url": `${app.url}/healthz` });
    expect(result.exitCode).toBe(0);
    expect(app.requests.map((r) => r.url)).toEqual(Array(4).fill("/healthz"));
    // Only once the restore had ended (the simulator's restores take 800 ms here).
    const restoreStarted = sim.restores[0]?.at ?? Number.POSITIVE_INFINITY;
    expect(app.requests[0]?.at).toBeGreaterThanOrEqual(restoreStarted + 800);
    expect(result.stdout).toMatch(
      /Server web-server-01 \(12345\): .*\/healthz is not healthy yet: HTTP 503: warming up/,
    );
    expect(result.stdout).toMatch(
      /Server web-server-01 \(12345\): .*\/healthz answered HTTP 200: ok/,
    );
    expect(result.summary).toMatch(/\| Health \|/);
    expect(result.summary).toMatch(
      /\| web-server-01 \(12345\) \| 801 \| .* \| active \| \d+s \| healthy after \d+s \|/,
    );
    expectNoToken(app.requests, sim.token);
  });
});

/** A snapshot step with rollback (and the health-url its rollback checks), then a failed job. */
const failedDeploy = async (extra: Record<string, string>, confirm = false) =>
  deployThatFails(await simulator({ restoreDurationMs: 600 }), extra, confirm);

describe("the rollback's outcome, for later jobs (GITHUB_ENV)", () => {
  it("rolled-back: each server restored, its service healthy", async () => {
    const app = await service(() => ({ status: 200 }));
    const { sim, main, post } = await failedDeploy({ "health-url": `${app.url}/{id}` });
    const made = json<Record<string, number>>(main.outputs["snapshot-ids"]);
    expect(post.exitCode).toBe(0);
    expect(outcomeOf(post)).toEqual({
      outcome: "rolled-back",
      restored: [
        { server: 12345, snapshot: made["12345"], health: "healthy" },
        { server: 12346, snapshot: made["12346"], health: "healthy" },
      ],
    });
    expect(post.summary).toMatch(/healthy after \d+s/);
    expect(app.requests.map((r) => r.url).sort()).toEqual(["/12345", "/12346"]);
    expectNoToken(app.requests, sim.token);
  });
});
