import { spawn } from "node:child_process";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { cachedOrder } from "../../simulator/listing.js";
import { busyAccount } from "../../simulator/seeds.js";
import {
  type ListPageInfo,
  type Simulator,
  type SimulatorOptions,
  type SnapshotView,
  startSimulator,
} from "../../simulator/server.js";
import { snapshotsOn } from "../support/fixtures.js";

const T0 = Date.parse("2025-01-15T18:30:00Z");
const CREATE_MESSAGE =
  "Snapshot is being created. This may take 3-10 minutes depending on server size.";
const NAME_RULE_MESSAGE = "Name may contain only letters, digits, hyphens and underscores.";

interface Page {
  count: number;
  next: string | null;
  previous: string | null;
  results: SnapshotView[];
}

const started: Simulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.close()));
});

async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator(options);
  started.push(sim);
  return sim;
}

/** A clock the test moves by hand, so that state changes need no sleeping. */
function manualClock(at = T0) {
  const clock = { at, now: () => clock.at, advance: (ms: number) => (clock.at += ms) };
  return clock;
}

interface CallOptions {
  body?: unknown;
  rawBody?: string;
  authorization?: string | null;
  signal?: AbortSignal;
}

/** One API call as the action makes it; `authorization: null` leaves the header out. */
async function call(sim: Simulator, method: string, path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  const authorization =
    options.authorization === undefined ? `Bearer ${sim.token}` : options.authorization;
  if (authorization !== null) headers.Authorization = authorization;
  const body =
    options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    body,
    redirect: "manual",
    signal: options.signal,
  });
  const text = await response.text();
  const json = response.headers.get("content-type")?.includes("application/json")
    ? JSON.parse(text)
    : null;
  return { status: response.status, headers: response.headers, text, json };
}

const createSnapshot = (sim: Simulator, body: unknown) =>
  call(sim, "POST", "/snapshots/", { body });

/** A link the API gave, such as a page's `next`, followed as it is. */
async function follow(sim: Simulator, link: string) {
  const response = await fetch(link, { headers: { Authorization: `Bearer ${sim.token}` } });
  return { status: response.status, json: await response.json() };
}

const idsOf = (page: Page) => page.results.map((snapshot) => snapshot.id);

/** Raw bytes over TCP, for answers that fetch cannot show (a body cut short). */
function rawExchange(origin: string, request: string): Promise<string> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => socket.write(request));
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => {});
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean) {
  while (!condition()) await sleep(5);
}

describe("authentication", () => {
  it("answers 401 when the Authorization header is missing", async () => {
    const sim = await start();
    const answer = await call(sim, "GET", "/snapshots/", { authorization: null });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ detail: "Authentication credentials were not provided." });
  });

  it("answers 401 to a wrong token, before routing", async () => {
    const sim = await start({ token: "right" });
    for (const path of ["/snapshots/", "/no-such-thing/"]) {
      const answer = await call(sim, "GET", path, { authorization: "Bearer wrong" });
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ detail: "Invalid token." });
    }
  });

  it("refuses the token once it is revoked", async () => {
    const sim = await start();
    expect((await call(sim, "GET", "/account/me/")).status).toBe(200);
    sim.revokeToken();
    const answer = await call(sim, "GET", "/account/me/");
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ detail: "Invalid token." });
  });

  it("makes a random sim- token by default", async () => {
    const sim = await start();
    expect(sim.token).toMatch(/^sim-[0-9a-f]{32}$/);
  });
});

describe("creating a snapshot", () => {
  it("answers 201 with the in-progress snapshot and the provider's message", async () => {
    const clock = manualClock();
    const sim = await start({ now: clock.now });
    const answer = await createSnapshot(sim, {
      server_id: 12345,
      name: "pre-deploy_1",
      description: "before v2",
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toEqual({
      id: 801,
      server: { id: 12345, name: "web-server-01" },
      name: "pre-deploy_1",
      status: "in_progress",
      size_mb: null,
      created_at: "2025-01-15T18:30:00Z",
      description: "before v2",
      message: CREATE_MESSAGE,
    });
    expect(sim.creations).toEqual([801]);
  });

  it("gives created_at in UTC without milliseconds", async () => {
    const sim = await start({ now: () => T0 + 123 });
    const answer = await createSnapshot(sim, { server_id: 12345, name: "a" });
    expect(answer.json.created_at).toBe("2025-01-15T18:30:00Z");
  });

  it("refuses a name outside letters, digits, hyphens and underscores, or none", async () => {
    const sim = await start();
    for (const body of [{ server_id: 12345, name: "has space" }, { server_id: 12345 }]) {
      const answer = await createSnapshot(sim, body);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ name: [NAME_RULE_MESSAGE] });
    }
    expect(sim.snapshots()).toEqual([]);
  });

  it("refuses a missing or non-integer server_id with a field-keyed list", async () => {
    const sim = await start();
    expect((await createSnapshot(sim, { name: "a" })).json).toEqual({
      server_id: ["This field is required."],
    });
    expect((await createSnapshot(sim, { server_id: "12345", name: "a" })).json).toEqual({
      server_id: ["A valid integer is required."],
    });
    expect((await createSnapshot(sim, { server_id: 0, name: "a" })).status).toBe(400);
  });

  it("answers 400 JSON parse error to a body that is not JSON", async () => {
    const sim = await start();
    const answer = await call(sim, "POST", "/snapshots/", { rawBody: "server_id=12345" });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ detail: "JSON parse error" });
  });

  it("answers 404 for an unknown server", async () => {
    const sim = await start();
    const answer = await createSnapshot(sim, { server_id: 999, name: "a" });
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ detail: "Server not found." });
  });

  it("stops at 5 snapshots per server, counting those in progress", async () => {
    const sim = await start({
      snapshots: [{ serverId: 12345, name: "old", status: "failed" }],
      snapshotDurationMs: 60_000,
    });
    for (let i = 0; i < 4; i++) {
      expect((await createSnapshot(sim, { server_id: 12345, name: `s${i}` })).status).toBe(201);
    }
    const answer = await createSnapshot(sim, { server_id: 12345, name: "sixth" });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error:
        "Snapshot limit reached: a server can have at most 5 snapshots. Delete an old snapshot first.",
    });
    expect((await createSnapshot(sim, { server_id: 12346, name: "other" })).status).toBe(201);
  });

  it("allows two snapshots with the same name", async () => {
    const sim = await start();
    await createSnapshot(sim, { server_id: 12345, name: "same" });
    await createSnapshot(sim, { server_id: 12345, name: "same" });
    expect(sim.snapshotsOf(12345).map((s) => s.name)).toEqual(["same", "same"]);
  });

  it("numbers snapshots from 801, after any seeded id", async () => {
    const sim = await start({ snapshots: [{ serverId: 12345, name: "seed" }] });
    sim.addSnapshot({ id: 900, serverId: 12346, name: "high" });
    const answer = await createSnapshot(sim, { server_id: 12345, name: "next" });
    expect(sim.snapshots().map((s) => s.id)).toEqual([801, 900, 901]);
    expect(answer.json.id).toBe(901);
  });
});

