import { describe, expect, it } from "vitest";
import { onServer, snapshotsOn } from "../../support/fixtures.js";
import {
  failureOf,
  groupsOf,
  json,
  lastElapsed,
  run,
  simulator,
} from "../../support/in-process.js";

const day = (n: number) => `2026-11-${String(n).padStart(2, "0")}T10:00:00Z`;

describe("restore: by id", () => {
  it("restores the server and waits until it is no longer restoring", async () => {
    const sim = await simulator({
      restoreDurationMs: 1_200,
      snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-a", createdAt: day(1) }],
    });
    const result = await run(sim, { mode: "restore", "snapshot-id": "801" });
    expect(result.exitCode).toBe(0);
    expect(sim.restores.map((r) => [r.snapshotId, r.serverId])).toEqual([[801, 12345]]);
    expect(result.outputs).toMatchObject({
      "snapshot-id": "801",
      "snapshot-ids": '{"12345":801}',
      "snapshot-name": "pre-deploy-a",
      "server-status": "active",
    });
    expect(result.stdout).toMatch(/Server web-server-01 \(12345\): restoring \(\d+s elapsed\)/);
    expect(groupsOf(result)).toEqual([
      "Starting 1 restore(s)",
      "Waiting for 1 restore(s) to finish",
    ]);
    expect(result.stdout).toMatch(/Server web-server-01 \(12345\): active \(\d+s elapsed\)/);
    expect(sim.requestsFor("get-server").length).toBeGreaterThan(1);
    expect(result.summary).toMatch(
      /\| web-server-01 \(12345\) \| 801 \| pre-deploy-a \| .* \| active \| \d+s \|/,
    );
    expect(result.stdout).toMatch(
      /::warning::Restoring server web-server-01 \(12345\) to snapshot 801: everything written/,
    );
  });

  it("takes the snapshot-ids JSON of a create step and restores each server to its own", async () => {
    const sim = await simulator({
      snapshots: [
        { id: 801, serverId: 12345, name: "pre-deploy-a" },
        { id: 802, serverId: 12346, name: "pre-deploy-a" },
        { id: 803, serverId: 12347, name: "pre-deploy-a" },
      ],
    });
    const result = await run(sim, { mode: "restore", "snapshot-id": '{"12345":801,"12346":802}' });
    expect(result.exitCode).toBe(0);
    expect(sim.restores.map((r) => r.snapshotId).sort()).toEqual([801, 802]);
    expect(json(result.outputs["snapshot-ids"])).toEqual({ 12345: 801, 12346: 802 });
  });

  it("with wait false, starts the restore and does not follow it", async () => {
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "x" }],
      restoreDurationMs: 30_000,
    });
    const result = await run(sim, { mode: "restore", "snapshot-id": "801", wait: "false" });
    expect(result.exitCode).toBe(0);
    expect(result.outputs["server-status"]).toBe("restoring");
    // The one check before the restore; none after it.
    const routes = sim.requests.map((r) => r.route);
    expect(routes.filter((r) => r === "get-server")).toHaveLength(1);
    expect(routes.lastIndexOf("get-server")).toBeLessThan(routes.indexOf("restore-snapshot"));
  });
});

describe("restore: latest", () => {
  it("picks the newest completed snapshot with the prefix, ignoring newer unfinished or unprefixed ones", async () => {
    const sim = await simulator({
      listOrder: "shuffled",
      snapshots: [
        ...onServer(12345, [
          { id: 801, name: "pre-deploy-old", createdAt: day(1) },
          { id: 805, name: "pre-deploy-good", createdAt: day(3) },
          { id: 802, name: "pre-deploy-busy", createdAt: day(5), status: "in_progress" },
          { id: 803, name: "manual-newest", createdAt: day(6) },
        ]),
        { id: 804, serverId: 12346, name: "pre-deploy-other-server", createdAt: day(7) },
      ],
    });
    const result = await run(sim, {
      mode: "restore",
      "snapshot-id": "latest",
      "server-id": "12345",
    });
    expect(result.exitCode).toBe(0);
    expect(sim.restores.map((r) => r.snapshotId)).toEqual([805]);
    expect(result.outputs["snapshot-id"]).toBe("805");
  });

  it("restores nothing when the server has no completed snapshot of ours", async () => {
    const sim = await simulator({
      snapshots: [
        { serverId: 12345, name: "manual-1" },
        { serverId: 12345, name: "pre-deploy-busy", status: "in_progress" },
      ],
    });
    const result = await run(sim, {
      mode: "restore",
      "snapshot-id": "latest",
      "server-id": "12345",
    });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /Server web-server-01 \(12345\) has no completed snapshot whose name starts with "pre-deploy-"/,
    );
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(0);
  });

  it("needs server-id", async () => {
    const sim = await simulator();
    const result = await run(sim, { mode: "restore", "snapshot-id": "latest" });
    expect(failureOf(result)).toMatch(
      /server-id or server-name is required with snapshot-id "latest"/,
    );
    expect(sim.requests).toHaveLength(0);
  });
});

