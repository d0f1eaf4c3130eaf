import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/api/answers/types.js";
import { servers, snapshotsOn } from "../support/fixtures.js";
import { SUMMARY_LIMIT_BYTES } from "../../src/workflow/summary.js";
import { failureOf, groupsOf, json, run, simulator } from "../support/in-process.js";

describe("list", () => {
  it("outputs the server's snapshots newest first by created_at, with a summary table", async () => {
    const sim = await simulator({
      listOrder: "shuffled",
      snapshots: [
        { id: 810, serverId: 12345, name: "pre-deploy-old", createdAt: "2026-11-01T00:00:00Z" },
        { id: 803, serverId: 12345, name: "pre-deploy-new", createdAt: "2026-11-20T00:00:00Z" },
        { id: 805, serverId: 12345, name: "manual", createdAt: "2026-11-10T00:00:00Z" },
        { id: 806, serverId: 12346, name: "elsewhere" },
      ],
    });
    const result = await run(sim, { mode: "list", "server-id": "12345" });
    expect(result.exitCode).toBe(0);
    expect(json<Snapshot[]>(result.outputs.snapshots).map((s) => s.id)).toEqual([803, 805, 810]);
    expect(result.summary).toMatch(
      /\| Server \| Snapshot \| Name \| Status \| Size \| Created \| Age \|/,
    );
    expect(groupsOf(result)).toEqual(["Listing the snapshots of 1 server(s)"]);
    expect(result.summary).toMatch(
      /\| web-server-01 \(12345\) \| 803 \| pre-deploy-new \| completed \|/,
    );
    expect(sim.requests.every((r) => r.method === "GET")).toBe(true);
  });

  it("an account whose table would pass the runner's 1 MiB: the summary stops short, the output holds all", async () => {
    const fleet = servers(30);
    const longName = (n: number) => `pre-deploy-${String(n).padStart(4, "0")}-${"x".repeat(9_000)}`;
    const sim = await simulator({
      servers: fleet,
      snapshots: fleet.flatMap((server, s) =>
        [0, 1, 2, 3].map((k) => ({
          id: 9_000 + s * 4 + k,
          serverId: server.id,
          name: longName(s * 4 + k),
        })),
      ),
    });
    const result = await run(sim, { mode: "list", "server-id": fleet.map((s) => s.id).join(" ") });
    expect(result.exitCode).toBe(0);
    expect(json<Snapshot[]>(result.outputs.snapshots)).toHaveLength(120);
    expect(Buffer.byteLength(result.summary)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    const shown = result.summary
      .split("\n")
      .filter((line) => line.includes("| pre-deploy-")).length;
    expect(shown).toBeGreaterThan(0);
    expect(result.summary).toContain(`${120 - shown} more rows: the step's outputs hold them all.`);
  });

  it("a server id that does not exist fails the step naming it, before any list is read", async () => {
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-a" }],
    });
    const result = await run(sim, { mode: "list", "server-id": "12345 99999" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      /^Server 99999 does not exist, or this token cannot see it \(HTTP 404 .*\)\. Check server-id\.$/,
    );
    expect(failureOf(result)).not.toContain("12345");
    expect(sim.requestsFor("list-snapshots")).toHaveLength(0);
    expect(json(result.outputs.snapshots)).toEqual([]);
  });

  it("lists several servers into one output", async () => {
    const sim = await simulator({
      snapshots: snapshotsOn((n) => 12345 + n, ["a", "b", "c"], { firstId: 801 }),
    });
    const result = await run(sim, { mode: "list", "server-id": "12345,12346" });
    expect(
      json<Snapshot[]>(result.outputs.snapshots)
        .map((s) => s.id)
        .sort(),
    ).toEqual([801, 802]);
  });

  it("needs server-id", async () => {
    const sim = await simulator();
    const result = await run(sim, { mode: "list" });
    expect(failureOf(result)).toMatch(/server-id or server-name is required in mode list/);
    expect(sim.requests).toHaveLength(0);
  });
});
