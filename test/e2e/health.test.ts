import { describe, expect, it } from "vitest";
import type { RunResult } from "../../scripts/run-action.js";
import type { ServiceRequest } from "../support/health-service.js";
import { failureOf, json, run, runJob, service, simulator } from "./support.js";

const RESTORE = { mode: "restore", "snapshot-id": "801" };
const SEEDED = {
  restoreDurationMs: 800,
  snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-a" }],
};

/** No request to the service carries the API's token, in any header or in its URL. */
function expectNoToken(requests: ServiceRequest[], token: string) {
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) {
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.stringify(request)).not.toContain(token);
  }
}

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
      /health-url cannot be filled for server \.\. \(12345\): its name "\.\."/,
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
async function failedDeploy(extra: Record<string, string>, confirm = false) {
  const sim = await simulator({ restoreDurationMs: 600 });
  const step = { "server-id": "12345 12346", "rollback-on-failure": "true", ...extra };
  const steps = confirm ? [step, { mode: "confirm", "api-token": "" }] : [step];
  const { mains, posts } = await runJob(sim, steps, "failure");
  return { sim, main: mains[0] as RunResult, post: posts[0] as RunResult };
}

const outcomeOf = (post: RunResult) => ({
  outcome: post.exportedEnv.VPS_SNAPSHOT_ROLLBACK,
  restored: json(post.exportedEnv.VPS_SNAPSHOT_ROLLBACK_RESTORED),
});

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
