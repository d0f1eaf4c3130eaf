// Split from create.test.ts so that vitest runs the two files side by side: a file's tests run
// one after another, and a few of these wait on real timeouts.
import { describe, expect, it } from "vitest";
import { requestTimeoutFor } from "../../../src/api/client/http-api.js";
import { failureOf, lastElapsed, run, simulator } from "../../support/in-process.js";

describe("create: the snapshot does not complete", () => {
  it("fails naming a terminal status other than completed, with the id still in the outputs", async () => {
    const sim = await simulator({ snapshotOutcome: "failed" });
    const result = await run(sim, { "server-id": "12345" });
    const id = sim.snapshotsOf(12345)[0]?.id;
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toBe(
      `Snapshot ${id} of server web-server-01 (12345) ended with status "failed" instead of completed.`,
    );
    expect(result.outputs["snapshot-id"]).toBe(String(id));
    expect(result.outputs["snapshot-status"]).toBe("failed");
  });

  it("fails at the deadline naming the snapshot and that it may still complete", async () => {
    const sim = await simulator({ snapshotDurationMs: 120_000 });
    const result = await run(sim, { "server-id": "12345", timeout: "2s", "poll-interval": "1s" });
    const id = sim.snapshotsOf(12345)[0]?.id;
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      new RegExp(
        `Snapshot ${id} of server web-server-01 \\(12345\\) is still in_progress after the 2s timeout\\. It may still complete`,
      ),
    );
    expect(result.outputs["snapshot-id"]).toBe(String(id));
    // One measure of time: the summary's is the one that the log's last progress line says.
    expect(result.summary).toMatch(new RegExp(`\\| ${lastElapsed(result)} \\|\n`));
    // The last check comes close to the deadline, and the step does not outlive it by much.
    const lastPoll = sim.requestsFor("list-snapshots").at(-1)?.at ?? 0;
    const firstRequest = sim.requests[0]?.at ?? 0;
    expect(lastPoll - firstRequest).toBeGreaterThan(1_000);
    expect(result.durationMs).toBeLessThan(8_000);
  });

  it("says one time per step: the summary's is the one that the log's last progress line says", async () => {
    // Real time: the slow checks take real time, which the step's one measure must count.
    const sim = await simulator({ snapshotDurationMs: 120_000 }, { clock: "real" });
    // Slow checks before the create: the snapshot's wait starts well after the step did.
    sim.addFault({ route: "get-server", fault: { type: "delay", ms: 700 } });
    const result = await run(sim, { "server-id": "12345", timeout: "2s", "poll-interval": "1s" });
    expect(result.exitCode).toBe(1);
    expect(lastElapsed(result)).toBe("2s");
    expect(result.summary).toMatch(/ \| in\\_progress \| {2}\| 2s \|\n/);
  });

  it("fails at once when the snapshot is deleted elsewhere during the wait", async () => {
    const sim = await simulator({ snapshotDurationMs: 120_000 });
    const running = run(sim, { "server-id": "12345", "poll-interval": "1s" });
    // Deleted as soon as it is made, before the step hears that it was.
    await sim.arrived("create-snapshot");
    sim.removeSnapshot(sim.creations[0] as number);
    const result = await running;
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /disappeared from the server's snapshots while it was being made/,
    );
    // At once: the first check that misses it, and the server's own list that confirms it.
    expect(result.durationMs).toBeLessThanOrEqual(1_000);
  });

  it("fails at once when the token is revoked during the wait", async () => {
    const sim = await simulator({ snapshotDurationMs: 120_000 });
    const running = run(sim, { "server-id": "12345", "poll-interval": "1s" });
    await sim.arrived("create-snapshot");
    sim.revokeToken();
    const result = await running;
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /The API refused the token \(HTTP 401.*\)\. Check the secret passed as api-token\./,
    );
    expect(result.outputs["snapshot-id"]).toBe(String(sim.creations[0]));
    expect(result.durationMs).toBeLessThanOrEqual(1_000);
  });
});