describe("a snapshot's progress over time", () => {
  it("is in_progress for the duration, then completed with a size", async () => {
    const clock = manualClock();
    const sim = await start({ now: clock.now, snapshotDurationMs: 1000 });
    await createSnapshot(sim, { server_id: 12345, name: "a" });
    clock.advance(999);
    expect(sim.snapshot(801)).toMatchObject({ status: "in_progress", size_mb: null });
    clock.advance(1);
    const done = (await call(sim, "GET", "/snapshots/")).json.results[0];
    expect(done.status).toBe("completed");
    expect(Number.isInteger(done.size_mb) && done.size_mb > 0).toBe(true);
  });

  it("completes on the real clock after a short duration", async () => {
    const sim = await start({ snapshotDurationMs: 150 });
    await createSnapshot(sim, { server_id: 12345, name: "a" });
    expect(sim.snapshot(801)?.status).toBe("in_progress");
    await sleep(200);
    expect((await call(sim, "GET", "/snapshots/?server_id=12345")).json.results[0].status).toBe(
      "completed",
    );
  });

  it("reaches the configured outcome, with no size", async () => {
    const clock = manualClock();
    const sim = await start({ now: clock.now, snapshotOutcome: "failed" });
    await createSnapshot(sim, { server_id: 12345, name: "a" });
    clock.advance(1500);
    expect(sim.snapshot(801)).toMatchObject({ status: "failed", size_mb: null });
  });

  it("follows per-server overrides", async () => {
    const clock = manualClock();
    const sim = await start({ now: clock.now });
    sim.configureServer(12346, { snapshotDurationMs: 10_000, snapshotOutcome: "error" });
    await createSnapshot(sim, { server_id: 12345, name: "a" });
    await createSnapshot(sim, { server_id: 12346, name: "b" });
    clock.advance(1500);
    expect(sim.snapshots().map((s) => s.status)).toEqual(["completed", "in_progress"]);
    clock.advance(8500);
    expect(sim.snapshot(802)?.status).toBe("error");
  });

  it("keeps the status a seed was given", async () => {
    const clock = manualClock();
    const sim = await start({
      now: clock.now,
      snapshots: [{ serverId: 12345, name: "a", status: "in_progress" }],
    });
    clock.advance(3_600_000);
    expect(sim.snapshot(801)?.status).toBe("in_progress");
  });
});

describe("listing snapshots", () => {
  const seeds = [
    { serverId: 12345, name: "a", createdAt: "2025-01-01T00:00:00Z" },
    { serverId: 12346, name: "b", createdAt: "2025-01-03T00:00:00Z" },
    { serverId: 12345, name: "c", createdAt: "2025-01-02T00:00:00Z" },
  ];

  it("answers {count, results} newest first, with no paging fields", async () => {
    const sim = await start({ snapshots: seeds });
    const answer = await call(sim, "GET", "/snapshots/");
    expect(Object.keys(answer.json)).toEqual(["count", "results"]);
    expect(answer.json.count).toBe(3);
    expect(answer.json.results.map((s: { name: string }) => s.name)).toEqual(["b", "c", "a"]);
  });

  it("sends a seed's raw fields as given, over the documented ones, and leaves out undefined", async () => {
    const sim = await start({
      snapshots: [
        { serverId: 12345, name: "a", raw: { created_at: null, size_mb: { gb: 2 } } },
        { serverId: 12345, name: "b", raw: { created_at: undefined, extra: [1] } },
      ],
    });
    const { results } = (await call(sim, "GET", "/snapshots/?server_id=12345")).json as Page;
    const [a, b] = [...results].sort((x, y) => x.id - y.id);
    expect(a).toMatchObject({
      name: "a",
      status: "completed",
      created_at: null,
      size_mb: { gb: 2 },
    });
    expect(b).toMatchObject({ name: "b", extra: [1] });
    expect(b).not.toHaveProperty("created_at");
  });

  it("keeps one server's snapshots with server_id", async () => {
    const sim = await start({ snapshots: seeds });
    const answer = await call(sim, "GET", "/snapshots/?server_id=12345");
    expect(answer.json.count).toBe(2);
    expect(answer.json.results.map((s: { name: string }) => s.name)).toEqual(["c", "a"]);
  });

  it("answers 400 to a server_id that is not an integer", async () => {
    const sim = await start();
    const answer = await call(sim, "GET", "/snapshots/?server_id=web");
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ server_id: ["A valid integer is required."] });
  });

  it("can list oldest first", async () => {
    const sim = await start({ snapshots: seeds, listOrder: "oldest-first" });
    const answer = await call(sim, "GET", "/snapshots/");
    expect(answer.json.results.map((s: { name: string }) => s.name)).toEqual(["a", "c", "b"]);
  });

  it("shuffles deterministically and still lists every snapshot", async () => {
    const many = snapshotsOn((n) => 12345 + (n % 3), 8, { prefix: "s" });
    const sim = await start({ snapshots: many, listOrder: "shuffled", seed: 7 });
    const first = (await call(sim, "GET", "/snapshots/")).json.results.map(
      (s: { id: number }) => s.id,
    );
    const again = (await call(sim, "GET", "/snapshots/")).json.results.map(
      (s: { id: number }) => s.id,
    );
    expect([...first].sort()).toEqual(sim.snapshots().map((s) => s.id));
    expect(again).toEqual(first);
  });
});

describe("paging the snapshot list", () => {
  const five = snapshotsOn(12345, 5, { prefix: "s", firstDay: "2025-01-01" });

  it("follows next links through every page, keeping the query", async () => {
    const sim = await start({ snapshots: five, pageSize: 2 });
    const pages: Page[] = [];
    let link: string | null = `${sim.url}/snapshots/?server_id=12345`;
    while (link) {
      const response = await fetch(link, { headers: { Authorization: `Bearer ${sim.token}` } });
      const page = (await response.json()) as Page;
      pages.push(page);
      link = page.next;
    }
    expect(pages.flatMap((p) => p.results.map((s) => s.name))).toEqual([
      "s4",
      "s3",
      "s2",
      "s1",
      "s0",
    ]);
    expect(pages.map((p) => p.count)).toEqual([5, 5, 5]);
    const query = `${sim.url}/snapshots/?server_id=12345`;
    expect(pages.map((p) => [p.previous, p.next])).toEqual([
      [null, `${query}&page=2`],
      [query, `${query}&page=3`],
      [`${query}&page=2`, null],
    ]);
  });

  it("answers 404 to a page past the end", async () => {
    const sim = await start({ snapshots: five, pageSize: 2 });
    const answer = await call(sim, "GET", "/snapshots/?page=4");
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ detail: "Invalid page." });
  });

  it("puts next links on a foreign origin when asked", async () => {
    const sim = await start({ snapshots: five, pageSize: 2, nextLinkOrigin: "http://127.0.0.2:9" });
    const answer = await call(sim, "GET", "/snapshots/?page=2");
    expect(answer.json.next).toBe("http://127.0.0.2:9/api/v1/snapshots/?page=3");
    expect(answer.json.previous).toBe(`${sim.url}/snapshots/`);
  });
});

