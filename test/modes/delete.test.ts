import { describe, expect, it } from "vitest";
import { snapshotsOn } from "../support/fixtures.js";
import { failureOf, groupsOf, json, run, simulator } from "../support/in-process.js";

const FORBIDDEN = {
  route: "delete-snapshot" as const,
  times: Number.POSITIVE_INFINITY,
  fault: { type: "status" as const, status: 403, message: "You do not have permission." },
};

describe("delete", () => {
  it("deletes exactly the ids given, says which were already gone, touches nothing else", async () => {
    const sim = await simulator({
      snapshots: [
        ...snapshotsOn(12345, ["a", "b", "c"], { prefix: "pre-deploy-", firstId: 801 }),
        { id: 804, serverId: 12346, name: "manual" },
      ],
    });
    const result = await run(sim, { mode: "delete", "snapshot-id": "801\n999, 802" });
    expect(result.exitCode).toBe(0);
    expect(sim.deletions.map((d) => d.snapshotId).sort()).toEqual([801, 802]);
    expect(
      sim
        .snapshots()
        .map((s) => s.id)
        .sort(),
    ).toEqual([803, 804]);
    expect(json<number[]>(result.outputs["deleted-snapshot-ids"]).sort()).toEqual([801, 802]);
    // Green, so that a re-run passes; one warning, which names the id, since a typo looks the same.
    expect(result.stdout.split("\n").filter((line) => line.startsWith("::warning::"))).toEqual([
      "::warning::Snapshot 999 was not found (HTTP 404): already deleted, or never existed: check the id.",
    ]);
    expect(result.summary).toMatch(/\| 999 \| {2}\| {2}\| already gone \|/);
    expect(result.summary).toMatch(
      /\| 801 \| pre-deploy-a \| web-server-01 \(12345\) \| deleted \|/,
    );
    expect(groupsOf(result)).toEqual(["Deleting 3 snapshot(s)"]);
  });

  it("a token that may not delete: one line naming the three ids, in the log and in the summary", async () => {
    const sim = await simulator({
      snapshots: snapshotsOn(12345, ["a", "b", "c"], { prefix: "pre-deploy-", firstId: 801 }),
    });
    sim.addFault(FORBIDDEN);
    const result = await run(sim, { mode: "delete", "snapshot-id": "803 801 802" });
    expect(result.exitCode).toBe(1);
    const said = "Could not delete snapshots 803, 801, 802: HTTP 403: You do not have permission.";
    expect(failureOf(result)).toBe(said);
    expect(result.summary.split(said)).toHaveLength(2);
    expect(sim.snapshots()).toHaveLength(3);
  });

  it("takes the snapshot-ids JSON of a create step", async () => {
    const sim = await simulator({
      snapshots: snapshotsOn((n) => 12345 + n, ["a", "b"], { firstId: 801 }),
    });
    const result = await run(sim, { mode: "delete", "snapshot-id": '{"12345":801}' });
    expect(result.exitCode).toBe(0);
    expect(sim.snapshots().map((s) => s.id)).toEqual([802]);
  });

  it("a dry run deletes nothing and says what it would delete", async () => {
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-a" }],
    });
    const result = await run(sim, { mode: "delete", "snapshot-id": "801", "dry-run": "true" });
    expect(result.exitCode).toBe(0);
    expect(sim.requests.every((r) => r.method === "GET")).toBe(true);
    expect(sim.snapshots()).toHaveLength(1);
    expect(result.stdout).toMatch(
      /Dry run: would delete snapshot 801 \(pre-deploy-a, server web-server-01 \(12345\)\)/,
    );
    expect(result.outputs["deleted-snapshot-ids"]).toBe("[]");
  });

  it("refuses latest and a missing snapshot-id before any request", async () => {
    const sim = await simulator();
    for (const snapshotId of ["latest", ""]) {
      const result = await run(sim, { mode: "delete", "snapshot-id": snapshotId });
      expect(result.exitCode).toBe(1);
      expect(failureOf(result)).toMatch(/snapshot-id/);
    }
    expect(sim.requests).toHaveLength(0);
  });

  it("a delete whose answer is lost is retried, and counts as deleted", async () => {
    const sim = await simulator({ snapshots: [{ id: 801, serverId: 12345, name: "a" }] });
    sim.addFault({ route: "delete-snapshot", fault: { type: "apply-then-reset" } });
    const result = await run(sim, { mode: "delete", "snapshot-id": "801" });
    expect(result.exitCode).toBe(0);
    expect(result.outputs["deleted-snapshot-ids"]).toBe("[801]");
  });
});