describe("create: the API refuses", () => {
  it("401: says the token was refused, once, and sends nothing after the checks", async () => {
    const sim = await simulator();
    const result = await run(sim, { "server-id": "12345", "api-token": "wrong-token-1234" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result).split("\n")).toEqual([
      "The API refused the token (HTTP 401: Invalid token.). Check the secret passed as api-token.",
      "Nothing was changed on any server: every server is checked before the first change.",
    ]);
    expect(sim.requests.map((r) => r.route).sort()).toEqual(["get-server", "list-snapshots"]);
  });

  it("404: says the server does not exist", async () => {
    const sim = await simulator();
    const result = await run(sim, { "server-id": "99999" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(/^Server 99999 does not exist.*HTTP 404.*Server not found\./);
    expect(sim.snapshots()).toHaveLength(0);
  });

  it("400 for another reason: gives the API's own words", async () => {
    const sim = await simulator();
    sim.addFault({
      route: "create-snapshot",
      fault: { type: "status", status: 400, body: '{"description": ["Too long."]}' },
    });
    const result = await run(sim, { "server-id": "12345" });
    expect(failureOf(result)).toBe(
      "The API refused to create a snapshot of server web-server-01 (12345) (HTTP 400 from POST /snapshots/: description: Too long.).",
    );
    expect(sim.requestsFor("create-snapshot")).toHaveLength(1);
  });
});

describe("create: transient faults", () => {
  it("rides out 503 with Retry-After, a reset and a non-JSON answer on the status checks", async () => {
    const sim = await simulator({ snapshotDurationMs: 1_500 });
    sim.addFault({
      route: "list-snapshots",
      skip: 1,
      fault: { type: "status", status: 503, retryAfter: "1" },
    });
    sim.addFault({ route: "list-snapshots", skip: 1, fault: { type: "reset" } });
    sim.addFault({ route: "list-snapshots", skip: 1, fault: { type: "non-json" } });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(0);
    expect(result.outputs["snapshot-status"]).toBe("completed");
    expect(sim.faultsInjected).toBe(3);
    expect(sim.snapshots()).toHaveLength(1);
  });

  it("gives up on a hung status check after its own timeout and checks again", async () => {
    // Real time: a hung request ends on its own real timeout.
    const sim = await simulator({ snapshotDurationMs: 1_000 }, { clock: "real" });
    sim.addFault({ route: "list-snapshots", skip: 1, fault: { type: "hang" } });
    const result = await run(sim, { "server-id": "12345", timeout: "20s" });
    expect(result.exitCode).toBe(0);
    expect(result.outputs["snapshot-status"]).toBe("completed");
    expect(result.stdout).toMatch(/No answer in time from GET \/snapshots\/\?server_id=12345/);
    // The next check follows the hung one after that request's own timeout, not the step's 20 s
    // deadline: the bound is 5 times the request's timeout, which a busy machine cannot reach.
    const lists = sim.requestsFor("list-snapshots").sort((a, b) => a.at - b.at);
    const hung = lists.findIndex((r) => r.status === "hang");
    const gap = (lists[hung + 1]?.at ?? Number.POSITIVE_INFINITY) - (lists[hung]?.at ?? 0);
    expect(gap).toBeLessThan(5 * requestTimeoutFor(20_000));
  });

  it("a create whose connection drops after the snapshot was made leaves exactly one snapshot", async () => {
    const sim = await simulator();
    sim.addFault({ route: "create-snapshot", fault: { type: "apply-then-reset" } });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(0);
    expect(sim.snapshotsOf(12345)).toHaveLength(1);
    expect(sim.requestsFor("create-snapshot")).toHaveLength(1);
    expect(result.outputs["snapshot-id"]).toBe(String(sim.snapshotsOf(12345)[0]?.id));
    expect(result.stdout).toMatch(/got no clear answer/);
  });

  it("a create answered 500 before anything was made is sent again, once", async () => {
    const sim = await simulator();
    sim.addFault({ route: "create-snapshot", fault: { type: "status", status: 500 } });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(0);
    expect(sim.requestsFor("create-snapshot")).toHaveLength(2);
    expect(sim.snapshotsOf(12345)).toHaveLength(1);
  });
});