describe("a list that moves while it is read", () => {
  // Ids 801 to 805, listed newest first: 805, 804 | 803, 802 | 801.
  const five = snapshotsOn((n) => 12345 + (n % 2), 5, { prefix: "s", firstDay: "2025-01-01" });

  it("tells a hook which page it served, of which list", async () => {
    const sim = await start({ snapshots: five, pageSize: 2 });
    const seen: ListPageInfo[] = [];
    sim.afterListPage((info) => seen.push(info));
    const first = (await call(sim, "GET", "/snapshots/")).json as Page;
    await follow(sim, first.next ?? "");
    await call(sim, "GET", "/snapshots/?server_id=12345");
    await call(sim, "GET", "/snapshots/?page=9");
    expect(seen).toEqual([
      { page: 1, serverId: null, url: `${sim.url}/snapshots/`, ids: [805, 804] },
      { page: 2, serverId: null, url: `${sim.url}/snapshots/?page=2`, ids: [803, 802] },
      { page: 1, serverId: 12345, url: `${sim.url}/snapshots/?server_id=12345`, ids: [805, 803] },
    ]);
  });

  it("a deletion between two pages shifts an item onto neither page", async () => {
    const sim = await start({ snapshots: five, pageSize: 2 });
    const stop = sim.afterListPage((info) => {
      if (info.page === 1) sim.removeSnapshot(805);
    });
    const first = (await call(sim, "GET", "/snapshots/")).json as Page;
    stop();
    const second = (await follow(sim, first.next ?? "")).json as Page;
    expect(idsOf(first)).toEqual([805, 804]);
    expect(idsOf(second)).toEqual([802, 801]);
    expect([first.count, second.count]).toEqual([5, 4]);
    expect(second.next).toBeNull();
    expect(sim.deletions).toEqual([]);
  });

  it("a snapshot added between two pages repeats an item", async () => {
    const sim = await start({ snapshots: five, pageSize: 2, now: () => T0 });
    sim.afterListPage((info) => {
      if (info.page === 1) sim.addSnapshot({ serverId: 12347, name: "new" });
    });
    const first = (await call(sim, "GET", "/snapshots/")).json as Page;
    const second = (await follow(sim, first.next ?? "")).json as Page;
    expect(idsOf(first)).toEqual([805, 804]);
    expect(idsOf(second)).toEqual([804, 803]);
  });

  it("deletions that remove the last page make the API's own next link answer 404", async () => {
    const sim = await start({ snapshots: five, pageSize: 2 });
    sim.afterListPage((info) => {
      if (info.page === 2) for (const id of [801, 802]) sim.removeSnapshot(id);
    });
    const second = (await call(sim, "GET", "/snapshots/?page=2")).json as Page;
    expect(second.next).toBe(`${sim.url}/snapshots/?page=3`);
    const third = await follow(sim, second.next ?? "");
    expect(third).toEqual({ status: 404, json: { detail: "Invalid page." } });
  });

  it("stops calling a hook once it is removed", async () => {
    const sim = await start({ snapshots: five });
    const pages: number[] = [];
    const stop = sim.afterListPage((info) => pages.push(info.page));
    await call(sim, "GET", "/snapshots/?page=7");
    stop();
    await call(sim, "GET", "/snapshots/");
    expect(pages).toEqual([1]);
  });

  it("does not call a hook when a fault answers in the API's place", async () => {
    const sim = await start({ snapshots: five, pageSize: 2 });
    let calls = 0;
    sim.afterListPage(() => (calls += 1));
    sim.addFault({ route: "list-snapshots", fault: { type: "status", status: 503 } });
    expect((await call(sim, "GET", "/snapshots/")).status).toBe(503);
    expect(calls).toBe(0);
  });

  it("fails the request loudly when a hook throws", async () => {
    const sim = await start({ snapshots: five });
    sim.afterListPage(() => {
      throw new Error("no snapshot 999");
    });
    const answer = await call(sim, "GET", "/snapshots/");
    expect(answer.status).toBe(500);
    expect(answer.json.detail).toMatch(/^Simulator bug: Error: no snapshot 999/);
  });

  it("apply-then-remove: the page is answered, then those snapshots are gone", async () => {
    const sim = await start({ snapshots: five, pageSize: 2 });
    sim.addFault({
      route: "list-snapshots",
      fault: { type: "apply-then-remove", snapshotIds: [805] },
    });
    const first = (await call(sim, "GET", "/snapshots/")).json as Page;
    const second = (await follow(sim, first.next ?? "")).json as Page;
    expect([idsOf(first), idsOf(second)]).toEqual([
      [805, 804],
      [802, 801],
    ]);
    expect(sim.deletions).toEqual([]);
    expect(sim.requests.map((r) => r.fault)).toEqual(["apply-then-remove", null]);
  });

  it("refuses an apply-then-remove fault with no snapshot ids", async () => {
    const sim = await start();
    expect(() =>
      sim.addFault({ route: "*", fault: { type: "apply-then-remove", snapshotIds: [] } }),
    ).toThrow(/needs snapshotIds/);
  });
});

