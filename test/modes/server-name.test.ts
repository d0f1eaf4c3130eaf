import { describe, expect, it } from "vitest";
import { failureOf, json, run, simulator } from "../support/in-process.js";

/** `count` servers named `web-1`, `web-2`, ...: a fleet as people name theirs. */
const webFleet = (count: number, firstId = 30_001, location = "us-west") =>
  Array.from({ length: count }, (_, i) => ({ id: firstId + i, name: `web-${i + 1}`, location }));

describe("server-name: servers by their names", () => {
  it("exact names: snapshots those servers, with names in the summary and the server-names output", async () => {
    const sim = await simulator();
    const result = await run(sim, { "server-name": "db-server-01, web-server-02" });
    expect(result.exitCode).toBe(0);
    const made = json<Record<string, number>>(result.outputs["snapshot-ids"]);
    expect(Object.keys(made).sort()).toEqual(["12346", "12347"]);
    for (const [server, snapshot] of Object.entries(made)) {
      expect(sim.snapshot(snapshot)?.server.id).toBe(Number(server));
    }
    expect(json(result.outputs["server-names"])).toEqual({
      12346: "web-server-02",
      12347: "db-server-01",
    });
    expect(result.summary).toMatch(/\| web-server-02 \(12346\) \| \d+ \|/);
    expect(result.summary).toMatch(/\| db-server-01 \(12347\) \| \d+ \|/);
    expect(sim.snapshotsOf(12345)).toEqual([]);
  });

  it("a pattern does exactly what the same step with the matching ids does", async () => {
    const byName = await simulator();
    const byId = await simulator();
    const named = await run(byName, { "server-name": "web-*", mode: "list" });
    const ids = await run(byId, { "server-id": "12345 12346", mode: "list" });
    expect(named.exitCode).toBe(0);
    expect(named.outputs.snapshots).toBe(ids.outputs.snapshots);
    expect(json(named.outputs["server-names"])).toEqual({
      12345: "web-server-01",
      12346: "web-server-02",
    });
    const routes = (sim: typeof byName) => sim.requests.map((r) => r.route);
    expect(routes(byName)).toEqual(["list-servers", ...routes(byId)]);
  });

  it("with server-id: the union, each server once", async () => {
    const sim = await simulator();
    const result = await run(sim, { "server-id": "12347 12345", "server-name": "web-server-0?" });
    expect(result.exitCode).toBe(0);
    expect(Object.keys(json(result.outputs["snapshot-ids"])).sort()).toEqual([
      "12345",
      "12346",
      "12347",
    ]);
    expect(sim.requestsFor("create-snapshot")).toHaveLength(3);
  });

  it("a name that matches no server fails before any change, listing names that exist", async () => {
    const sim = await simulator();
    const result = await run(sim, { "server-name": "web-server-1, web-server-01" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result).split("\n")).toEqual([
      'server-name "web-server-1" matches no server. Servers that exist: db-server-01, web-server-01, web-server-02.',
      "Nothing was changed.",
    ]);
    expect(sim.requests.map((r) => r.route)).toEqual(["list-servers"]);
  });

  it("one exact name held by two servers fails, naming both", async () => {
    const sim = await simulator({
      servers: [
        { id: 12345, name: "web" },
        { id: 12399, name: "web" },
      ],
    });
    const result = await run(sim, { "server-name": "web" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toContain(
      'server-name "web" is the name of 2 servers (12345, 12399): name the one you mean with server-id.',
    );
    expect(sim.requestsFor("create-snapshot")).toEqual([]);
  });

  it("a pattern that matches more than max-servers fails before any change, unless raised", async () => {
    const sim = await simulator({ servers: webFleet(60) });
    const capped = await run(sim, { "server-name": "web-*" });
    expect(capped.exitCode).toBe(1);
    expect(failureOf(capped)).toContain(
      'server-name "web-*" matches 60 servers, more than max-servers (50): narrow the pattern, or raise max-servers if you mean all of them.',
    );
    expect(sim.requestsFor("create-snapshot")).toEqual([]);
    const raised = await run(sim, { "server-name": "web-*", "max-servers": "60", mode: "list" });
    expect(raised.exitCode).toBe(0);
    expect(Object.keys(json(raised.outputs["server-names"]))).toHaveLength(60);
  });

  it("server-location: only the servers in that location", async () => {
    const sim = await simulator({
      servers: [...webFleet(2, 30_001, "us-west"), ...webFleet(2, 40_001, "eu-central")],
    });
    const result = await run(sim, {
      "server-name": "web-*",
      "server-location": "eu-central",
      mode: "list",
    });
    expect(result.exitCode).toBe(0);
    expect(Object.keys(json(result.outputs["server-names"]))).toEqual(["40001", "40002"]);
    expect(sim.requestsFor("list-servers")[0]?.query.location).toBe("eu-central");
  });

  it("an account of 300 servers over several pages: one resolution, one request per page", async () => {
    const fleet = webFleet(300);
    const sim = await simulator({ servers: fleet, serverPageSize: 100 });
    const byId = await simulator({ servers: fleet, serverPageSize: 100 });
    const named = await run(sim, { "server-name": "web-7 web-250", mode: "list" });
    const ids = await run(byId, { "server-id": "30007 30250", mode: "list" });
    expect(named.exitCode).toBe(0);
    expect(json(named.outputs["server-names"])).toEqual({ 30007: "web-7", 30250: "web-250" });
    expect(sim.requestsFor("list-servers")).toHaveLength(3);
    expect(sim.requests.length).toBe(byId.requests.length + 3);
    expect(ids.outputs.snapshots).toBe(named.outputs.snapshots);
  });

  it("refuses server-location without server-name, and server-name where no servers are taken", async () => {
    const sim = await simulator();
    const result = await run(sim, {
      mode: "delete",
      "snapshot-id": "801",
      "server-name": "web-*",
      "server-location": "eu",
    });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toContain(
      "server-name applies only to modes create, restore, prune and list, not delete",
    );
    expect(sim.requests).toEqual([]);
    const alone = await run(sim, { "server-id": "12345", "server-location": "eu" });
    expect(failureOf(alone)).toContain("server-location only narrows server-name");
  });
});
