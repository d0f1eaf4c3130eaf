import { describe, expect, it } from "vitest";
import { seeded, STEP } from "./fault-cases.js";
import { failureOf, json, run, simulator } from "../../support/in-process.js";

describe("fault suite: faults that do not pass fail clearly, within the deadline, without a storm", () => {
  it("status checks that always fail end at the deadline, saying why", async () => {
    const sim = await simulator({ snapshotDurationMs: 600 });
    sim.addFault({
      route: "list-snapshots",
      skip: 1,
      times: Number.POSITIVE_INFINITY,
      fault: { type: "status", status: 502 },
    });
    const result = await run(sim, { "server-id": "12345", timeout: "6s", "poll-interval": "1s" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /is still in_progress after the 6s timeout.*The last status check failed: HTTP 502/,
    );
    expect(result.outputs["snapshot-id"]).toBe(String(sim.creations[0]));
    expect(result.durationMs).toBeLessThan(9_000);
    expect(sim.requests.length).toBeLessThanOrEqual(30);
  });

  it("a 429 whose Retry-After ends past the deadline fails at once instead of waiting", async () => {
    const sim = await simulator();
    sim.addFault({
      route: "list-snapshots",
      fault: { type: "status", status: 429, retryAfter: "3600" },
    });
    const result = await run(sim, { "server-id": "12345", timeout: "30s" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(/HTTP 429/);
    expect(result.durationMs).toBeLessThan(5_000);
  });
});

describe("surprises during a restore's wait", () => {
  it("the server vanishes (404): fails at once, saying so", async () => {
    const sim = await simulator({ ...seeded, restoreDurationMs: 60_000 });
    const running = run(sim, { mode: "restore", "snapshot-id": "801", ...STEP });
    // The server goes as soon as its restore is accepted: every check after it meets the 404.
    await sim.arrived("restore-snapshot");
    const checksBefore = sim.arrivalsOf("get-server");
    sim.removeServer(12345);
    const result = await running;
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /Server web-server-01 \(12345\) disappeared \(HTTP 404\) while it was being restored to snapshot 801/,
    );
    // At once: the first status check after the restore is the last.
    expect(sim.arrivalsOf("get-server") - checksBefore).toBe(1);
    expect(result.durationMs).toBeLessThanOrEqual(1_000);
  });
});

describe("Retry-After past the deadline", () => {
  it("fails at once, saying what the API asked and what the timeout leaves", async () => {
    const sim = await simulator({ snapshotDurationMs: 5_000 });
    sim.addFault({
      route: "list-snapshots",
      skip: 1,
      times: 100,
      fault: { type: "status", status: 429, retryAfter: 3600 },
    });
    const result = await run(sim, { "server-id": "12345", timeout: "20s" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /The API asked to wait 1h 00m before trying again, and the timeout leaves \d+s, so it is not tried again/,
    );
    expect(failureOf(result)).not.toMatch(/Raise timeout/);
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it("on a fleet, fails only the throttled server; the others complete, unpaused", async () => {
    const sim = await simulator({ snapshotDurationMs: 1_500 });
    sim.addFault({
      route: "create-snapshot",
      serverId: 12346,
      fault: { type: "status", status: 429, retryAfter: 3600 },
    });
    const result = await run(sim, { "server-id": "12345 12346 12347", timeout: "20s" });
    expect(result.exitCode).toBe(1);
    const failure = failureOf(result);
    expect(failure).toMatch(/server web-server-02 \(12346\).*asked to wait 1h 00m/);
    expect(failure).not.toMatch(/12345|12347/);
    expect(Object.keys(json<Record<string, number>>(result.outputs["snapshot-ids"]))).toEqual([
      "12345",
      "12347",
    ]);
    expect(result.summary).toMatch(/\| web-server-01 \(12345\) \| \d+ \| .* \| completed \|/);
    expect(result.summary).toMatch(/\| db-server-01 \(12347\) \| \d+ \| .* \| completed \|/);
    expect(result.durationMs).toBeLessThan(12_000);
  });
});
