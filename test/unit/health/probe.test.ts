import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import {
  createHttpHealthProbe,
  EXPECT_WINDOW_BYTES,
  httpHealthProbe,
} from "../../../src/health/probe.js";
import { type HealthService, healthService } from "../../support/health-service.js";

const open: HealthService[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function service(...args: Parameters<typeof healthService>): Promise<HealthService> {
  const started = await healthService(...args);
  open.push(started);
  return started;
}

const probe = (url: string, expect?: string, timeoutMs = 5_000) =>
  httpHealthProbe({ url, expect, timeoutMs });

describe("the health probe judges by the status line", () => {
  it.each([200, 204, 299])("%i is healthy", async (status) => {
    const app = await service(() => ({ status, body: status === 204 ? "" : "ok" }));
    expect((await probe(`${app.url}/up`)).healthy).toBe(true);
  });

  it.each([
    [404, "Not Found"],
    [401, "Unauthorized"],
    [300, "Multiple Choices"],
    [500, "oops"],
    [503, "warming up"],
  ])("%i is not healthy, and the log hears what it said", async (status, body) => {
    const app = await service(() => ({ status, body }));
    expect(await probe(`${app.url}/up`)).toEqual({
      healthy: false,
      said: `HTTP ${status}: ${body}`,
    });
  });

  it("a 200 whose body never ends is healthy at once", async () => {
    const app = await service(() => ({ status: 200, body: "streaming\n", more: "endless" }));
    // A probe that read the body to its end would still be reading when its 30 s ran out, and
    // say "no answer": the answer itself shows it judged the status line.
    const answer = await probe(`${app.url}/up`, undefined, 30_000);
    expect(answer.healthy).toBe(true);
    expect(answer.said).toMatch(/^HTTP 200: streaming/);
  });

  it("a 200 with a 32 MB body is healthy, and the rest of the body is never taken", async () => {
    const app = await service(() => ({ status: 200, body: "big page ", more: 32 * 1024 * 1024 }));
    const answer = await probe(`${app.url}/up`);
    expect(answer.healthy).toBe(true);
    expect(answer.said).toMatch(/^HTTP 200: big page x+$/);
    expect(answer.said.length).toBeLessThanOrEqual("HTTP 200: ".length + 200);
    // Once the probe has let the answer go, the service can send no more: what it sent by then is
    // what the sockets' buffers held at most, not the page.
    await app.answersClosed(1);
    expect(app.requests[0]?.bytesSent).toBeLessThan(16 * 1024 * 1024);
  });

  it("a service that does not answer in time is not healthy, and says so", async () => {
    const hung = await service(() => "hang");
    const started = performance.now();
    const answer = await probe(`${hung.url}/up`, undefined, 500);
    expect(answer).toEqual({ healthy: false, said: "no answer within 1s" });
    // Ten times the request's 500 ms for a busy machine; the service itself would never answer.
    expect(performance.now() - started).toBeLessThan(10 * 500);
  });

  it("nothing listening is not healthy", async () => {
    const answer = await probe("http://127.0.0.1:9/up");
    expect(answer.healthy).toBe(false);
    expect(answer.said).toMatch(/^no answer: .*ECONNREFUSED/);
  });

  it("reaches a service on IPv6 loopback", async () => {
    const app = await service(() => ({ status: 200, body: "v6" }), "::1");
    expect(await probe(`${app.url}/up`)).toEqual({ healthy: true, said: "HTTP 200: v6" });
  });

  it("sends no credentials of any kind", async () => {
    const app = await service(() => ({ status: 200 }));
    await probe(`${app.url}/up`);
    const headers = app.requests[0]?.headers ?? {};
    expect(headers.authorization).toBeUndefined();
    expect(headers.cookie).toBeUndefined();
  });
});

describe("health-expect", () => {
  it("a 200 that holds the text is healthy, even if its body never ends", async () => {
    const app = await service(() => ({ status: 200, body: "status: ready\n", more: "endless" }));
    expect((await probe(`${app.url}/up`, "ready")).healthy).toBe(true);
  });

  it("a 200 without the text is not healthy; the log says what was expected and shows the excerpt", async () => {
    const app = await service(() => ({ status: 200, body: "<h1>Maintenance</h1>" }));
    expect(await probe(`${app.url}/up`, "ready")).toEqual({
      healthy: false,
      said: 'HTTP 200 without "ready" in its first 64 KiB: <h1>Maintenance</h1>',
    });
  });

  it("text past the first 64 KiB does not count, and the rest of a large body is not read", async () => {
    const filler = "x".repeat(EXPECT_WINDOW_BYTES);
    const app = await service(() => ({
      status: 200,
      body: `${filler}ready`,
      more: 8 * 1024 * 1024,
    }));
    const answer = await probe(`${app.url}/up`, "ready");
    expect(answer.healthy).toBe(false);
    expect(answer.said).toMatch(/^HTTP 200 without "ready" in its first 64 KiB: x+$/);
  });

  it.each([[["status: rea", "dy\n"]], [["status: r", "ead", "y\n"]]])(
    "text split across the chunks %j of an endless body is found as soon as it is whole",
    async (parts) => {
      const app = await service(() => ({ status: 200, parts, more: "endless" }));
      // Found where it was completed, not at the end of the probe's time with the stream read to it.
      expect(await probe(`${app.url}/up`, "ready", 3_000)).toEqual({
        healthy: true,
        said: "HTTP 200: status: ready",
      });
    },
  );

  it("text split across the chunks of a trickling body is found", async () => {
    const app = await service(() => ({ status: 200, body: "rea", more: "endless" }));
    // "rea" + "still here" lines: "ready" never comes, the window of time ends it.
    const answer = await probe(`${app.url}/up`, "ready", 600);
    expect(answer).toMatchObject({ healthy: false });
    expect(answer.said).toMatch(/^HTTP 200 without "ready" in what came in time: rea ?still here/);
    const whole = await service(() => ({ status: 200, body: "status: rea", more: 10 }));
    expect((await probe(`${whole.url}/up`, "readxxxxx")).healthy).toBe(false);
    expect((await probe(`${whole.url}/up`, "reaxxx")).healthy).toBe(true);
  });

  it("a 503 that holds the text is still not healthy", async () => {
    const app = await service(() => ({ status: 503, body: "ready" }));
    expect((await probe(`${app.url}/up`, "ready")).healthy).toBe(false);
  });
});

describe("redirects", () => {
  it("follows one on the same origin", async () => {
    const app = await service((request) =>
      request.url === "/up" ? { status: 302, headers: { location: "/ready" } } : { status: 200 },
    );
    expect((await probe(`${app.url}/up`)).healthy).toBe(true);
    expect(app.requests.map((r) => r.url)).toEqual(["/up", "/ready"]);
  });

  it("never one to another origin", async () => {
    const elsewhere = await service(() => ({ status: 200 }));
    const app = await service(() => ({
      status: 301,
      headers: { location: `${elsewhere.url}/up` },
    }));
    expect(await probe(`${app.url}/up`)).toEqual({
      healthy: false,
      said: `HTTP 301 to another origin (${elsewhere.url}), not followed`,
    });
    expect(elsewhere.requests).toEqual([]);
  });

  it("304 Not Modified is not healthy: it answers a cache, not the health check", async () => {
    const app = await service(() => ({ status: 304 }));
    expect(await probe(`${app.url}/up`)).toEqual({ healthy: false, said: "HTTP 304" });
  });

  it("a redirect without a Location is not healthy, and is not followed", async () => {
    const app = await service(() => ({ status: 302, body: "Found" }));
    const answer = await probe(`${app.url}/up`);
    expect(answer.healthy).toBe(false);
    expect(answer.said).toMatch(/^HTTP 302/);
    expect(app.requests).toHaveLength(1);
  });

  it("never one whose Location cannot be read", async () => {
    const app = await service(() => ({ status: 302, headers: { location: "http://[::1" } }));
    expect(await probe(`${app.url}/up`)).toEqual({
      healthy: false,
      said: "HTTP 302 to another origin, not followed",
    });
    expect(app.requests).toHaveLength(1);
  });

  it("at most five", async () => {
    const app = await service((_, count) => ({ status: 302, headers: { location: `/r${count}` } }));
    expect(await probe(`${app.url}/up`)).toEqual({ healthy: false, said: "more than 5 redirects" });
    expect(app.requests).toHaveLength(6);
  });
});

describe("the one upgrade: http://host to https://host, default ports", () => {
  // The site's own host, on the default ports (a loopback address of its own, so that nothing
  // else on the machine holds them), with a certificate the probe is told to trust.
  const tls = {
    key: readFileSync("test/support/tls/loopback.key", "utf8"),
    cert: readFileSync("test/support/tls/loopback.crt", "utf8"),
  };
  const trusting = createHttpHealthProbe({ ca: tls.cert });
  const secure = () =>
    service((request) => ({ status: 200, body: `secure ${request.url}` }), "127.0.0.2", {
      port: 443,
      tls,
    });

  it("is followed, and the https:// answer judged", async () => {
    const site = await secure();
    const plain = await service(
      (request) => ({ status: 301, headers: { location: `https://127.0.0.2${request.url}` } }),
      "127.0.0.2",
      { port: 80 },
    );
    expect(plain.url).toBe("http://127.0.0.2");
    const answer = await trusting({
      url: `${plain.url}/up?x=1`,
      expect: undefined,
      timeoutMs: 5_000,
    });
    expect(answer).toEqual({ healthy: true, said: "HTTP 200: secure /up?x=1" });
    expect(site.requests.map((r) => r.url)).toEqual(["/up?x=1"]);
  });

  it("is not followed to another host, to another port, or from a port of its own", async () => {
    const site = await secure();
    const elsewhere: Record<string, string> = {
      "/other-host": "https://127.0.0.1/up",
      "/other-port": "https://127.0.0.2:8443/up",
    };
    const plain = await service(
      (request) => ({ status: 302, headers: { location: elsewhere[request.url] ?? "/" } }),
      "127.0.0.2",
      { port: 80 },
    );
    const ownPort = await service(() => ({
      status: 302,
      headers: { location: "https://127.0.0.1/up" },
    }));
    for (const url of [`${plain.url}/other-host`, `${plain.url}/other-port`, `${ownPort.url}/up`]) {
      const answer = await trusting({ url, expect: undefined, timeoutMs: 5_000 });
      expect(answer.healthy).toBe(false);
      expect(answer.said).toMatch(/^HTTP 302 to another origin \(https:\/\/127\.0\.0\.[12]/);
    }
    expect(site.requests).toEqual([]);
  });
});

describe("cancellation", () => {
  it("a cancelled step stops the request and says it was cancelled", async () => {
    const hung = await service(() => "hang");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(
      httpHealthProbe({
        url: `${hung.url}/up`,
        expect: undefined,
        timeoutMs: 5_000,
        signal: controller.signal,
      }),
    ).rejects.toThrow(/^Cancelled during GET http:\/\/127\.0\.0\.1:\d+\/up$/);
  });
});
