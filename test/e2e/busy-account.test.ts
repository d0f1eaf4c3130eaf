import { describe, expect, it } from "vitest";
import { runPostStep } from "../../scripts/run-action.js";
import { ACTION_SERVERS, busyAccount } from "../../simulator/seeds.js";
import type { Simulator } from "../../simulator/server.js";
import { failureOf, json, run, simulator } from "./support.js";

/** Other people's snapshots, oldest first, on servers the action does not touch. */
function others(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: 100 + i,
    serverId: 20_001 + Math.floor(i / 5),
    name: `nightly-${i}`,
    createdAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().replace(/\.\d+Z$/, "Z"),
  }));
}

const servers = [
  ...ACTION_SERVERS,
  ...Array.from({ length: 10 }, (_, i) => ({ id: 20_001 + i, name: `other-${i}` })),
];

/** Deletes one other snapshot right after the first page of a walk of the account's list. */
function deleteBetweenPages(sim: Simulator, when: () => boolean, victim: number) {
  let done = false;
  sim.afterListPage((info) => {
    if (done || info.page !== 1 || info.serverId !== null || !when()) return;
    done = true;
    sim.removeSnapshot(victim);
  });
  return () => done;
}

describe("a list that moves while it is read", () => {
  it("a snapshot of ours on no page of one walk is confirmed, not declared gone", async () => {
    // Oldest first, 10 a page: ours are the 11th and 12th. Deleting one of page 1 after it was
    // read moves ours up: the 11th onto page 1, already read, so it is on neither page.
    const sim = await simulator({
      servers,
      snapshots: others(10),
      pageSize: 10,
      listOrder: "oldest-first",
    });
    const happened = deleteBetweenPages(sim, () => sim.snapshots().length === 12, 100);
    const result = await run(sim, { "server-id": "12345 12346" });
    expect(happened()).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toMatch(/disappeared/);
    expect(json<Record<string, number>>(result.outputs["snapshot-ids"])).toEqual({
      12345: sim.creations[0],
      12346: sim.creations[1],
    });
    // The absence was checked through the server's own list before anything was decided.
    expect(sim.requestsFor("list-snapshots").some((r) => r.query.server_id === "12345")).toBe(true);
  });

  it("the last page vanishing mid-walk (404 Invalid page.) does not fail the wait", async () => {
    // 9 others and ours: 11 items, 2 pages; one deletion after page 1 removes page 2.
    const sim = await simulator({
      servers,
      snapshots: others(9),
      pageSize: 10,
      listOrder: "oldest-first",
    });
    const happened = deleteBetweenPages(sim, () => sim.snapshots().length === 11, 101);
    const result = await run(sim, { "server-id": "12345 12346" });
    expect(happened()).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(
      sim.requestsFor("list-snapshots").some((r) => r.status === 404 && r.query.page === "2"),
    ).toBe(true);
  });

  it("a paging loop ends with a clear error, not an endless walk", async () => {
    const sim = await simulator({ servers, snapshots: others(30), pageSize: 10 });
    sim.addFault({ route: "list-snapshots", times: 50, fault: { type: "next-loop", page: 1 } });
    const result = await run(sim, { mode: "delete", "snapshot-id": "100", "dry-run": "true" });
    expect(result.stdout).toMatch(
      /paging loops: the next page, GET \/snapshots\/.* was already read/,
    );
    expect(sim.requestsFor("list-snapshots").length).toBeLessThanOrEqual(3);
  });
});

describe("an account of 1,205 snapshots (121 pages of 10)", () => {
  const busy = () => simulator({ ...busyAccount({ snapshots: 1205 }), pageSize: 10 });

  it("a fleet's create and wait read each server's own list: at most 3 requests a check", async () => {
    const sim = await busy();
    const result = await run(sim, { "server-id": "12345 12346 12347" });
    expect(result.exitCode).toBe(0);
    const lists = sim.requestsFor("list-snapshots");
    const accountPages = lists.filter((r) => r.query.server_id === undefined);
    // One page of the account's list told its size; nothing else of it was read.
    expect(accountPages).toHaveLength(1);
    const checks = result.stdout.split("\n").filter((l) => / elapsed\)$/.test(l)).length;
    // Before the create, one list per server; then at most 3 per check.
    expect(lists.length - 1 - 3).toBeLessThanOrEqual(3 * checks);
  });

  it("restore by a plain id walks the account once, past any fixed cap", async () => {
    const sim = await busy();
    const target = sim.snapshotsOf(12345).find((s) => s.name.startsWith("pre-deploy-"));
    const result = await run(sim, {
      mode: "restore",
      "snapshot-id": String(target?.id),
      wait: "false",
    });
    expect(result.exitCode).toBe(0);
    expect(sim.restores.map((r) => r.snapshotId)).toEqual([target?.id]);
    expect(sim.requestsFor("list-snapshots")).toHaveLength(121);
  });

  it("restore with a snapshot-ids map and the rollback read only the servers' own lists", async () => {
    const sim = await busy();
    const inputs = {
      "api-url": sim.url,
      "api-token": sim.token,
      "poll-interval": "0.3s",
      "server-id": "12345 12346",
      "rollback-on-failure": "true",
    };
    const main = await run(sim, inputs);
    expect(main.exitCode).toBe(0);
    const before = sim.requests.length;
    const post = await runPostStep({
      inputs,
      state: main.savedState,
      jobStatus: "failure",
      timeoutMs: 60_000,
    });
    expect(post?.exitCode).toBe(0);
    const ids = json<Record<string, number>>(main.outputs["snapshot-ids"]);
    expect(sim.restores.map((r) => [r.serverId, r.snapshotId]).sort()).toEqual([
      [12345, ids["12345"]],
      [12346, ids["12346"]],
    ]);
    const postLists = sim.requests.slice(before).filter((r) => r.route === "list-snapshots");
    expect(postLists.map((r) => r.query.server_id).sort()).toEqual(["12345", "12346"]);
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
    expect(failure).toMatch(/server 12346.*asked to wait 1h 00m/);
    expect(failure).not.toMatch(/12345|12347/);
    expect(Object.keys(json<Record<string, number>>(result.outputs["snapshot-ids"]))).toEqual([
      "12345",
      "12347",
    ]);
    expect(result.summary).toMatch(/\| 12345 \| \d+ \| .* \| completed \|/);
    expect(result.summary).toMatch(/\| 12347 \| \d+ \| .* \| completed \|/);
    expect(result.durationMs).toBeLessThan(12_000);
  });
});

