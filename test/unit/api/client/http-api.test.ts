import { describe, expect, it } from "vitest";
import {
  EndpointNotFoundError,
  ForeignOriginError,
  HttpStatusError,
  NoAnswerError,
  UnexpectedAnswerError,
} from "../../../../src/api/answers/errors.js";
import { HttpSnapshotsApi } from "../../../../src/api/client/http-api.js";
import type { HttpAnswer, HttpExchange } from "../../../../src/api/wire/transport.js";
import { Deadline } from "../../../../src/runner/time/clock.js";
import { Redactor } from "../../../../src/runner/text/redact.js";
import { DEFAULT_RETRY_POLICY, RateLimitGate } from "../../../../src/api/wire/retry.js";
import { FakeClock, recordingLogger } from "../../../support/fakes.js";
import { apiSnapshot } from "../../../support/fixtures.js";

const BASE = "https://admin.vps.org/api/v1";
type Scripted = HttpAnswer | Error | ((exchange: HttpExchange) => HttpAnswer);

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { status, headers, body: body === undefined ? "" : JSON.stringify(body) };
}

function snapshot(id: number, serverId = 1) {
  return apiSnapshot({
    id,
    server: { id: serverId },
    name: `pre-deploy-${id}`,
    created_at: "2026-01-01T00:00:00Z",
  });
}

function apiWith(script: Scripted[], totalMs = 600_000, baseUrl = BASE) {
  const exchanges: HttpExchange[] = [];
  const clock = new FakeClock();
  const redactor = new Redactor();
  redactor.add("secret-token-value");
  const api = new HttpSnapshotsApi({
    baseUrl,
    transport: async (exchange) => {
      exchanges.push(exchange);
      const next = script.shift();
      if (!next) throw new Error(`unexpected request ${exchange.label}`);
      if (next instanceof Error) throw next;
      return typeof next === "function" ? next(exchange) : next;
    },
    clock,
    deadline: new Deadline(clock, totalMs),
    gate: new RateLimitGate(clock),
    policy: DEFAULT_RETRY_POLICY,
    random: () => 0.5,
    redactor,
    log: recordingLogger(),
    requestTimeoutMs: 30_000,
  });
  return { api, exchanges, clock };
}

