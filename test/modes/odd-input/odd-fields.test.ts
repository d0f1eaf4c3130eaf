import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../../src/api/answers/types.js";
import { ACTION_SERVERS } from "../../../simulator/seeds.js";
import { daysAgo } from "../../support/fixtures.js";
import { failureOf, json, run, simulator } from "../../support/in-process.js";

/**
 * One snapshot of ours per server, each with a `created_at` the API document does not promise, and
 * the other fields odd too: a size that is no number, a description and a server name that are no
 * text.
 */
const ODD = [
  { label: "object", createdAt: { at: "2026-11-20T00:00:00Z" }, sizeMb: { gb: 2 } },
  { label: "null", createdAt: null, sizeMb: "2 GB" },
  { label: "number", createdAt: 2024, sizeMb: true },
  { label: "missing", createdAt: undefined, sizeMb: undefined },
];
const SERVERS = [...ACTION_SERVERS, { id: 12348, name: "web-server-04" }];
const serverOf = (i: number) => SERVERS[i]?.id as number;
const allServers = SERVERS.map((s) => s.id).join(" ");

const oddWorld = () =>
  simulator({
    servers: SERVERS,
    snapshots: [
      ...ODD.map(({ label, createdAt, sizeMb }, i) => ({
        id: 801 + i,
        serverId: serverOf(i),
        name: `pre-deploy-${label}`,
        raw: {
          created_at: createdAt,
          size_mb: sizeMb,
          description: { text: "not a string" },
          server: { id: serverOf(i), name: 42 },
        },
      })),
      { id: 900, serverId: 12345, name: "pre-deploy-dated", createdAt: daysAgo(9) },
    ],
  });

/** The summary's table, line by line: its header and separator first. */
const tableOf = (summary: string) => summary.split("\n").filter((line) => line.startsWith("|"));

describe("odd API data: list", () => {
  it("lists snapshots whose created_at is null, a number, an object or missing, in a table", async () => {
    const sim = await oddWorld();
    const result = await run(sim, { mode: "list", "server-id": allServers });
    expect(result.exitCode).toBe(0);
    expect(tableOf(result.summary)).toEqual([
      "| Server | Snapshot | Name | Status | Size | Created | Age |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      // Servers are named by their own answers (the check that each exists): the name 42 that
      // the odd snapshots carry, not text, names nothing.
      expect.stringMatching(
        /^\| web-server-01 \(12345\) \| 900 \| pre-deploy-dated \| completed \| \d+ MB \| /,
      ),
      "| web-server-04 (12348) | 804 | pre-deploy-missing | completed |  |  | unknown age |",
      "| db-server-01 (12347) | 803 | pre-deploy-number | completed | true | 2024 | unknown age |",
      "| web-server-02 (12346) | 802 | pre-deploy-null | completed | 2 GB |  | unknown age |",
      '| web-server-01 (12345) | 801 | pre-deploy-object | completed | {"gb":2} | {"at":"2026-11-20T00:00:00Z"} | unknown age |',
    ]);
    expect(json<Snapshot[]>(result.outputs.snapshots).map((s) => s.id)).toEqual([
      900, 804, 803, 802, 801,
    ]);
  });
});

describe("odd API data: prune", () => {
  it("a dry run tables them, and keeps every one whose date cannot be read (a number is no date)", async () => {
    const sim = await oddWorld();
    const result = await run(sim, {
      mode: "prune",
      "server-id": allServers,
      keep: "0",
      "dry-run": "true",
    });
    expect(result.exitCode).toBe(0);
    expect(sim.requestsFor("delete-snapshot")).toHaveLength(0);
    expect(tableOf(result.summary)).toEqual([
      "| Server | Snapshot | Name | Status | Age | Result |",
      "| --- | --- | --- | --- | --- | --- |",
      "| web-server-01 (12345) | 900 | pre-deploy-dated | completed | 9d 00h | would be deleted |",
      "| 12348 | 804 | pre-deploy-missing | completed | unknown age | kept |",
      "| 12347 | 803 | pre-deploy-number | completed | unknown age | kept |",
      "| 12346 | 802 | pre-deploy-null | completed | unknown age | kept |",
      "| web-server-01 (12345) | 801 | pre-deploy-object | completed | unknown age | kept |",
    ]);
  });
});

describe("odd API data: restore", () => {
  it("a dry run tables them, says when each was made as the API put it, and sets text outputs", async () => {
    const sim = await oddWorld();
    const map = Object.fromEntries(ODD.map((_, i) => [serverOf(i), 801 + i]));
    const result = await run(sim, {
      mode: "restore",
      "snapshot-id": JSON.stringify(map),
      "dry-run": "true",
    });
    expect(result.exitCode).toBe(0);
    expect(sim.restores).toHaveLength(0);
    expect(tableOf(result.summary)).toEqual([
      "| Server | Snapshot | Name | Created | Server status | Took |",
      "| --- | --- | --- | --- | --- | --- |",
      '| web-server-01 (12345) | 801 | pre-deploy-object | {"at":"2026-11-20T00:00:00Z"} | would be restored |  |',
      "| web-server-02 (12346) | 802 | pre-deploy-null |  | would be restored |  |",
      "| db-server-01 (12347) | 803 | pre-deploy-number | 2024 | would be restored |  |",
      "| web-server-04 (12348) | 804 | pre-deploy-missing |  | would be restored |  |",
    ]);
    const dryRunLines = result.stdout.split("\n").filter((line) => line.startsWith("Dry run:"));
    expect(dryRunLines.map((line) => line.replace(/.*\), made /, "made "))).toEqual([
      'made {"at":"2026-11-20T00:00:00Z"}.',
      "made at a time the API did not give.",
      "made 2024.",
      "made at a time the API did not give.",
    ]);
    expect(result.outputs["snapshot-created-at"]).toBe('{"at":"2026-11-20T00:00:00Z"}');
  });

  it("a restore answer whose server status is no text is taken as restoring", async () => {
    const sim = await simulator({
      snapshots: [
        { id: 801, serverId: 12345, name: "pre-deploy-a", createdAt: "2026-11-20T00:00:00Z" },
      ],
    });
    sim.addFault({
      route: "restore-snapshot",
      fault: {
        type: "apply-then-status",
        status: 200,
        body: '{"status": "success", "server": {"id": 12345, "status": {"code": 3}}}',
      },
    });
    const result = await run(sim, { mode: "restore", "snapshot-id": "801", wait: "false" });
    expect(failureOf(result)).toBe("");
    expect(sim.restores).toHaveLength(1);
    expect(result.outputs["server-status"]).toBe("restoring");
    expect(tableOf(result.summary)).toContain(
      "| web-server-01 (12345) | 801 | pre-deploy-a | 2026-11-20T00:00:00Z | restoring |  |",
    );
  });
});

describe("odd API data: a create answer slimmer than documented", () => {
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