describe("faults in paging", () => {
  const five = snapshotsOn(12345, 5, { prefix: "s", firstDay: "2025-01-01" });

  it("next-loop: next points back at the first page, keeping the query", async () => {
    const sim = await start({ snapshots: five, pageSize: 2 });
    sim.addFault({ route: "list-snapshots", skip: 1, fault: { type: "next-loop" } });
    const query = `${sim.url}/snapshots/?server_id=12345`;
    const first = (await follow(sim, query)).json as Page;
    const second = (await follow(sim, first.next ?? "")).json as Page;
    expect(second.next).toBe(query);
    expect(second.previous).toBe(query);
    expect(idsOf(second)).toEqual([803, 802]);
  });

  it("next-loop: a given page, even from the last page", async () => {
    const sim = await start({ snapshots: five, pageSize: 2 });
    sim.addFault({
      route: "list-snapshots",
      times: Infinity,
      fault: { type: "next-loop", page: 3 },
    });
    const last = (await call(sim, "GET", "/snapshots/?page=3")).json as Page;
    expect(last.next).toBe(`${sim.url}/snapshots/?page=3`);
  });

  it("repeat-items: a page begins again with the end of the page before", async () => {
    const sim = await start({ snapshots: five, pageSize: 2 });
    sim.addFault({
      route: "list-snapshots",
      skip: 1,
      fault: { type: "repeat-items", count: 1 },
    });
    const first = (await call(sim, "GET", "/snapshots/")).json as Page;
    const second = (await follow(sim, first.next ?? "")).json as Page;
    const third = (await follow(sim, second.next ?? "")).json as Page;
    expect([idsOf(first), idsOf(second), idsOf(third)]).toEqual([
      [805, 804],
      [804, 803, 802],
      [801],
    ]);
    expect([second.count, second.next]).toEqual([5, `${sim.url}/snapshots/?page=3`]);
  });

  it("refuses a paging fault on a route other than the list", async () => {
    const sim = await start();
    expect(() => sim.addFault({ route: "*", fault: { type: "next-loop" } })).toThrow(
      /for the list-snapshots route/,
    );
  });
});

describe("a busy account", () => {
  const NOW = Date.parse("2025-06-01T12:00:00Z");

  it("spreads 1,200 snapshots over 240 servers or more, at most 5 each", () => {
    const account = busyAccount({ snapshots: 1200, now: NOW });
    expect(account.snapshots).toHaveLength(1200);
    expect(account.servers.length).toBeGreaterThanOrEqual(240);
    const perServer = new Map<number, number>();
    for (const seed of account.snapshots) {
      perServer.set(seed.serverId, (perServer.get(seed.serverId) ?? 0) + 1);
    }
    expect(Math.max(...perServer.values())).toBe(5);
    expect(new Set(account.servers.map((s) => s.id)).size).toBe(account.servers.length);
    expect([...perServer.keys()].every((id) => account.servers.some((s) => s.id === id))).toBe(
      true,
    );
    const preDeploy = account.snapshots.filter((s) => s.name.startsWith("pre-deploy-")).length;
    expect(preDeploy / 1200).toBeGreaterThan(0.3);
    expect(preDeploy / 1200).toBeLessThan(0.7);
    for (const { createdAt } of account.snapshots) {
      expect(createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(NOW - Date.parse(createdAt ?? "")).toBeLessThanOrEqual(90 * 86_400_000);
    }
    expect(busyAccount({ snapshots: 1200, now: NOW })).toEqual(account);
  });

  it("keeps the action's servers, with free slots", async () => {
    const sim = await start({ ...busyAccount({ now: NOW }), now: () => NOW });
    expect(sim.servers().slice(0, 3)).toMatchObject([
      { id: 12345, name: "web-server-01", status: "active" },
      { id: 12346, name: "web-server-02", status: "active" },
      { id: 12347, name: "db-server-01", status: "active" },
    ]);
    expect(sim.snapshotsOf(12345).map((s) => [s.name, s.created_at])).toEqual([
      ["pre-deploy-0a1b2c3-1000000001-1", "2025-05-30T12:00:00Z"],
      ["before-os-upgrade", "2025-05-12T12:00:00Z"],
    ]);
    expect(sim.snapshotsOf(12346)).toHaveLength(1);
    expect(sim.snapshotsOf(12347)).toEqual([]);
    expect((await createSnapshot(sim, { server_id: 12345, name: "pre-deploy-x" })).status).toBe(
      201,
    );
  });

  it("is read page by page, every snapshot once", async () => {
    const sim = await start({ ...busyAccount(), pageSize: 10 });
    const seen: number[] = [];
    let link: string | null = `${sim.url}/snapshots/`;
    let pages = 0;
    while (link) {
      const page = (await follow(sim, link)).json as Page;
      seen.push(...idsOf(page));
      link = page.next;
      pages += 1;
    }
    expect(pages).toBe(120);
    expect(new Set(seen).size).toBe(1200);
  });

  it("orders the account once per change, not once per page", () => {
    let version = 0;
    let orderings = 0;
    const snapshots = () => {
      orderings += 1;
      return [
        { id: 1, created_at: "2025-01-01T00:00:00Z" },
        { id: 2, created_at: "2025-01-02T00:00:00Z" },
      ];
    };
    const order = cachedOrder(snapshots, () => version, "newest-first", 1);
    expect([order(), order(), order()]).toEqual([
      [2, 1],
      [2, 1],
      [2, 1],
    ]);
    expect(orderings).toBe(1);
    version += 1;
    order();
    expect(orderings).toBe(2);
  });
});

describe("restoring a snapshot", () => {
  const completed = [{ serverId: 12345, name: "good", createdAt: "2025-01-15T18:30:00Z" }];

  it("answers the documented body, then the server is restoring until the duration ends", async () => {
    const clock = manualClock();
    const sim = await start({ now: clock.now, snapshots: completed, restoreDurationMs: 5000 });
    const answer = await call(sim, "POST", "/snapshots/801/restore/");
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      status: "success",
      message: "Server is being restored from snapshot. This may take 5-15 minutes.",
      snapshot: { id: 801, name: "good", created_at: "2025-01-15T18:30:00Z" },
      server: { id: 12345, name: "web-server-01", status: "restoring" },
    });
    expect(sim.restores).toEqual([{ snapshotId: 801, serverId: 12345, at: T0 }]);
    clock.advance(4999);
    expect((await call(sim, "GET", "/servers/12345/")).json.status).toBe("restoring");
    clock.advance(1);
    expect((await call(sim, "GET", "/servers/12345/")).json.status).toBe("active");
  });

  it("refuses a snapshot that is not completed", async () => {
    const sim = await start({ snapshots: [{ serverId: 12345, name: "x", status: "in_progress" }] });
    const answer = await call(sim, "POST", "/snapshots/801/restore/");
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: "Snapshot 801 is not completed (status: in_progress)." });
  });

  it("refuses while the server is already restoring", async () => {
    const sim = await start({ snapshots: completed });
    expect((await call(sim, "POST", "/snapshots/801/restore/")).status).toBe(200);
    const answer = await call(sim, "POST", "/snapshots/801/restore/");
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      error: "Server is not in a state that allows a restore (status: restoring).",
    });
    expect(sim.restores).toHaveLength(1);
  });

  it("refuses when the server is gone", async () => {
    const sim = await start({ snapshots: completed });
    sim.removeServer(12345);
    const answer = await call(sim, "POST", "/snapshots/801/restore/");
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatch(/not in a state that allows a restore/);
  });

  it("answers 404 for an unknown snapshot", async () => {
    const sim = await start();
    const answer = await call(sim, "POST", "/snapshots/999/restore/");
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ detail: "Snapshot not found." });
  });
});

