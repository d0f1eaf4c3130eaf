import { describe, expect, it } from "vitest";
import { snapshotsOn } from "../../support/fixtures.js";
import { failureOf, json, run, simulator } from "../../support/in-process.js";

/** Five snapshots on one server, taken a day apart: `prefix`ed ones may go under on-limit. */
const fullServer = (serverId: number, prefix: string, firstId: number) =>
  snapshotsOn(serverId, 5, { prefix, firstId, firstDay: "2026-01-01" });

describe("create: every server is checked before anything changes", () => {
  it("a missing, a suspended and a full server: every problem named at once, nothing deleted or made", async () => {
    const sim = await simulator({
      servers: [
        { id: 12345, name: "web-server-01" },
        { id: 12346, name: "web-server-02", status: "suspended" },
        { id: 12347, name: "db-server-01" },
      ],
      snapshots: [
        // 12345 is full of ours: on-limit would delete its oldest, were the step to go on.
        ...fullServer(12345, "pre-deploy-old-", 801),
        // 12347 is full of snapshots someone made by hand, which on-limit may never delete.
        ...fullServer(12347, "manual-", 901),
      ],
    });
    const before = sim.snapshots().map((s) => s.id);
    const result = await run(sim, { "server-id": "12347 99999 12346 12345" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result).split("\n")).toEqual([
      expect.stringMatching(/^Server 99999 does not exist, or this token cannot see it/),
      expect.stringMatching(/^Server web-server-02 \(12346\) is suspended: /),
      expect.stringMatching(
        /^Server db-server-01 \(12347\) already has 5 snapshots.*Too few of them may be deleted/,
      ),
      "Nothing was changed on any server: every server is checked before the first change.",
    ]);
    expect(sim.requestsFor("delete-snapshot", "DELETE")).toHaveLength(0);
    expect(sim.requestsFor("create-snapshot", "POST")).toHaveLength(0);
    expect(sim.snapshots().map((s) => s.id)).toEqual(before);
    expect(json(result.outputs["deleted-snapshot-ids"])).toEqual([]);
    expect(result.outputs["snapshot-ids"]).toBeUndefined();
  });

  it("if-exists: fail on one server stops the others before their on-limit deletes", async () => {
    const sim = await simulator({
      snapshots: [
        ...fullServer(12345, "pre-deploy-old-", 801),
        { id: 901, serverId: 12346, name: "pre-deploy-release" },
      ],
    });
    const result = await run(sim, { "server-id": "12345 12346", name: "pre-deploy-release" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /^Server web-server-02 \(12346\) already has snapshot 901 named pre-deploy-release/,
    );
    expect(sim.requestsFor("delete-snapshot")).toHaveLength(0);
    expect(sim.requestsFor("create-snapshot")).toHaveLength(0);
  });

  it("costs one server request per server, all made before the first change", async () => {
    const sim = await simulator();
    const result = await run(sim, { "server-id": "12347 12345 12346" });
    expect(result.exitCode).toBe(0);
    const checks = sim.requestsFor("get-server");
    expect(checks.map((r) => r.path).sort()).toEqual([
      "/api/v1/servers/12345/",
      "/api/v1/servers/12346/",
      "/api/v1/servers/12347/",
    ]);
    const firstCreate = Math.min(...sim.requestsFor("create-snapshot").map((r) => r.seq));
    expect(checks.every((r) => r.seq < firstCreate)).toBe(true);
  });

  it("a status the provider does not document goes on, with a warning", async () => {
    const sim = await simulator();
    sim.setServerStatus(12345, "migrating");
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      '::warning::Server web-server-01 (12345) is "migrating", a status the provider does not document: going on with the snapshot.',
    );
    expect(sim.snapshotsOf(12345)).toHaveLength(1);
  });

  it("a server already restoring is refused, naming its status", async () => {
    const sim = await simulator();
    sim.setServerStatus(12345, "restoring");
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /^Server web-server-01 \(12345\) is restoring: a snapshot of it must wait/,
    );
    expect(sim.requestsFor("create-snapshot")).toHaveLength(0);
  });
});