describe("restore: refuses what cannot be restored, sending no restore at all", () => {
  it("an unknown snapshot, even beside a good one", async () => {
    const sim = await simulator({ snapshots: [{ id: 801, serverId: 12345, name: "ok" }] });
    const result = await run(sim, { mode: "restore", "snapshot-id": "801, 999" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(/Snapshot 999 does not exist/);
    expect(failureOf(result)).toMatch(/Nothing was restored\./);
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(0);
    expect(sim.servers().every((s) => s.status === "active")).toBe(true);
  });

  it("a snapshot that is not completed", async () => {
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "busy", status: "in_progress" }],
    });
    const result = await run(sim, { mode: "restore", "snapshot-id": "801" });
    expect(failureOf(result)).toMatch(
      /Snapshot 801 \(busy, server web-server-01 \(12345\)\) is in_progress, not completed: it cannot be restored\./,
    );
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(0);
  });

  it("a map whose snapshot is on no server of the map: the snapshot id is the likely typo", async () => {
    const sim = await simulator({
      snapshots: [
        { id: 801, serverId: 12346, name: "x" },
        { id: 802, serverId: 12345, name: "y" },
      ],
    });
    const result = await run(sim, { mode: "restore", "snapshot-id": '{"12345":801}' });
    expect(failureOf(result).split("\n")).toEqual([
      "Snapshot 801 is not on server web-server-01 (12345) (its snapshots: 802): is the snapshot id in snapshot-id a typo?",
      "Nothing was restored.",
    ]);
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(0);
  });

  it("a map whose snapshot is on another server of the map: says which", async () => {
    const sim = await simulator({
      snapshots: [
        { id: 801, serverId: 12346, name: "x" },
        { id: 802, serverId: 12346, name: "y" },
      ],
    });
    const result = await run(sim, {
      mode: "restore",
      "snapshot-id": '{"12345":801,"12346":802,"12347":818}',
    });
    expect(failureOf(result).split("\n")).toEqual([
      "snapshot-id pairs server web-server-01 (12345) with snapshot 801, but that snapshot belongs to server web-server-02 (12346).",
      "Snapshot 818 is not on server db-server-01 (12347) (it has none), nor on any other server of the map: is the snapshot id in snapshot-id a typo?",
      "Nothing was restored.",
    ]);
  });

  it("two snapshots for one server", async () => {
    const sim = await simulator({ snapshots: snapshotsOn(12345, ["a", "b"], { firstId: 801 }) });
    const result = await run(sim, { mode: "restore", "snapshot-id": "801 802" });
    expect(failureOf(result)).toMatch(
      /names 2 snapshots of server web-server-01 \(12345\) \(801, 802\): a server can be restored to only one/,
    );
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(0);
  });

  it("a map naming one server twice, as a repeated key or two spellings of its id: before any request", async () => {
    const sim = await simulator({
      snapshots: snapshotsOn(12345, ["a", "b"], { prefix: "pre-deploy-", firstId: 801 }),
    });
    const maps: [string, string][] = [
      ['{"12345":801,"12345":802}', '"12345", "12345"'],
      ['{"12345":801,"012345":802}', '"12345", "012345"'],
      [String.raw`{"12345":801,"\u00312345":802}`, String.raw`"12345", "\u00312345"`],
    ];
    for (const [map, keys] of maps) {
      const result = await run(sim, { mode: "restore", "snapshot-id": map });
      expect(result.exitCode).toBe(1);
      expect(failureOf(result)).toContain(
        `snapshot-id names server 12345 2 times (keys ${keys}): a server can have only one snapshot in the map`,
      );
    }
    expect(sim.requests).toHaveLength(0);
    expect(sim.restores).toHaveLength(0);
  });

  it("a server the API says cannot be restored now (400), with its reason", async () => {
    const sim = await simulator({ snapshots: [{ id: 801, serverId: 12345, name: "a" }] });
    sim.addFault({
      route: "restore-snapshot",
      fault: { type: "status", status: 400, message: "Server is not in a valid state." },
    });
    const result = await run(sim, { mode: "restore", "snapshot-id": "801" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /Server web-server-01 \(12345\) cannot be restored from snapshot 801 now \(HTTP 400.*not in a valid state/,
    );
    expect(sim.restores).toHaveLength(0);
  });

  it("a server already restoring or suspended, found by the check before any restore", async () => {
    const sim = await simulator({
      snapshots: snapshotsOn((n) => 12345 + n, ["a", "b"], { firstId: 801 }),
    });
    sim.setServerStatus(12345, "restoring");
    sim.setServerStatus(12346, "suspended");
    const result = await run(sim, { mode: "restore", "snapshot-id": '{"12346":802,"12345":801}' });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result).split("\n")).toEqual([
      expect.stringMatching(/^Server web-server-01 \(12345\) is restoring: a restore must wait/),
      expect.stringMatching(/^Server web-server-02 \(12346\) is suspended: /),
      "Nothing was restored.",
    ]);
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(0);
  });

  it("a server that does not exist, beside a good one: one sentence, the server id is the likely typo", async () => {
    const sim = await simulator({ snapshots: [{ id: 801, serverId: 12345, name: "a" }] });
    const result = await run(sim, { mode: "restore", "snapshot-id": '{"12345":801,"12364":818}' });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result).split("\n")).toEqual([
      "Server 12364 does not exist, or this token cannot see it (HTTP 404 from GET /servers/12364/: Server not found.): is the server id in snapshot-id a typo?",
      "Nothing was restored.",
    ]);
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(0);
    expect(sim.requestsFor("get-server")).toHaveLength(2);
  });
});

