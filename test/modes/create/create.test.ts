import { describe, expect, it } from "vitest";
import {
  everythingVisible,
  failureOf,
  run,
  SNAPSHOT_NAME,
  simulator,
} from "../../support/in-process.js";

describe("create: success", () => {
  it("checks the server and lists its snapshots, creates once, then polls the server's own list", async () => {
    const sim = await simulator();
    await run(sim, { "server-id": "12345" });
    const calls = sim.requests.map((r) =>
      `${r.method} ${r.path} ${r.query.server_id ?? ""}`.trim(),
    );
    expect(calls.slice(0, 2).sort()).toEqual([
      "GET /api/v1/servers/12345/",
      "GET /api/v1/snapshots/ 12345",
    ]);
    expect(calls[2]).toBe("POST /api/v1/snapshots/");
    expect(calls.slice(3).every((c) => c === "GET /api/v1/snapshots/ 12345")).toBe(true);
    expect(sim.requestsFor("create-snapshot")[0]?.body).toMatchObject({
      server_id: 12345,
      name: SNAPSHOT_NAME,
    });
    for (const request of sim.requests) expect(request.authorization).toBe(`Bearer ${sim.token}`);
  });

  it("logs each check with the status and elapsed time, in groups", async () => {
    const sim = await simulator({ snapshotDurationMs: 1_500 });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.stdout).toMatch(/::group::Creating snapshot pre-deploy-/);
    expect(result.stdout).toMatch(/::group::Waiting for 1 snapshot to complete/);
    expect(result.stdout).toMatch(
      /Snapshot \d+ of server web-server-01 \(12345\): in_progress \(\d+s elapsed\)/,
    );
    expect(result.stdout).toMatch(
      /Snapshot \d+ of server web-server-01 \(12345\): completed \(\d+s elapsed\)/,
    );
  });

  it("writes a job summary table", async () => {
    const sim = await simulator();
    const result = await run(sim, { "server-id": "12345", name: "release_42" });
    const id = sim.snapshotsOf(12345)[0]?.id;
    expect(result.summary).toContain("| Server | Snapshot | Name | Status | Size | Took |");
    expect(result.summary).toMatch(
      new RegExp(
        `\\| web-server-01 \\(12345\\) \\| ${id} \\| release\\\\_42 \\| completed \\| \\d+ MB \\| \\d+s \\|`,
      ),
    );
  });

  it("uses the name and description given", async () => {
    const sim = await simulator();
    const result = await run(sim, {
      "server-id": "12346",
      name: "before-db-migration",
      description: "Ticket OPS-7 | <b>",
    });
    expect(result.exitCode).toBe(0);
    expect(sim.snapshotsOf(12346)[0]).toMatchObject({
      name: "before-db-migration",
      description: "Ticket OPS-7 | <b>",
    });
    expect(result.stdout).toMatch(/does not start with name-prefix "pre-deploy-"/);
  });
});

describe("create: wait false", () => {
  it("sets the outputs from the accepted answer and does not poll", async () => {
    const sim = await simulator({ snapshotDurationMs: 30_000 });
    const result = await run(sim, { "server-id": "12345", wait: "false" });
    expect(result.exitCode).toBe(0);
    expect(result.outputs["snapshot-status"]).toBe("in_progress");
    expect(result.outputs["snapshot-size-mb"]).toBe("");
    expect(result.outputs["snapshot-id"]).toBe(String(sim.snapshotsOf(12345)[0]?.id));
    expect(sim.requests.map((r) => r.route).sort()).toEqual([
      "create-snapshot",
      "get-server",
      "list-snapshots",
    ]);
    expect(result.summary).toMatch(/Not waited for/);
  });
});

describe("create: bad inputs fail before any request", () => {
  it.each([
    [{ "server-id": "abc" }, 'server-id "abc" is not a positive integer'],
    [{ "server-id": "" }, "server-id or server-name is required in mode create"],
    [{ "api-token": "" }, "api-token is required"],
    [
      { name: "has space" },
      'name "has space" may contain only letters, digits, hyphens and underscores',
    ],
    [{ mode: "snapshot" }, 'mode "snapshot" is not one of'],
    [{ timeout: "forever" }, 'timeout "forever" is not a positive duration'],
    [{ "poll-interval": "0" }, 'poll-interval "0" is not a positive duration'],
    [{ wait: "sometimes" }, 'wait "sometimes" is not true or false'],
    [
      { "api-url": "http://admin.vps.org/api/v1" },
      'api-url "http://admin.vps.org/api/v1" must use https://',
    ],
  ])("%o", async (bad, message) => {
    const sim = await simulator();
    const result = await run(sim, { "server-id": "12345", ...bad });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toContain(message);
    // The run's page shows it too: its summary names the input.
    expect(result.summary).toContain(`- :x: ${message}`);
    expect(sim.requests).toHaveLength(0);
  });

  it("names every bad input in one message", async () => {
    const sim = await simulator();
    const result = await run(sim, { "server-id": "1,x", timeout: "soon", wait: "nah" });
    const failure = failureOf(result);
    expect(failure).toMatch(/^The step's inputs are not valid:/);
    for (const input of ['server-id "x"', 'timeout "soon"', 'wait "nah"']) {
      expect(failure).toContain(input);
      expect(result.summary).toContain(`- :x: ${input}`);
    }
    expect(result.summary).toMatch(/^### VPS snapshot: the step's inputs are not valid\n/);
    expect(result.summary).toContain(
      "- Nothing was sent to the API: fix the inputs above and run again.",
    );
    expect(sim.requests).toHaveLength(0);
  });
});

describe("create: credentials in api-url", () => {
  it.each([
    "https://deploy:s3cr3t-pa55@admin.vps.org/api/v1",
    "http://deploy:s3cr3t-pa55@example.com/api/v1",
    "https://deploy:s3cr3t-pa55@/nohost",
  ])("%s is refused before any request, and the password is never echoed", async (url) => {
    const sim = await simulator();
    const result = await run(sim, { "server-id": "12345", "api-url": url });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(/api-url must not contain credentials/);
    expect(`${result.stdout}${result.summary}`).not.toContain("s3cr3t-pa55");
    expect(sim.requests).toHaveLength(0);
  });
});

describe("create: the token", () => {
  it("is masked first and never appears anywhere, even when the API echoes it back", async () => {
    const sim = await simulator({ echoTokenInErrors: true, snapshotOutcome: "failed" });
    sim.addFault({
      route: "list-snapshots",
      skip: 1,
      fault: { type: "status", status: 503, body: `{"detail": "down, token ${sim.token}"}` },
    });
    const runs = [
      await run(sim, { "server-id": "12345" }),
      await run(sim, { "server-id": "99999" }),
      await run(sim, { "server-id": "12345", name: "x y" }),
    ];
    for (const result of runs) {
      expect(result.stdout.split("\n")[0]).toBe(`::add-mask::${sim.token}`);
      expect(everythingVisible(result)).not.toContain(sim.token);
    }
    expect(failureOf(runs[1] as (typeof runs)[number])).toContain("***");
  });
});