describe("deleting a snapshot", () => {
  it("answers 204 with no body, then 404", async () => {
    const clock = manualClock();
    const sim = await start({ now: clock.now, snapshots: [{ serverId: 12345, name: "a" }] });
    const first = await call(sim, "DELETE", "/snapshots/801/");
    expect(first.status).toBe(204);
    expect(first.text).toBe("");
    expect(sim.snapshots()).toEqual([]);
    expect(sim.deletions).toEqual([{ snapshotId: 801, at: T0 }]);
    const second = await call(sim, "DELETE", "/snapshots/801/");
    expect(second.status).toBe(404);
    expect(second.json).toEqual({ detail: "Snapshot not found." });
  });

  it("does not record a deletion made outside the API", async () => {
    const sim = await start({ snapshots: [{ serverId: 12345, name: "a" }] });
    sim.removeSnapshot(801);
    expect((await call(sim, "DELETE", "/snapshots/801/")).status).toBe(404);
    expect(sim.deletions).toEqual([]);
  });
});

describe("servers, account and unknown routes", () => {
  it("lists servers and gets one", async () => {
    const sim = await start();
    sim.setServerStatus(12347, "stopped");
    const list = await call(sim, "GET", "/servers/");
    expect(list.json.count).toBe(3);
    expect(list.json.results[2]).toMatchObject({
      id: 12347,
      name: "db-server-01",
      status: "stopped",
    });
    // The provider's documented server object, as its example shows it.
    expect((await call(sim, "GET", "/servers/12346/")).json).toEqual({
      id: 12346,
      name: "web-server-02",
      hostname: "web02.example.com",
      status: "active",
      ip_address: "203.0.113.97",
      location: "us-west",
      plan: { id: 1, name: "Standard VPS", vcpus: 2, memory: 4096, storage: 80 },
      os: { id: 5, name: "Ubuntu 22.04 LTS" },
      created_at: "2025-01-10T14:30:00Z",
      updated_at: "2025-01-10T14:30:00Z",
    });
    const missing = await call(sim, "GET", "/servers/1/");
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ detail: "Server not found." });
  });

  it("answers the account", async () => {
    const sim = await start();
    const answer = await call(sim, "GET", "/account/me/");
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(answer.json).toEqual({ id: 1, email: "ci@example.com", name: "CI account" });
  });

  it("answers 404 to unknown paths and 405 to a wrong method", async () => {
    const sim = await start();
    for (const path of ["/snapshots", "/snapshots/801/restore", "/nothing/"]) {
      const answer = await call(sim, "GET", path);
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual({ detail: "Not found." });
    }
    const wrong = await call(sim, "PUT", "/snapshots/");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, POST");
  });
});

describe("faults that stop the request before the API", () => {
  it("status: answers the status with Retry-After and changes nothing", async () => {
    const sim = await start();
    sim.addFault({
      route: "create-snapshot",
      fault: { type: "status", status: 503, retryAfter: "2" },
    });
    const answer = await createSnapshot(sim, { server_id: 12345, name: "a" });
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("2");
    expect(answer.json).toEqual({ detail: "Simulated 503" });
    expect(sim.snapshots()).toEqual([]);
    expect((await createSnapshot(sim, { server_id: 12345, name: "a" })).status).toBe(201);
  });

  it("status: sends a given body verbatim", async () => {
    const sim = await start();
    sim.addFault({
      route: "*",
      fault: { type: "status", status: 429, body: '{"message":"slow"}' },
    });
    expect((await call(sim, "GET", "/servers/")).text).toBe('{"message":"slow"}');
  });

  it("reset: the connection drops with no answer and nothing happens", async () => {
    const sim = await start();
    sim.addFault({ route: "create-snapshot", fault: { type: "reset" } });
    await expect(createSnapshot(sim, { server_id: 12345, name: "a" })).rejects.toThrow();
    expect(sim.snapshots()).toEqual([]);
    expect(sim.requests.map((r) => r.status)).toEqual(["reset"]);
  });

  it("hang: never answers, until close() lets the client go", async () => {
    const sim = await start();
    sim.addFault({ route: "*", fault: { type: "hang" } });
    const pending = call(sim, "GET", "/servers/");
    const outcome = pending.then(
      () => "answered",
      () => "failed",
    );
    await until(() => sim.requests.length === 1);
    await sleep(50);
    expect(sim.requests[0]?.status).toBe("hang");
    await sim.close();
    expect(await outcome).toBe("failed");
  });

  it("non-json: answers an HTML page", async () => {
    const sim = await start();
    sim.addFault({ route: "list-snapshots", fault: { type: "non-json", status: 502 } });
    const answer = await call(sim, "GET", "/snapshots/");
    expect(answer.status).toBe(502);
    expect(answer.headers.get("content-type")).toMatch(/^text\/html/);
    expect(answer.text).toMatch(/^<!DOCTYPE html>/);
  });

  it("redirect: answers a Location and no effect", async () => {
    const sim = await start();
    sim.addFault({
      route: "delete-snapshot",
      fault: { type: "redirect", status: 307, location: "http://127.0.0.2:9/elsewhere/" },
    });
    sim.addSnapshot({ serverId: 12345, name: "a" });
    const answer = await call(sim, "DELETE", "/snapshots/801/");
    expect(answer.status).toBe(307);
    expect(answer.headers.get("location")).toBe("http://127.0.0.2:9/elsewhere/");
    expect(sim.snapshots()).toHaveLength(1);
    expect(sim.requests[0]?.status).toBe("redirect");
  });

  it("comes before authentication", async () => {
    const sim = await start();
    sim.addFault({ route: "*", fault: { type: "status", status: 502 } });
    expect((await call(sim, "GET", "/servers/", { authorization: null })).status).toBe(502);
  });
});