describe("restore: dry run", () => {
  it("says what would be restored and sends nothing that changes state", async () => {
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-a" }],
    });
    const result = await run(sim, { mode: "restore", "snapshot-id": "801", "dry-run": "true" });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /Dry run: would restore server web-server-01 \(12345\) to snapshot 801 \(pre-deploy-a, server web-server-01 \(12345\)\)/,
    );
    expect(result.summary).toMatch(/dry run/);
    expect(sim.requests.every((r) => r.method === "GET")).toBe(true);
    expect(sim.restores).toHaveLength(0);
  });
});

describe("restore: never sent twice by accident", () => {
  it("a restore whose answer is lost after it started is not sent again", async () => {
    // The restore must outlast the check of the server's status after the lost answer, as the
    // provider's 5 to 15 minutes do: a restore already over by then would be sent again.
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "a" }],
      restoreDurationMs: 3_000,
    });
    sim.addFault({ route: "restore-snapshot", fault: { type: "apply-then-reset" } });
    const result = await run(sim, { mode: "restore", "snapshot-id": "801" });
    expect(result.exitCode).toBe(0);
    expect(sim.restores).toHaveLength(1);
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(1);
    expect(result.stdout).toMatch(/checking the server's status before sending anything again/);
  });

  it("a restore that was lost before it started is sent again after the status shows it did nothing", async () => {
    const sim = await simulator({ snapshots: [{ id: 801, serverId: 12345, name: "a" }] });
    sim.addFault({ route: "restore-snapshot", fault: { type: "status", status: 502 } });
    const result = await run(sim, { mode: "restore", "snapshot-id": "801" });
    expect(result.exitCode).toBe(0);
    expect(sim.restores).toHaveLength(1);
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(2);
    const kinds = sim.requests.map((r) => r.route);
    expect(kinds.indexOf("get-server")).toBeLessThan(kinds.lastIndexOf("restore-snapshot"));
  });

  it("fails at the deadline saying the restore goes on, without starting another", async () => {
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "a" }],
      restoreDurationMs: 120_000,
    });
    const result = await run(sim, {
      mode: "restore",
      "snapshot-id": "801",
      timeout: "4s",
      "poll-interval": "1s",
    });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /Server web-server-01 \(12345\) is still restoring to snapshot 801 after the 4s timeout\. The restore goes on/,
    );
    expect(result.summary).toMatch(new RegExp(`\\| ${lastElapsed(result)} \\|\n`));
    expect(sim.restores).toHaveLength(1);
  });
});