describe("a create answer slimmer than documented", () => {
  it.each([
    ["without the server object", undefined],
    ["with only the id", ["id"]],
  ])("%s: adopted through the list, snapshot-id set", async (_case, fields) => {
    const sim = await simulator();
    sim.addFault({ route: "create-snapshot", fault: { type: "slim-answer", fields } });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(0);
    expect(sim.creations).toHaveLength(1);
    expect(result.outputs["snapshot-id"]).toBe(String(sim.creations[0]));
    expect(result.stdout).toMatch(/was made; using it/);
  });
});

describe("cancelled with the create request open", () => {
  it("the API made the snapshot: one look finds it, names it, puts it in the outputs", async () => {
    const sim = await simulator();
    sim.addFault({ route: "create-snapshot", fault: { type: "apply-then-hang" } });
    const result = await run(sim, { "server-id": "12345" }, { killAfterMs: 1_500 });
    const made = sim.creations[0];
    expect(made).toBeDefined();
    expect(result.outputs["snapshot-id"]).toBe(String(made));
    expect(result.outputs["snapshot-ids"]).toBe(JSON.stringify({ 12345: made }));
    expect(result.stdout).toMatch(new RegExp(`Cancelled, but server 12345's snapshot ${made}`));
    expect(result.durationMs - 1_500).toBeLessThan(2_000);
  });

  it("nothing made yet: says which name to look for", async () => {
    const sim = await simulator();
    sim.addFault({ route: "create-snapshot", fault: { type: "hang" } });
    const result = await run(sim, { "server-id": "12345" }, { killAfterMs: 1_500 });
    expect(sim.creations).toHaveLength(0);
    expect(result.stdout).toMatch(
      /no snapshot named pre-deploy-1a2b3c4-9876543210-1 was found on it yet.*look for a snapshot named pre-deploy-1a2b3c4-9876543210-1 on server 12345/,
    );
    expect(result.durationMs - 1_500).toBeLessThan(2_000);
  });
});

describe("untrusted text from the API", () => {
  const hostile = "evil\n::set-output name=snapshot-id::666\r\n::warning::pwned | <b>bold</b>";

  /** Every line of the log that the runner would take as a command is one the action meant. */
  function expectNoInjectedCommand(stdout: string) {
    for (const line of stdout.split("\n")) {
      if (!/^\s*(::|##\[)/.test(line)) continue;
      expect(line).toMatch(/^::(group|endgroup|add-mask|debug|error|warning|notice)::/);
      expect(line).not.toMatch(/^::warning::pwned|^::set-output/);
    }
  }

  it("names, descriptions and statuses never start a workflow command or break the summary", async () => {
    const sim = await simulator({
      snapshots: [
        { id: 901, serverId: 12345, name: hostile, description: hostile, status: "completed" },
        { id: 902, serverId: 12345, name: "pre-deploy-x", status: "\n::notice::odd" },
      ],
    });
    const modes: Record<string, string>[] = [
      { mode: "list", "server-id": "12345" },
      { mode: "restore", "snapshot-id": "901", "dry-run": "true" },
      { mode: "delete", "snapshot-id": "901", "dry-run": "true" },
      { mode: "prune", "server-id": "12345", keep: "0", "dry-run": "true", "name-prefix": "evil" },
    ];
    for (const inputs of modes) {
      const result = await run(sim, inputs);
      expectNoInjectedCommand(result.stdout);
      expect(result.outputs["snapshot-id"]).not.toBe("666");
      expect(result.summary).not.toMatch(/<b>/);
      for (const line of result.summary.split("\n").filter((l) => l.startsWith("|"))) {
        expect(line).toMatch(/\|$/);
      }
    }
  });

  it("an API error message is one line, never a command", async () => {
    const sim = await simulator();
    sim.addFault({
      route: "create-snapshot",
      fault: { type: "status", status: 400, message: hostile },
    });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(1);
    expectNoInjectedCommand(result.stdout);
    expect(failureOf(result)).toMatch(/evil ::set-output name=snapshot-id::666 ::warning::pwned/);
  });
});

describe("credentials in api-url", () => {
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