describe("faults that let the request take effect", () => {
  it("trickle: the whole answer arrives, slowly", async () => {
    const sim = await start();
    sim.addFault({ route: "account-me", fault: { type: "trickle", intervalMs: 3 } });
    const began = Date.now();
    const answer = await call(sim, "GET", "/account/me/");
    expect(answer.json).toEqual({ id: 1, email: "ci@example.com", name: "CI account" });
    expect(Date.now() - began).toBeGreaterThanOrEqual(answer.text.length * 3 * 0.8);
  });

  it("truncated: the headers promise the whole body, half of it arrives", async () => {
    const sim = await start();
    sim.addFault({ route: "account-me", fault: { type: "truncated" } });
    const received = await rawExchange(
      sim.origin,
      `GET /api/v1/account/me/ HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer ${sim.token}\r\n\r\n`,
    );
    const [head = "", body = ""] = received.split("\r\n\r\n");
    const announced = Number(/content-length: (\d+)/i.exec(head)?.[1]);
    expect(announced).toBeGreaterThan(0);
    expect(body.length).toBe(Math.floor(announced / 2));
  });

  it("truncated: fetch fails while reading the body", async () => {
    const sim = await start();
    sim.addFault({ route: "create-snapshot", fault: { type: "truncated" } });
    await expect(createSnapshot(sim, { server_id: 12345, name: "a" })).rejects.toThrow();
    expect(sim.creations).toEqual([801]);
  });

  it("apply-then-reset: the snapshot is created though the client sees a reset", async () => {
    const sim = await start();
    sim.addFault({ route: "create-snapshot", fault: { type: "apply-then-reset" } });
    await expect(createSnapshot(sim, { server_id: 12345, name: "a" })).rejects.toThrow();
    expect(sim.snapshotsOf(12345)).toMatchObject([{ id: 801, name: "a", status: "in_progress" }]);
    expect(sim.requests[0]).toMatchObject({ status: "reset", fault: "apply-then-reset" });
  });

  it("apply-then-status: the delete is done though the answer is a 502", async () => {
    const sim = await start({ snapshots: [{ serverId: 12345, name: "a" }] });
    sim.addFault({ route: "delete-snapshot", fault: { type: "apply-then-status", status: 502 } });
    const answer = await call(sim, "DELETE", "/snapshots/801/");
    expect(answer.status).toBe(502);
    expect(answer.json).toEqual({ detail: "Simulated 502" });
    expect(sim.snapshots()).toEqual([]);
    expect(sim.deletions).toHaveLength(1);
  });

  it("apply-then-hang: the restore starts though no answer comes", async () => {
    const sim = await start({ snapshots: [{ serverId: 12345, name: "a" }] });
    sim.addFault({ route: "restore-snapshot", fault: { type: "apply-then-hang" } });
    const controller = new AbortController();
    const given = call(sim, "POST", "/snapshots/801/restore/", { signal: controller.signal });
    // The client gives up once the request is there, not after a time a busy machine may not
    // have sent it in.
    await sim.arrived("restore-snapshot");
    controller.abort();
    await expect(given).rejects.toThrow();
    expect(sim.restores).toHaveLength(1);
    expect(sim.servers()[0]?.status).toBe("restoring");
  });
});

describe("a hold fault and the open requests: what a test waits for instead of the clock", () => {
  it("holds each request it meets until the test releases them, then serves them as the API would", async () => {
    const sim = await start();
    sim.addFault({ route: "create-snapshot", times: 2, fault: { type: "hold" } });
    const first = createSnapshot(sim, { server_id: 12345, name: "a" });
    const second = createSnapshot(sim, { server_id: 12346, name: "b" });
    await sim.arrived("create-snapshot", 2);
    expect(sim.openRequests("create-snapshot")).toBe(2);
    expect(sim.snapshots()).toEqual([]);
    expect((await call(sim, "GET", "/servers/")).status).toBe(200);
    expect(sim.releaseHeld()).toBe(2);
    expect((await first).status).toBe(201);
    expect((await second).status).toBe(201);
    expect(sim.creations).toHaveLength(2);
    expect(sim.releaseHeld()).toBe(0);
    expect(sim.requests.map((r) => [r.route, r.fault])).toEqual([
      ["list-servers", null],
      ["create-snapshot", "hold"],
      ["create-snapshot", "hold"],
    ]);
  });

  it("counts requests in as they arrive and out as they are answered, per route and in all", async () => {
    const sim = await start();
    sim.addFault({ route: "*", times: 3, fault: { type: "hold" } });
    const held = [
      call(sim, "GET", "/servers/12345/"),
      call(sim, "GET", "/servers/12346/"),
      call(sim, "GET", "/snapshots/?server_id=12345"),
    ];
    await sim.arrived("get-server", 2);
    await sim.arrived("list-snapshots");
    expect(sim.arrivalsOf("get-server")).toBe(2);
    expect([sim.openRequests("get-server"), sim.openRequests()]).toEqual([2, 3]);
    sim.releaseHeld();
    await Promise.all(held);
    await call(sim, "GET", "/servers/12345/");
    expect([
      sim.openRequests(),
      sim.peakOpenRequests(),
      sim.peakOpenRequests("get-server"),
    ]).toEqual([0, 3, 2]);
    expect(sim.arrivalsOf("get-server")).toBe(3);
  });

  it("arrived() resolves at once for requests already there, and for later ones when they come", async () => {
    const sim = await start();
    await call(sim, "GET", "/servers/");
    await sim.arrived("list-servers");
    const later = sim.arrived("list-servers", 2).then(() => sim.arrivalsOf("list-servers"));
    await call(sim, "GET", "/servers/");
    expect(await later).toBe(2);
  });

  it("a held request whose client gives up is logged as hung and never reaches the API", async () => {
    const sim = await start();
    sim.addFault({ route: "create-snapshot", fault: { type: "hold" } });
    const controller = new AbortController();
    const given = call(sim, "POST", "/snapshots/", {
      body: { server_id: 12345, name: "a" },
      signal: controller.signal,
    }).catch(() => "gave up");
    await sim.arrived("create-snapshot");
    controller.abort();
    expect(await given).toBe("gave up");
    await until(() => sim.requests.length === 1);
    expect(sim.releaseHeld()).toBe(0);
    expect(sim.requests).toMatchObject([
      { route: "create-snapshot", status: "hang", fault: "hold" },
    ]);
    expect(sim.snapshots()).toEqual([]);
  });
});

