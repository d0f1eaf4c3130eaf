import { describe, expect, it } from "vitest";
import { failureOf, run, simulator } from "../../support/in-process.js";

/** A snapshot as a create step of this action makes it for `commit`, by default. */
const madeFor = (
  id: number,
  serverId: number,
  commit: string,
  createdAt: string,
  status?: string,
) => ({
  id,
  serverId,
  name: `pre-deploy-${commit.slice(0, 7)}-98765${id}-1`,
  description: `Made by vps-snapshot-action for repository octo-org/shop, commit ${commit.slice(0, 7)}: https://github.com/octo-org/shop/actions/runs/98765${id}`,
  createdAt,
  ...(status ? { status } : {}),
});

const BAD = "3f2a9c1d0e5b7a8c9d0e1f2a3b4c5d6e7f8a9b0c";
const FLEET = [
  { id: 12347, name: "web-server-03" },
  { id: 12345, name: "web-server-01" },
  { id: 12346, name: "web-server-02" },
];

describe("restore: snapshot-id commit:<sha> (undo a release)", () => {
  it("each server goes back to the newest completed snapshot of that commit: full or short sha alike", async () => {
    for (const sha of [BAD, BAD.slice(0, 7)]) {
      const sim = await simulator({
        servers: FLEET,
        snapshots: [
          madeFor(801, 12345, "aaaaaaa", "2026-12-01T09:00:00Z"),
          madeFor(802, 12345, BAD, "2026-12-01T10:00:00Z"),
          madeFor(803, 12346, BAD, "2026-12-01T10:01:00Z"),
          madeFor(804, 12347, BAD, "2026-12-01T10:02:00Z"),
          madeFor(805, 12345, "bbbbbbb", "2026-12-01T11:00:00Z"),
        ],
      });
      const result = await run(sim, {
        mode: "restore",
        "snapshot-id": `commit:${sha}`,
        "server-name": "web-server-*",
      });
      expect(result.exitCode).toBe(0);
      expect(sim.restores.map((r) => [r.serverId, r.snapshotId]).sort()).toEqual([
        [12345, 802],
        [12346, 803],
        [12347, 804],
      ]);
    }
  });

  it("a snapshot named by hand with our prefix is found by the commit in its description", async () => {
    const sim = await simulator({
      snapshots: [
        {
          id: 811,
          serverId: 12345,
          name: "pre-deploy-release-7",
          description: `Before release 7, commit ${BAD.slice(0, 10)}`,
          createdAt: "2026-12-01T10:00:00Z",
        },
        madeFor(812, 12345, "bbbbbbb", "2026-12-01T11:00:00Z"),
      ],
    });
    const result = await run(sim, {
      mode: "restore",
      "snapshot-id": `commit:${BAD}`,
      "server-id": "12345",
    });
    expect(result.exitCode).toBe(0);
    expect(sim.restores.map((r) => [r.serverId, r.snapshotId])).toEqual([[12345, 811]]);
  });

  it("two runs of one commit: the newest completed, and the log names the others", async () => {
    const sim = await simulator({
      snapshots: [
        madeFor(801, 12345, BAD, "2026-12-01T10:00:00Z"),
        madeFor(802, 12345, BAD, "2026-12-01T10:30:00Z"),
        madeFor(803, 12345, BAD, "2026-12-01T11:00:00Z", "failed"),
      ],
    });
    const result = await run(sim, {
      mode: "restore",
      "snapshot-id": "commit:3f2a9c1",
      "server-id": "12345",
    });
    expect(result.exitCode).toBe(0);
    expect(sim.restores.map((r) => r.snapshotId)).toEqual([802]);
    expect(result.stdout).toContain(
      "Server web-server-01 (12345) has 3 snapshots of commit 3f2a9c1 (re-runs): restoring the newest completed one, 802; the others: 803 ",
    );
  });

  it("a commit with no snapshot on one server of three: zero restores, and that server named with its newest snapshots", async () => {
    const sim = await simulator({
      servers: FLEET,
      snapshots: [
        madeFor(801, 12345, BAD, "2026-12-01T10:00:00Z"),
        madeFor(802, 12346, "ccccccc", "2026-12-01T10:01:00Z"),
        madeFor(803, 12347, BAD, "2026-12-01T10:02:00Z"),
      ],
    });
    const result = await run(sim, {
      mode: "restore",
      "snapshot-id": "commit:3f2a9c1",
      "server-id": "12345 12346 12347",
    });
    expect(result.exitCode).toBe(1);
    expect(sim.requestsFor("restore-snapshot")).toEqual([]);
    expect(failureOf(result)).toContain(
      "Server web-server-02 (12346) has no completed snapshot of commit 3f2a9c1 to go back to",
    );
    expect(failureOf(result)).toContain("its newest snapshots: 802 pre-deploy-ccccccc-98765802-1");
    expect(failureOf(result)).toContain("Nothing was restored.");
  });

  it("snapshots made with a custom name and description: the error says they carry no commit", async () => {
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "before-migration", description: "by hand" }],
    });
    const result = await run(sim, {
      mode: "restore",
      "snapshot-id": "commit:3f2a9c1",
      "server-id": "12345",
    });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toContain(
      "snapshots made with a custom name and description carry none",
    );
    expect(sim.requestsFor("restore-snapshot")).toEqual([]);
  });

  it("dry-run shows the plan and restores nothing", async () => {
    const sim = await simulator({ snapshots: [madeFor(801, 12345, BAD, "2026-12-01T10:00:00Z")] });
    const result = await run(sim, {
      mode: "restore",
      "snapshot-id": "commit:3f2a9c1",
      "server-id": "12345",
      "dry-run": "true",
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      "Dry run: would restore server web-server-01 (12345) to snapshot 801 ",
    );
    expect(sim.requestsFor("restore-snapshot")).toEqual([]);
  });
});
