import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/api/answers/types.js";
import { daysAgo, onServer } from "../support/fixtures.js";
import { failureOf, groupsOf, json, run, simulator, sortedIds } from "../support/in-process.js";

const FORBIDDEN = {
  route: "delete-snapshot" as const,
  times: Number.POSITIVE_INFINITY,
  fault: { type: "status" as const, status: 403, message: "You do not have permission." },
};

describe("prune", () => {
  const fleet = () => [
    // Ids out of date order, so that only created_at can tell which is oldest.
    ...onServer(12345, [
      { id: 905, name: "pre-deploy-d1", createdAt: daysAgo(1) },
      { id: 901, name: "pre-deploy-d2", createdAt: daysAgo(2) },
      { id: 904, name: "pre-deploy-d3", createdAt: daysAgo(3) },
      { id: 902, name: "pre-deploy-d9", createdAt: daysAgo(9) },
      { id: 903, name: "pre-deploy-busy", createdAt: daysAgo(20), status: "in_progress" },
      { id: 906, name: "manual-keep-me", createdAt: daysAgo(30) },
    ]),
    { id: 907, serverId: 12346, name: "pre-deploy-other-server", createdAt: daysAgo(40) },
  ];

  it("keeps the newest `keep` completed of ours, deletes the rest of ours, touches nothing else", async () => {
    const sim = await simulator({ listOrder: "shuffled", snapshots: fleet() });
    const result = await run(sim, { mode: "prune", "server-id": "12345", keep: "2" });
    expect(result.exitCode).toBe(0);
    expect(sim.deletions.map((d) => d.snapshotId).sort()).toEqual([902, 904]);
    expect(sortedIds(sim.snapshots())).toEqual([901, 903, 905, 906, 907]);
    expect(json<number[]>(result.outputs["deleted-snapshot-ids"]).sort()).toEqual([902, 904]);
    expect(json<Snapshot[]>(result.outputs.snapshots).map((s) => s.id)).toEqual([
      905, 901, 903, 906,
    ]);
    expect(result.summary).toMatch(
      /\| web-server-01 \(12345\) \| 902 \| pre-deploy-d9 \| completed \| 9d 00h \| deleted \|/,
    );
    expect(result.summary).toMatch(
      /\| web-server-01 \(12345\) \| 906 \| manual-keep-me \| completed \| 30d 00h \| kept \|/,
    );
    expect(groupsOf(result)).toEqual(["Pruning 1 server(s)"]);
  });

  it("a token that may not delete, on three servers: one line naming every id, said once", async () => {
    const sim = await simulator({
      snapshots: [12345, 12346, 12347].map((serverId, n) => ({
        id: 801 + n,
        serverId,
        name: `pre-deploy-old-${n}`,
        createdAt: daysAgo(9),
      })),
    });
    sim.addFault(FORBIDDEN);
    const result = await run(sim, { mode: "prune", "server-id": "12345 12346 12347", keep: "0" });
    expect(result.exitCode).toBe(1);
    const line = failureOf(result);
    expect(line).toMatch(
      /^Could not delete snapshots 80[123], 80[123], 80[123]: HTTP 403: You do not have permission\.$/,
    );
    expect(result.summary.split(line)).toHaveLength(2);
    expect(sim.snapshots()).toHaveLength(3);
  });

  it("with older-than, also keeps every one of ours younger than that", async () => {
    const sim = await simulator({ snapshots: fleet() });
    const result = await run(sim, {
      mode: "prune",
      "server-id": "12345",
      keep: "0",
      "older-than": "2d",
    });
    expect(result.exitCode).toBe(0);
    // keep 0, older than 2 days: the 1-day-old one stays; 2, 3 and 9 days go.
    expect(sim.deletions.map((d) => d.snapshotId).sort()).toEqual([901, 902, 904]);
    expect(sim.snapshot(903)).toBeDefined();
    expect(sim.snapshot(906)).toBeDefined();
  });

  it("a dry run deletes nothing and says what would go", async () => {
    const sim = await simulator({ snapshots: fleet() });
    const result = await run(sim, {
      mode: "prune",
      "server-id": "12345 12346",
      keep: "1",
      "dry-run": "true",
    });
    expect(result.exitCode).toBe(0);
    expect(sim.requestsFor("delete-snapshot")).toHaveLength(0);
    expect(sim.snapshots()).toHaveLength(7);
    expect(result.summary).toMatch(/dry run/);
    expect(result.summary).toMatch(
      /\| web-server-01 \(12345\) \| 902 \| pre-deploy-d9 \| completed \| 9d 00h \| would be deleted \|/,
    );
    expect(result.outputs["deleted-snapshot-ids"]).toBe("[]");
  });

  it("deletes nothing when no snapshot is ours", async () => {
    const sim = await simulator({
      snapshots: [
        { serverId: 12345, name: "manual-1" },
        { serverId: 12345, name: "nightly" },
      ],
    });
    const result = await run(sim, { mode: "prune", "server-id": "12345", keep: "0" });
    expect(result.exitCode).toBe(0);
    expect(sim.requestsFor("delete-snapshot")).toHaveLength(0);
  });

  it("deletes every failed one of ours whatever keep says; keep counts completed ones", async () => {
    const sim = await simulator({
      snapshots: onServer(12345, [
        { id: 911, name: "pre-deploy-ok1", createdAt: daysAgo(1) },
        { id: 912, name: "pre-deploy-ok2", createdAt: daysAgo(2) },
        { id: 913, name: "pre-deploy-broken", createdAt: daysAgo(0.5), status: "failed" },
        { id: 914, name: "manual-broken", createdAt: daysAgo(8), status: "failed" },
        { id: 915, name: "pre-deploy-busy", createdAt: daysAgo(3), status: "in_progress" },
      ]),
    });
    const result = await run(sim, { mode: "prune", "server-id": "12345", keep: "2" });
    expect(result.exitCode).toBe(0);
    expect(sim.deletions.map((d) => d.snapshotId)).toEqual([913]);
    expect(sortedIds(sim.snapshots())).toEqual([911, 912, 914, 915]);
    expect(result.summary).toMatch(/\| 913 \| pre-deploy-broken \| failed \| .* \| deleted \|/);
    expect(result.summary).toMatch(/\| 914 \| manual-broken \| failed \| .* \| kept \|/);
  });

  it("refuses a bad keep or older-than before any request", async () => {
    const sim = await simulator();
    const result = await run(sim, {
      mode: "prune",
      "server-id": "12345",
      keep: "-1",
      "older-than": "a week",
    });
    expect(failureOf(result)).toMatch(/keep "-1" is not a whole number/);
    expect(failureOf(result)).toMatch(/older-than "a week" is not a positive duration/);
    expect(sim.requests).toHaveLength(0);
  });
});