describe("a delay fault: the request waits in front of the API, then is served as usual", () => {
  it("answers as the API would once the delay is over; requests after it go by meanwhile", async () => {
    const clock = manualClock();
    const sim = await start({ now: clock.now });
    sim.addFault({ route: "create-snapshot", fault: { type: "delay", ms: 400 } });
    const delayed = createSnapshot(sim, { server_id: 12345, name: "a" });
    await until(() => sim.faultsInjected === 1);
    clock.advance(1_000);
    expect((await call(sim, "GET", "/servers/")).status).toBe(200);
    expect(sim.snapshots()).toEqual([]);
    const answer = await delayed;
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ id: 801, name: "a", server: { id: 12345 } });
    expect(sim.creations).toEqual([801]);
    // Logged once answered, with the time it arrived.
    expect(sim.requests).toMatchObject([
      { seq: 1, route: "list-servers", at: T0 + 1_000, status: 200, fault: null },
      { seq: 2, route: "create-snapshot", at: T0, status: 201, fault: "delay" },
    ]);
  });

  it("holds only the requests it is armed for: any route, one method, one server, some times", async () => {
    const sim = await start();
    sim.addFault({
      route: "*",
      method: "get",
      serverId: 12346,
      times: 2,
      fault: { type: "delay", ms: 20 },
    });
    await call(sim, "GET", "/servers/12345/");
    await createSnapshot(sim, { server_id: 12346, name: "a" });
    await call(sim, "GET", "/servers/12346/");
    await call(sim, "GET", "/snapshots/?server_id=12346");
    await call(sim, "GET", "/servers/12346/");
    expect(sim.requests.map((r) => [r.method, r.path, r.status, r.fault])).toEqual([
      ["GET", "/api/v1/servers/12345/", 200, null],
      ["POST", "/api/v1/snapshots/", 201, null],
      ["GET", "/api/v1/servers/12346/", 200, "delay"],
      ["GET", "/api/v1/snapshots/", 200, "delay"],
      ["GET", "/api/v1/servers/12346/", 200, null],
    ]);
  });

  it("a client that stops waiting gets no answer, and the request never reaches the API", async () => {
    const sim = await start();
    sim.addFault({ route: "create-snapshot", fault: { type: "delay", ms: 300 } });
    const controller = new AbortController();
    const given = call(sim, "POST", "/snapshots/", {
      body: { server_id: 12345, name: "a" },
      signal: controller.signal,
    });
    await sim.arrived("create-snapshot");
    controller.abort();
    await expect(given).rejects.toThrow();
    await until(() => sim.requests.length === 1);
    await sleep(400);
    expect(sim.requests).toMatchObject([
      { route: "create-snapshot", status: "hang", fault: "delay" },
    ]);
    expect(sim.snapshots()).toEqual([]);
  });

  it("refuses a delay without a number of milliseconds", async () => {
    const sim = await start();
    // @ts-expect-error: a delay needs ms
    expect(() => sim.addFault({ route: "*", fault: { type: "delay" } })).toThrow(/ms >= 0/);
    expect(() => sim.addFault({ route: "*", fault: { type: "delay", ms: -1 } })).toThrow(/ms >= 0/);
  });
});

describe("answers that leave out what the document promises", () => {
  it("slim-answer: the snapshot is created, the answer has no server object", async () => {
    const sim = await start({ now: () => T0 });
    sim.addFault({ route: "create-snapshot", fault: { type: "slim-answer" } });
    const answer = await createSnapshot(sim, { server_id: 12345, name: "a" });
    expect(answer.status).toBe(201);
    expect(answer.json).toEqual({
      id: 801,
      name: "a",
      status: "in_progress",
      size_mb: null,
      created_at: "2025-01-15T18:30:00Z",
      description: null,
      message: CREATE_MESSAGE,
    });
    expect(sim.creations).toEqual([801]);
  });

  it("slim-answer: only the fields asked for", async () => {
    const sim = await start();
    sim.addFault({ route: "create-snapshot", fault: { type: "slim-answer", fields: ["id"] } });
    const answer = await createSnapshot(sim, { server_id: 12345, name: "a" });
    expect([answer.status, answer.json]).toEqual([201, { id: 801 }]);
    expect(sim.snapshotsOf(12345)).toHaveLength(1);
  });

  it("slim-answer: an error goes out whole", async () => {
    const sim = await start();
    sim.addFault({ route: "create-snapshot", fault: { type: "slim-answer", fields: ["id"] } });
    const answer = await createSnapshot(sim, { server_id: 999, name: "a" });
    expect([answer.status, answer.json]).toEqual([404, { detail: "Server not found." }]);
  });

  it("apply-then-status: a 201 whose body is not whole JSON, the snapshot made", async () => {
    const sim = await start();
    sim.addFault({
      route: "create-snapshot",
      fault: { type: "apply-then-status", status: 201, body: '{"id": 801, "name": "a", "ser' },
    });
    const answer = await call(sim, "POST", "/snapshots/", {
      body: { server_id: 12345, name: "a" },
    }).catch((error: unknown) => error);
    expect(answer).toBeInstanceOf(SyntaxError);
    expect(sim.creations).toEqual([801]);
  });
});

describe("text the client must not trust", () => {
  const HOSTILE =
    "evil\n::warning::pwned\n::set-output name=snapshot-id::666\r\n" +
    "| a | b |\n<b>bold</b><script>alert(1)</script> %0A ${{ secrets.X }} \u2028end";

  it("serves a seed's name, description and server name unchanged", async () => {
    const sim = await start({
      servers: [{ id: 12345, name: `web ${HOSTILE}` }],
      snapshots: [{ serverId: 12345, name: HOSTILE, description: HOSTILE }],
    });
    const answer = await call(sim, "GET", "/snapshots/?server_id=12345");
    expect(answer.json.results[0]).toMatchObject({
      server: { id: 12345, name: `web ${HOSTILE}` },
      name: HOSTILE,
      description: HOSTILE,
    });
  });

  it("carries it in a status fault's JSON error body", async () => {
    const sim = await start();
    sim.addFault({ route: "*", fault: { type: "status", status: 400, message: HOSTILE } });
    const answer = await createSnapshot(sim, { server_id: 12345, name: "a" });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ detail: HOSTILE });
  });
});

describe("fault counting", () => {
  it("skips the first matching requests, then fires the given number of times", async () => {
    const sim = await start();
    sim.addFault({
      route: "list-servers",
      skip: 1,
      times: 2,
      fault: { type: "status", status: 500 },
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(sim, "GET", "/servers/")).status);
    await call(sim, "GET", "/account/me/");
    expect(statuses).toEqual([200, 500, 500, 200]);
    expect(sim.faultsInjected).toBe(2);
  });

  it("matches the method and uses faults in the order they were added", async () => {
    const sim = await start();
    sim.addFault({ route: "*", method: "post", fault: { type: "status", status: 503 } });
    sim.addFault({ route: "*", times: Infinity, fault: { type: "status", status: 500 } });
    expect((await call(sim, "GET", "/servers/")).status).toBe(500);
    expect((await createSnapshot(sim, { server_id: 12345, name: "a" })).status).toBe(503);
    expect((await createSnapshot(sim, { server_id: 12345, name: "a" })).status).toBe(500);
    sim.clearFaults();
    expect((await call(sim, "GET", "/servers/")).status).toBe(200);
    expect(sim.faultsInjected).toBe(3);
  });

  it("arms a fault for one server's requests only, and clears only those", async () => {
    const sim = await start({ snapshots: [{ id: 900, serverId: 12346, name: "seed" }] });
    const error = { type: "status", status: 502 } as const;
    sim.addFault({ route: "*", serverId: 12346, times: Infinity, fault: error });
    sim.addFault({ route: "list-servers", serverId: 12345, times: Infinity, fault: error });
    expect((await call(sim, "GET", "/snapshots/?server_id=12345")).status).toBe(200);
    expect((await call(sim, "GET", "/snapshots/?server_id=12346")).status).toBe(502);
    expect((await createSnapshot(sim, { server_id: 12345, name: "a" })).status).toBe(201);
    expect((await createSnapshot(sim, { server_id: 12346, name: "a" })).status).toBe(502);
    expect((await call(sim, "DELETE", "/snapshots/900/")).status).toBe(502);
    expect((await call(sim, "GET", "/servers/12346/")).status).toBe(502);
    expect((await call(sim, "GET", "/servers/12345/")).status).toBe(200);
    sim.clearFaults(12346);
    expect((await call(sim, "GET", "/snapshots/?server_id=12346")).status).toBe(200);
    expect((await call(sim, "GET", "/servers/")).status).toBe(200);
  });

  it("refuses an unknown route or fault type", async () => {
    const sim = await start();
    // @ts-expect-error: a typo a test could make
    expect(() => sim.addFault({ route: "list-snapshot", fault: { type: "reset" } })).toThrow(
      /unknown route/,
    );
    // @ts-expect-error: a typo a test could make
    expect(() => sim.addFault({ route: "*", fault: { type: "rest" } })).toThrow(/fault type/);
  });
});