describe("http api: list", () => {
  it("filters by server and returns the results", async () => {
    const { api, exchanges } = apiWith([json(200, { count: 1, results: [snapshot(801)] })]);
    expect(await api.listSnapshots(12345)).toEqual({
      snapshots: [snapshot(801)],
      complete: true,
      pages: 1,
    });
    expect(exchanges[0]).toMatchObject({
      method: "GET",
      url: `${BASE}/snapshots/?server_id=12345`,
      label: "GET /snapshots/?server_id=12345",
    });
  });

  it("follows next links on the API's origin and joins the pages without repeats, saying an item repeated", async () => {
    const { api, exchanges } = apiWith([
      json(200, {
        count: 3,
        results: [snapshot(1), snapshot(2)],
        next: `${BASE}/snapshots/?page=2`,
      }),
      json(200, {
        count: 3,
        results: [snapshot(2), snapshot(3)],
        next: "/api/v1/snapshots/?page=3",
      }),
      json(200, { count: 3, results: [], next: null }),
    ]);
    const list = await api.listSnapshots();
    expect(list.snapshots.map((s) => s.id)).toEqual([1, 2, 3]);
    expect(list).toMatchObject({ complete: false, pages: 2 });
    expect(exchanges.map((e) => e.url)).toEqual([
      `${BASE}/snapshots/`,
      `${BASE}/snapshots/?page=2`,
      `${BASE}/snapshots/?page=3`,
    ]);
  });

  it.each([
    "https://evil.example/api/v1/snapshots/?page=2",
    "http://admin.vps.org/api/v1/snapshots/?page=2",
    "https://admin.vps.org:8443/api/v1/snapshots/?page=2",
  ])("refuses a next link to another origin (%s) without requesting it", async (next) => {
    const { api, exchanges } = apiWith([json(200, { count: 2, results: [snapshot(1)], next })]);
    await expect(api.listSnapshots()).rejects.toBeInstanceOf(ForeignOriginError);
    expect(exchanges).toHaveLength(1);
  });

  it("stops a paging loop at the first next link already read", async () => {
    const loop = () =>
      json(200, { count: 9, results: [snapshot(1)], next: `${BASE}/snapshots/?page=2` });
    const { api, exchanges } = apiWith(Array.from({ length: 150 }, () => loop));
    const error = await api.listSnapshots().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedAnswerError);
    expect(String(error)).toMatch(
      /paging loops: the next page, GET \/snapshots\/\?page=2, was already read/,
    );
    expect(exchanges).toHaveLength(2);
  });

  it("walks as many pages as the count announces, not a fixed cap, and stops a list that goes on past it", async () => {
    const page = (n: number, count: number) =>
      json(200, { count, results: [snapshot(n)], next: `${BASE}/snapshots/?page=${n + 1}` });
    const { api, exchanges } = apiWith([
      ...Array.from({ length: 149 }, (_, i) => page(i + 1, 150)),
      json(200, { count: 150, results: [snapshot(150)], next: null }),
    ]);
    const list = await api.listSnapshots();
    expect(list).toMatchObject({ complete: true, pages: 150 });
    expect(exchanges).toHaveLength(150);
    const endless = apiWith(Array.from({ length: 20 }, (_, i) => page(i + 1, 3)));
    const error = await endless.api.listSnapshots().catch((e: unknown) => e);
    expect(String(error)).toMatch(/goes on past the 3 snapshots it announced/);
    expect(endless.exchanges).toHaveLength(4);
  });

  it("a page the API linked to that vanished (404) ends the walk, not complete", async () => {
    const { api } = apiWith([
      json(200, {
        count: 3,
        results: [snapshot(1), snapshot(2)],
        next: `${BASE}/snapshots/?page=2`,
      }),
      json(404, { detail: "Invalid page." }),
    ]);
    expect(await api.listSnapshots()).toMatchObject({ complete: false, pages: 2 });
  });

  it("a count that changes between pages, or items that do not add up to it, is not complete", async () => {
    const { api } = apiWith([
      json(200, {
        count: 4,
        results: [snapshot(1), snapshot(2)],
        next: `${BASE}/snapshots/?page=2`,
      }),
      json(200, { count: 3, results: [snapshot(4)], next: null }),
    ]);
    expect(await api.listSnapshots()).toMatchObject({ complete: false });
  });

  it("stops after the first page when the list has more pages than maxPages", async () => {
    const { api, exchanges } = apiWith([
      json(200, { count: 30, results: [snapshot(1)], next: `${BASE}/snapshots/?page=2` }),
    ]);
    expect(await api.listSnapshots(undefined, { maxPages: 3 })).toMatchObject({
      complete: false,
      pages: 30,
    });
    expect(exchanges).toHaveLength(1);
  });

  it("retries a 2xx whose body is not JSON", async () => {
    const { api, exchanges } = apiWith([
      { status: 200, headers: {}, body: "<html>gateway</html>" },
      json(200, { count: 0, results: [] }),
    ]);
    expect((await api.listSnapshots(1)).snapshots).toEqual([]);
    expect(exchanges).toHaveLength(2);
  });

  it("retries a 2xx with an empty body where JSON was expected", async () => {
    const { api, exchanges } = apiWith([
      { status: 200, headers: {}, body: "" },
      json(200, { count: 0, results: [] }),
    ]);
    expect((await api.listSnapshots(1)).snapshots).toEqual([]);
    expect(exchanges).toHaveLength(2);
  });

  it("rejects JSON of the wrong shape without retrying", async () => {
    const { api, exchanges } = apiWith([json(200, { items: [] })]);
    await expect(api.listSnapshots(1)).rejects.toBeInstanceOf(UnexpectedAnswerError);
    expect(exchanges).toHaveLength(1);
  });

  it("follows a redirect on its origin, refuses one to another", async () => {
    const same = apiWith([
      json(301, {}, { location: "/api/v1/snapshots/?server_id=1&x=1" }),
      json(200, { count: 0, results: [] }),
    ]);
    await same.api.listSnapshots(1);
    expect(same.exchanges[1]?.url).toBe(`${BASE}/snapshots/?server_id=1&x=1`);

    const other = apiWith([json(302, {}, { location: "https://collector.example/steal" })]);
    await expect(other.api.listSnapshots(1)).rejects.toBeInstanceOf(ForeignOriginError);
    expect(other.exchanges).toHaveLength(1);
  });

  it("follows at most five redirects", async () => {
    const { api, exchanges } = apiWith(
      Array.from({ length: 6 }, (_, i) => json(302, {}, { location: `/api/v1/r${i}/` })),
    );
    const error = await api.listSnapshots(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedAnswerError);
    expect((error as Error).message).toBe("Unexpected answer from GET /r4/: more than 5 redirects");
    expect(exchanges).toHaveLength(6);
  });
});

