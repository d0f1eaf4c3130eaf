/**
 * health-url, in-process: the check after a restore and in the rollback post step. (The bundle's
 * tests run a restore with health-url, and a rollback's outcome read back from GITHUB_ENV.)
 */
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../../scripts/run-action.js";
import { expectNoToken } from "../../support/health-service.js";
import {
  deployThatFails,
  runJob,
  failureOf,
  json,
  run,
  service,
  simulator,
} from "../../support/in-process.js";
import { outcomeOf } from "../../support/runs.js";

const RESTORE = { mode: "restore", "snapshot-id": "801" };
const SEEDED = {
  restoreDurationMs: 800,
  snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-a" }],
};

describe("health-url after a restore", () => {
  it("a service that never answers 2xx fails the step within health-timeout, naming the URL and the last answer", async () => {
    const sim = await simulator(SEEDED);
    const app = await service(() => ({ status: 502, body: "Bad Gateway" }));
    const url = `${app.url}/healthz`;
    const result = await run(sim, { ...RESTORE, "health-url": url, "health-timeout": "3s" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toBe(
      `Server web-server-01 (12345) was restored to snapshot 801, but ${url} did not answer 2xx within 3s ` +
        "(last: HTTP 502: Bad Gateway).",
    );
    expect(result.outputs["server-status"]).toBe("active");
    expect(result.durationMs).toBeLessThan(15_000);
    expect(result.summary).toMatch(/no 2xx within 3s \(last: HTTP 502: Bad Gateway\)/);
  });

  it("fills the placeholders for each server of a fleet, URL-encoded", async () => {
    const sim = await simulator({
      restoreDurationMs: 600,
      servers: [
        {
          id: 12345,
          name: "web-server-01",
          hostname: "web01.example.com",
          ipAddress: "203.0.113.10",
        },
        {
          id: 12346,
          name: "web server/02",
          hostname: "web02.example.com",
          ipAddress: "203.0.113.11",
        },
        {
          id: 12347,
          name: "db-server-01",
          hostname: "db01.example.com",
          ipAddress: "203.0.113.12",
        },
      ],
      snapshots: [
        { id: 801, serverId: 12345, name: "pre-deploy-a" },
        { id: 802, serverId: 12346, name: "pre-deploy-a" },
        { id: 803, serverId: 12347, name: "pre-deploy-a" },
      ],
    });
    const app = await service(() => ({ status: 204 }));
    const result = await run(sim, {
      mode: "restore",
      "snapshot-id": '{"12347":803,"12345":801,"12346":802}',
      "health-url": `${app.url}/{id}/{name}?host={hostname}&ip={ip}`,
    });
    expect(result.exitCode).toBe(0);
    expect(app.requests.map((r) => r.url).sort()).toEqual([
      "/12345/web-server-01?host=web01.example.com&ip=203.0.113.10",
      "/12346/web%20server%2F02?host=web02.example.com&ip=203.0.113.11",
      "/12347/db-server-01?host=db01.example.com&ip=203.0.113.12",
    ]);
    expectNoToken(app.requests, sim.token);
  });

  it("follows a redirect on the same origin, never one to another origin", async () => {
    const sim = await simulator(SEEDED);
    const elsewhere = await service(() => ({ status: 200 }));
    const app = await service((request) =>
      request.url === "/moved"
        ? { status: 302, headers: { location: "/healthz" } }
        : { status: 302, headers: { location: `${elsewhere.url}/healthz` } },
    );
    const result = await run(sim, {
      ...RESTORE,
      "health-url": `${app.url}/moved`,
      "health-timeout": "2s",
    });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /last: HTTP 302 to another origin \(http:\/\/127\.0\.0\.1:\d+\), not followed/,
    );
    expect(app.requests.map((r) => r.url)).toContain("/healthz");
    expect(elsewhere.requests).toEqual([]);
  });

  it("a server name that would change the URL's path is refused before any restore", async () => {
    const sim = await simulator({ ...SEEDED, servers: [{ id: 12345, name: ".." }] });
    const app = await service(() => ({ status: 200 }));
    const result = await run(sim, { ...RESTORE, "health-url": `${app.url}/{name}/healthz` });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /health-url cannot be filled for server \.\. \(12345\): \{name\} takes its name, "\.\.", which would change the URL's path/,
    );
    expect(sim.requestsFor("restore-snapshot")).toEqual([]);
    expect(app.requests).toEqual([]);
  });

  it("refuses a health-url without a scheme or with an unknown placeholder, before any request", async () => {
    const sim = await simulator(SEEDED);
    const result = await run(sim, { ...RESTORE, "health-url": "web01.example.com/{host}/healthz" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toContain(
      "health-url has an unknown placeholder {host}: use {id}, {name}, {hostname}, {ip}",
    );
    expect(failureOf(result)).toContain(
      'health-url "web01.example.com/{host}/healthz" is not a URL',
    );
    expect(sim.requests).toEqual([]);
  });
});

/** A snapshot step with rollback (and the health-url its rollback checks), then a failed job. */
const failedDeploy = async (extra: Record<string, string>, confirm = false) =>
  deployThatFails(await simulator({ restoreDurationMs: 600 }), extra, confirm);

describe("the rollback's outcome, for later jobs (GITHUB_ENV)", () => {
  it("unhealthy: restored, but the service did not come back; the post step fails", async () => {
    const app = await service(() => ({ status: 500 }));
    const { post } = await failedDeploy({
      "health-url": `${app.url}/{id}`,
      "health-timeout": "2s",
    });
    expect(post.exitCode).toBe(1);
    expect(outcomeOf(post).outcome).toBe("unhealthy");
    expect(failureOf(post)).toMatch(
      /Rollback: Server web-server-01 \(12345\) was restored to snapshot \d+, but/,
    );
  });

  it("not-needed: the deploy was confirmed before the job failed", async () => {
    const { sim, post } = await failedDeploy({}, true);
    expect(outcomeOf(post)).toEqual({ outcome: "not-needed", restored: [] });
    expect(sim.restores).toEqual([]);
  });

  it("not-needed: the snapshot step itself did not succeed", async () => {
    const { sim, post } = await failedDeploy({ timeout: "0.2s" });
    expect(outcomeOf(post)).toEqual({ outcome: "not-needed", restored: [] });
    expect(sim.restores).toEqual([]);
  });

  it("failed: a snapshot was deleted before the post step, so nothing was restored", async () => {
    const sim = await simulator({ restoreDurationMs: 600 });
    const step = { "server-id": "12345 12346", "rollback-on-failure": "true" };
    const { posts } = await runJob(sim, [step], "failure", async ([main]) => {
      sim.removeSnapshot(json<Record<string, number>>(main?.outputs["snapshot-ids"])["12346"] ?? 0);
    });
    expect(outcomeOf(posts[0] as RunResult)).toEqual({ outcome: "failed", restored: [] });
  });

  it("refuses health-url on a create step without rollback-on-failure, before any request", async () => {
    const sim = await simulator();
    const result = await run(sim, { "server-id": "12345", "health-url": "https://{hostname}/" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(/health-url on a create step is for its rollback/);
    expect(sim.requests).toEqual([]);
  });
});

describe("health-url: judged by the status line, the way deploy tools judge", () => {
  it("a 200 whose body never ends is healthy at once", async () => {
    const sim = await simulator(SEEDED);
    const app = await service(() => ({ status: 200, body: "streaming\n", more: "endless" }));
    const result = await run(sim, { ...RESTORE, "health-url": `${app.url}/events` });
    expect(result.exitCode).toBe(0);
    expect(app.requests).toHaveLength(1);
    expect(result.summary).toMatch(/\| healthy after [01]s \|/);
  });

  it("a 200 with a 32 MB body is healthy, and the step never takes the body", async () => {
    const sim = await simulator(SEEDED);
    const app = await service(() => ({ status: 200, body: "big ", more: 32 * 1024 * 1024 }));
    const result = await run(sim, { ...RESTORE, "health-url": `${app.url}/` });
    expect(result.exitCode).toBe(0);
    expect(result.summary).toMatch(/healthy after [01]s/);
    // What the sockets' buffers held at most: the step let the answer go after its excerpt.
    expect(app.requests[0]?.bytesSent).toBeLessThan(16 * 1024 * 1024);
  });

  it.each([
    [404, "Not Found"],
    [401, "Unauthorized"],
  ])("a service answering %i (a proxy's page) is never healthy", async (status, body) => {
    const sim = await simulator(SEEDED);
    const app = await service(() => ({ status, body }));
    const url = `${app.url}/up`;
    const result = await run(sim, { ...RESTORE, "health-url": url, "health-timeout": "2s" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toBe(
      `Server web-server-01 (12345) was restored to snapshot 801, but ${url} did not answer 2xx ` +
        `within 2s (last: HTTP ${status}: ${body}).`,
    );
    expect(result.summary).not.toMatch(/healthy after/);
  });

  it("health-expect not in the body is unhealthy, naming what was expected and what came", async () => {
    const sim = await simulator(SEEDED);
    const app = await service(() => ({ status: 200, body: "<h1>Maintenance</h1>" }));
    const url = `${app.url}/up`;
    const result = await run(sim, {
      ...RESTORE,
      "health-url": url,
      "health-expect": "ready",
      "health-timeout": "2s",
    });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toBe(
      `Server web-server-01 (12345) was restored to snapshot 801, but ${url} did not answer 2xx ` +
        'with "ready" within 2s (last: HTTP 200 without "ready" in its first 64 KiB: <h1>Maintenance</h1>).',
    );
    expect(result.summary).toContain('no 2xx with "ready" within 2s');
    expect(result.summary).toContain("Maintenance");
  });

  it("200, 503, 200, 200, 200 with health-successes 3 is healthy only after the last", async () => {
    const sim = await simulator(SEEDED);
    const app = await service((_, count) =>
      count === 2 ? { status: 503, body: "flap" } : { status: 200, body: "ok" },
    );
    const result = await run(sim, {
      ...RESTORE,
      "health-url": `${app.url}/up`,
      "health-successes": "3",
      "poll-interval": "0.2s",
    });
    expect(result.exitCode).toBe(0);
    expect(app.requests).toHaveLength(5);
    expect(result.summary).toMatch(/healthy after \d+s \(3 answers in a row\)/);
    expect(result.stdout).toMatch(/answered HTTP 200: ok \(3 of 3 in a row, /);
  });

  it("health-timeout bounds the step's time, whatever the service does", async () => {
    // Real time: a request to a service that hangs ends on its own real timeout.
    const sim = await simulator(SEEDED, { clock: "real" });
    const app = await service(() => "hang");
    const result = await run(sim, {
      ...RESTORE,
      "health-url": `${app.url}/up`,
      "health-timeout": "2s",
    });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(/did not answer 2xx within 2s \(last: no answer within /);
    // The restore (800 ms) and the 2 s window, 5 times over for a busy machine: far below the
    // restore's own 45m timeout, which a hung service would hold the step to without the bound.
    expect(result.durationMs).toBeLessThan(5 * (800 + 2_000));
  });

  it("{ip} = ::1 in the host reaches the service on [::1]", async () => {
    const app = await service(() => ({ status: 200, body: "v6" }), "::1");
    const sim = await simulator({
      ...SEEDED,
      servers: [{ id: 12345, name: "web-server-01", ipAddress: "::1" }],
    });
    const port = new URL(app.url).port;
    const result = await run(sim, { ...RESTORE, "health-url": `http://{ip}:${port}/up` });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`http://[::1]:${port}/up answered HTTP 200: v6`);
    expectNoToken(app.requests, sim.token);
  });
});

describe("health-url: settled before any restore", () => {
  it.each([
    ["in the host", "http://{hostname}/up"],
    ["in the path", "http://127.0.0.1:9/{hostname}/up"],
  ])(
    "a null hostname %s fails with zero restores, naming server and field",
    async (_, template) => {
      const sim = await simulator({
        ...SEEDED,
        servers: [
          { id: 12345, name: "web-server-01", hostname: null },
          { id: 12346, name: "web-server-02" },
        ],
        snapshots: [
          { id: 801, serverId: 12345, name: "pre-deploy-a" },
          { id: 802, serverId: 12346, name: "pre-deploy-a" },
        ],
      });
      const result = await run(sim, {
        mode: "restore",
        "snapshot-id": '{"12346":802,"12345":801}',
        "health-url": template,
      });
      expect(result.exitCode).toBe(1);
      expect(failureOf(result)).toContain(
        "health-url cannot be filled for server web-server-01 (12345): {hostname} takes its hostname, which is null",
      );
      expect(failureOf(result)).toContain("Nothing was restored.");
      expect(sim.requestsFor("restore-snapshot")).toEqual([]);
    },
  );

  it.each(["evil.example/x", "a@evil.example", "web01:8080"])(
    "a hostname %j in the host part is refused before any restore",
    async (hostname) => {
      const sim = await simulator({
        ...SEEDED,
        servers: [{ id: 12345, name: "web-server-01", hostname }],
      });
      const result = await run(sim, { ...RESTORE, "health-url": "https://{hostname}/up" });
      expect(result.exitCode).toBe(1);
      expect(failureOf(result)).toContain(
        `health-url cannot be filled for server web-server-01 (12345): {hostname} takes its hostname, "${hostname}", which is not a host name`,
      );
      expect(sim.requestsFor("restore-snapshot")).toEqual([]);
    },
  );
});

describe("health-url in the rollback post step", () => {
  it("a null hostname stops the rollback before any restore, and the outcome is failed", async () => {
    const sim = await simulator({
      restoreDurationMs: 600,
      servers: [
        { id: 12345, name: "web-server-01" },
        { id: 12346, name: "web-server-02", hostname: null },
      ],
    });
    const step = {
      "server-id": "12345 12346",
      "rollback-on-failure": "true",
      "health-url": "https://{hostname}/up",
    };
    const { posts } = await runJob(sim, [step], "failure");
    const post = posts[0] as RunResult;
    expect(post.exitCode).toBe(1);
    expect(failureOf(post)).toContain(
      "health-url cannot be filled for server web-server-02 (12346): {hostname} takes its hostname, which is null",
    );
    expect(sim.restores).toEqual([]);
    expect(outcomeOf(post)).toEqual({ outcome: "failed", restored: [] });
  });

  it("checks with the arming step's health-expect and health-successes, never with the token", async () => {
    const app = await service((_, count) =>
      count === 1 ? { status: 200, body: "booting" } : { status: 200, body: "ready" },
    );
    const { sim, post } = await failedDeploy({
      "server-id": "12345",
      "health-url": `${app.url}/{id}`,
      "health-expect": "ready",
      "health-successes": "2",
    });
    expect(post.exitCode).toBe(0);
    expect(app.requests).toHaveLength(3);
    expect(post.summary).toMatch(/healthy after \d+s \(2 answers in a row\)/);
    expect(post.stdout).toMatch(
      /is not healthy yet: HTTP 200 without "ready" in its first 64 KiB: booting/,
    );
    expect(outcomeOf(post).outcome).toBe("rolled-back");
    expectNoToken(app.requests, sim.token);
  });

  it("a restore the API refused records failed for later jobs", async () => {
    const sim = await simulator({ restoreDurationMs: 600 });
    const step = { "server-id": "12345", "rollback-on-failure": "true" };
    const { posts } = await runJob(sim, [step], "failure", async () => {
      sim.addFault({
        route: "restore-snapshot",
        fault: { type: "status", status: 400, message: "Server is not in a valid state." },
      });
    });
    const post = posts[0] as RunResult;
    expect(post.exitCode).toBe(1);
    expect(sim.restores).toEqual([]);
    expect(outcomeOf(post)).toEqual({ outcome: "failed", restored: [] });
  });
});