describe("echoing the token in errors", () => {
  it("repeats the Authorization value in 4xx bodies when asked", async () => {
    const sim = await start({ echoTokenInErrors: true });
    const refused = await call(sim, "GET", "/servers/", { authorization: "Bearer leaked-secret" });
    expect(refused.text).toContain("Bearer leaked-secret");
    expect(refused.json.detail).toContain("leaked-secret");
    const invalid = await createSnapshot(sim, { server_id: 12345, name: "bad name" });
    expect(invalid.json.authorization).toBe(`Bearer ${sim.token}`);
    const fine = await call(sim, "GET", "/servers/");
    expect(fine.text).not.toContain(sim.token);
  });

  it("does not echo by default", async () => {
    const sim = await start();
    const refused = await call(sim, "GET", "/servers/", { authorization: "Bearer leaked-secret" });
    expect(refused.text).not.toContain("leaked-secret");
  });
});

describe("the request log", () => {
  it("records each request in order with what it got", async () => {
    const clock = manualClock();
    const sim = await start({ now: clock.now });
    sim.addFault({ route: "list-snapshots", fault: { type: "status", status: 503 } });
    await call(sim, "GET", "/snapshots/?server_id=12345");
    clock.advance(10);
    await createSnapshot(sim, { server_id: 12345, name: "a" });
    await call(sim, "POST", "/snapshots/", { rawBody: "not json", authorization: null });
    await call(sim, "GET", "/nowhere/");
    expect(sim.requests).toEqual([
      {
        seq: 1,
        at: T0,
        method: "GET",
        path: "/api/v1/snapshots/",
        query: { server_id: "12345" },
        route: "list-snapshots",
        authorization: `Bearer ${sim.token}`,
        body: null,
        status: 503,
        fault: "status",
      },
      {
        seq: 2,
        at: T0 + 10,
        method: "POST",
        path: "/api/v1/snapshots/",
        query: {},
        route: "create-snapshot",
        authorization: `Bearer ${sim.token}`,
        body: { server_id: 12345, name: "a" },
        status: 201,
        fault: null,
      },
      expect.objectContaining({ seq: 3, authorization: null, body: "not json", status: 401 }),
      expect.objectContaining({ seq: 4, route: "unknown", status: 404 }),
    ]);
    expect(sim.requestsFor("create-snapshot").map((r) => r.seq)).toEqual([2, 3]);
    expect(sim.requestsFor("list-snapshots", "POST")).toEqual([]);
  });
});

describe("the command line", () => {
  it("--port 0: any free port; says the URL it listens on, its servers, and how to run the action", async () => {
    const cli = fileURLToPath(new URL("../../simulator/cli.js", import.meta.url));
    const child = spawn(process.execPath, [cli, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const exited = new Promise((resolve) => child.on("exit", resolve));
    let answer: number | undefined;
    try {
      await until(() => output.includes("Stop with Ctrl+C.") || child.exitCode !== null);
      const url = /^Simulator listening on (\S+)$/m.exec(output)?.[1];
      const token = /^Token: (\S+)$/m.exec(output)?.[1];
      answer = (
        await fetch(`${url}/servers/12345/`, { headers: { authorization: `Bearer ${token}` } })
      ).status;
    } finally {
      child.kill("SIGTERM");
    }
    await exited;
    const lines = output.split("\n");
    const [, url, port] =
      /^Simulator listening on (http:\/\/127\.0\.0\.1:(\d+)\/api\/v1)$/.exec(lines[0] ?? "") ?? [];
    expect(Number(port)).toBeGreaterThan(0);
    expect(answer).toBe(200);
    expect(lines[1]).toBe("servers: 12345 web-server-01, 12346 web-server-02, 12347 db-server-01");
    expect(lines[2]).toMatch(/^Token: sim-[0-9a-f]{32}$/);
    expect(lines[4]).toBe(
      `  npm run action -- api-url=${url} api-token=${lines[2]?.slice("Token: ".length)} server-id=12345`,
    );
  });
});

/**
 * close() does not wait for the requests it holds open: a close that waited would last as long as
 * the hang (for ever) or the delay (60 s). The bound only tells "did not wait" from "waited", with
 * room for a busy machine; it is far above the few milliseconds a close takes.
 */
const CLOSES_WITHIN_MS = 10_000;

describe("closing", () => {
  it("resolves promptly with a hung request open, and twice", async () => {
    const sim = await start();
    sim.addFault({ route: "*", times: Infinity, fault: { type: "hang" } });
    const hung = call(sim, "GET", "/servers/").catch(() => "failed");
    const idle = rawExchange(sim.origin, "GET /api/v1/servers/ HTTP/1.1\r\nHost: sim\r\n");
    await until(() => sim.requests.length === 1);
    const began = Date.now();
    await sim.close();
    await sim.close();
    expect(Date.now() - began).toBeLessThan(CLOSES_WITHIN_MS);
    expect(await hung).toBe("failed");
    expect(await idle).toBe("");
  });

  it("resolves promptly with a delayed request waiting, which then never reaches the API", async () => {
    const sim = await start();
    sim.addFault({ route: "create-snapshot", fault: { type: "delay", ms: 60_000 } });
    const delayed = createSnapshot(sim, { server_id: 12345, name: "a" }).catch(() => "failed");
    await sim.arrived("create-snapshot");
    const began = Date.now();
    await sim.close();
    expect(Date.now() - began).toBeLessThan(CLOSES_WITHIN_MS);
    expect(await delayed).toBe("failed");
    expect(sim.snapshots()).toEqual([]);
  });
});