describe("http api: errors", () => {
  it("carries the status and the API's own message, with the token redacted", async () => {
    const { api } = apiWith([json(401, { detail: "Invalid token secret-token-value." })]);
    const error = await api.listSnapshots(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).status).toBe(401);
    expect((error as Error).message).toBe(
      "HTTP 401 from GET /snapshots/?server_id=1: Invalid token ***.",
    );
  });

  it("a 404 from the list itself, which every account has: the whole URL asked, for a wrong base URL", async () => {
    for (const serverId of [12345, undefined]) {
      const { api } = apiWith([json(404, { detail: "Not found." })]);
      const error = await api.listSnapshots(serverId).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EndpointNotFoundError);
      expect((error as EndpointNotFoundError).url).toBe(
        `${BASE}/snapshots/${serverId ? `?server_id=${serverId}` : ""}`,
      );
    }
  });

  it("a 404 from a path with an id in it is that id's, not the base URL's", async () => {
    const { api } = apiWith([json(404, { detail: "Server not found." })]);
    const error = await api.getServer(5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error).not.toBeInstanceOf(EndpointNotFoundError);
  });

  it("names each request by its whole path under a base URL that has no path (https://host)", async () => {
    const { api, exchanges } = apiWith(
      [json(404, { detail: "Server not found." })],
      600_000,
      "https://vps.example",
    );
    const error = await api.getServer(5).catch((e: unknown) => e);
    expect(exchanges[0]).toMatchObject({
      url: "https://vps.example/servers/5/",
      label: "GET /servers/5/",
    });
    expect((error as Error).message).toBe("HTTP 404 from GET /servers/5/: Server not found.");
  });

  it("reads Retry-After as seconds and as an HTTP date", async () => {
    const seconds = apiWith([
      json(429, {}, { "retry-after": "3" }),
      json(200, { count: 0, results: [] }),
    ]);
    await seconds.api.listSnapshots(1);
    expect(seconds.clock.sleeps).toEqual([3_000]);

    const date = apiWith([
      json(503, {}, { "retry-after": new Date(Date.parse("2026-11-22T12:00:09Z")).toUTCString() }),
      json(200, { count: 0, results: [] }),
    ]);
    await date.api.listSnapshots(1);
    expect(date.clock.sleeps).toEqual([9_000]);
  });

  it("gives a request no more time than the deadline has left", async () => {
    const { api, exchanges } = apiWith([json(200, { count: 0, results: [] })], 5_000);
    await api.listSnapshots(1);
    expect(exchanges[0]?.timeoutMs).toBe(5_000);
  });
});

describe("http api: create and restore are sent once", () => {
  it("does not resend a create after a 500 or a lost answer: the caller decides", async () => {
    const failed = apiWith([json(500, { error: "boom" })]);
    const error = await failed.api
      .createSnapshot({ server_id: 1, name: "n" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as Error).message).toBe("HTTP 500 from POST /snapshots/: boom");
    expect(failed.exchanges).toHaveLength(1);

    const lost = new NoAnswerError("connection", "POST /snapshots/", true, "reset");
    const unanswered = apiWith([lost]);
    await expect(unanswered.api.createSnapshot({ server_id: 1, name: "n" })).rejects.toBe(lost);
    expect(unanswered.exchanges).toHaveLength(1);
  });

  it("resends a create after a 429 or a refused connection: it was not processed", async () => {
    const created = json(201, { ...snapshot(900), status: "in_progress", size_mb: null });
    const { api, exchanges } = apiWith([
      json(429, {}, { "retry-after": "1" }),
      new NoAnswerError("connection", "POST /snapshots/", false, "ECONNREFUSED"),
      created,
    ]);
    expect((await api.createSnapshot({ server_id: 1, name: "n", description: "d" })).id).toBe(900);
    expect(exchanges.map((e) => e.body)).toEqual(
      Array(3).fill({ server_id: 1, name: "n", description: "d" }),
    );
  });

  it("never resends a restore after a 502", async () => {
    const { api, exchanges } = apiWith([json(502, {})]);
    await expect(api.restoreSnapshot(801)).rejects.toBeInstanceOf(HttpStatusError);
    expect(exchanges).toHaveLength(1);
  });

  it("does not follow redirects for POST", async () => {
    const { api, exchanges } = apiWith([json(307, {}, { location: `${BASE}/snapshots/` })]);
    await expect(api.createSnapshot({ server_id: 1, name: "n" })).rejects.toBeInstanceOf(
      HttpStatusError,
    );
    expect(exchanges).toHaveLength(1);
  });
});

describe("http api: delete", () => {
  it("answers already-gone on a plain 404", async () => {
    const { api } = apiWith([json(404, { detail: "Not found." })]);
    expect(await api.deleteSnapshot(801)).toBe("already-gone");
  });

  it("retries a lost answer and counts a 404 afterwards as its own deletion", async () => {
    const { api, exchanges } = apiWith([
      new NoAnswerError("connection", "DELETE /snapshots/801/", true, "reset"),
      json(404, { detail: "Not found." }),
    ]);
    expect(await api.deleteSnapshot(801)).toBe("deleted");
    expect(exchanges.map((e) => `${e.method} ${e.url}`)).toEqual(
      Array(2).fill(`DELETE ${BASE}/snapshots/801/`),
    );
  });

  it("answers deleted on 204", async () => {
    const { api } = apiWith([{ status: 204, headers: {}, body: "" }]);
    expect(await api.deleteSnapshot(801)).toBe("deleted");
  });
});
