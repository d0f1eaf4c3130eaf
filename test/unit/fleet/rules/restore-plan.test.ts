import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../../../src/api/answers/types.js";
import { planRestore } from "../../../../src/fleet/rules/restore-plan.js";
import { apiSnapshot } from "../../../support/fixtures.js";

function snap(
  id: number,
  serverId: number,
  name: string,
  createdAt: string,
  status = "completed",
): Snapshot {
  return apiSnapshot({ id, server: { id: serverId }, name, status, created_at: createdAt });
}

describe("planRestore", () => {
  const account = [
    snap(801, 1, "pre-deploy-a", "2026-11-01T00:00:00Z"),
    snap(802, 1, "pre-deploy-b", "2026-11-05T00:00:00Z"),
    snap(803, 1, "pre-deploy-c", "2026-11-09T00:00:00Z", "in_progress"),
    snap(804, 1, "manual", "2026-11-10T00:00:00Z"),
    snap(805, 2, "pre-deploy-a", "2026-11-02T00:00:00Z"),
  ];

  it("restores what was named when every snapshot is fine", () => {
    const plan = planRestore({ kind: "ids", ids: [801, 805] }, [], "pre-deploy-", account);
    expect(plan).toEqual({ targets: [account[0], account[4]], problems: [], notes: [] });
  });

  it("names each missing, unfinished or misplaced snapshot", () => {
    const plan = planRestore(
      {
        kind: "by-server",
        pairs: [
          { serverId: 1, snapshotId: 999 },
          { serverId: 1, snapshotId: 803 },
          { serverId: 1, snapshotId: 805 },
        ],
      },
      [],
      "pre-deploy-",
      account,
    );
    expect(plan.targets).toEqual([]);
    expect(plan.problems).toEqual([
      "Snapshot 999 (for server 1) does not exist: it is not among server 1's snapshots.",
      "Snapshot 803 (pre-deploy-c, server 1) is in_progress, not completed: it cannot be restored.",
      "snapshot-id pairs server 1 with snapshot 805, but that snapshot belongs to server 2.",
    ]);
  });

  describe("a map that a person wrote: each sentence says which id is likely mistyped", () => {
    const map = (pairs: [number, number][]) => ({
      kind: "by-server" as const,
      pairs: pairs.map(([serverId, snapshotId]) => ({ serverId, snapshotId })),
    });
    const missing = new Map([[7, "HTTP 404 from GET /servers/7/: Not found."]]);

    it("a server that does not exist: the server id, in one sentence with its snapshot", () => {
      expect(planRestore(map([[7, 999]]), [], "pre-deploy-", account, missing).problems).toEqual([
        "Server 7 does not exist, or this token cannot see it (HTTP 404 from GET /servers/7/: " +
          "Not found.): is the server id in snapshot-id a typo?",
      ]);
      // Its snapshot is on a server of the map: that too points at the server id.
      expect(
        planRestore(
          map([
            [7, 805],
            [2, 805],
          ]),
          [],
          "pre-deploy-",
          account,
          missing,
        ).problems[0],
      ).toMatch(/^Server 7 does not exist.*a typo\? Snapshot 805 is server 2's\.$/);
    });

    it("a server that exists but has no such snapshot: the snapshot id, with the ids it has", () => {
      expect(planRestore(map([[1, 999]]), [], "pre-deploy-", account, missing).problems).toEqual([
        "Snapshot 999 is not on server 1 (its snapshots: 801, 802, 803, 804): is the snapshot id " +
          "in snapshot-id a typo?",
      ]);
      const fleet = map([
        [2, 805],
        [3, 999],
      ]);
      expect(planRestore(fleet, [], "pre-deploy-", account, missing).problems).toEqual([
        "Snapshot 999 is not on server 3 (it has none), nor on any other server of the map: is " +
          "the snapshot id in snapshot-id a typo?",
      ]);
    });

    it("a snapshot on another server of the map: says which", () => {
      const swapped = map([
        [1, 805],
        [2, 801],
      ]);
      expect(planRestore(swapped, [], "pre-deploy-", account, missing).problems).toEqual([
        "snapshot-id pairs server 1 with snapshot 805, but that snapshot belongs to server 2.",
        "snapshot-id pairs server 2 with snapshot 801, but that snapshot belongs to server 1.",
      ]);
    });
  });

  it("latest: newest completed of ours by created_at, whatever the ids and the list order say", () => {
    const shuffled = [account[3], account[1], account[4], account[0], account[2]] as Snapshot[];
    const latest = (snapshots: Snapshot[]) =>
      planRestore({ kind: "latest" }, [1], "pre-deploy-", snapshots).targets.map((s) => s.id);
    expect(latest(shuffled)).toEqual([802]);
    const olderHigherId = [
      snap(900, 1, "pre-deploy-x", "2026-10-01T00:00:00Z"),
      snap(100, 1, "pre-deploy-y", "2026-11-01T00:00:00Z"),
    ];
    expect(latest(olderHigherId)).toEqual([100]);
  });

  it("latest: a server with nothing of ours is a problem, not a restore of something else", () => {
    const plan = planRestore({ kind: "latest" }, [1, 3], "release-", account);
    expect(plan.targets).toEqual([]);
    expect(plan.problems).toHaveLength(2);
  });

  it("never two snapshots for one server", () => {
    const plan = planRestore({ kind: "ids", ids: [801, 802] }, [], "pre-deploy-", account);
    expect(plan.problems).toEqual([
      "snapshot-id names 2 snapshots of server 1 (801, 802): a server can be restored to only one.",
    ]);
  });
});

describe("planRestore: snapshot-id commit:<sha>", () => {
  const made = (
    id: number,
    serverId: number,
    commit: string,
    createdAt: string,
    status = "completed",
  ) =>
    apiSnapshot({
      id,
      server: { id: serverId },
      name: `pre-deploy-${commit}-98765${id}-1`,
      description: `Made by vps-snapshot-action for repository o/r, run #7, commit ${commit}: https://x`,
      status,
      created_at: createdAt,
    });
  const account = [
    made(801, 1, "3f2a9c1", "2026-12-01T10:00:00Z"),
    made(802, 1, "3f2a9c1", "2026-12-01T11:00:00Z"),
    made(803, 1, "3f2a9c1", "2026-12-01T12:00:00Z", "in_progress"),
    made(804, 1, "aaaaaaa", "2026-12-02T10:00:00Z"),
    made(805, 2, "3f2a9c1", "2026-12-01T10:05:00Z"),
    made(806, 3, "bbbbbbb", "2026-12-01T09:00:00Z"),
  ];
  const plan = (sha: string, servers: number[], snapshots = account) =>
    planRestore({ kind: "commit", sha }, servers, "pre-deploy-", snapshots);

  it("a short and a full sha choose the same snapshots, each server's newest completed one", () => {
    for (const sha of ["3f2a9c1", "3f2a9c1d0e5b7a8c9d0e1f2a3b4c5d6e7f8a9b0c"]) {
      const chosen = plan(sha, [2, 1]);
      expect(chosen.targets.map((s) => s.id)).toEqual([805, 802]);
      expect(chosen.problems).toEqual([]);
    }
  });

  it("two runs of one commit: the newest completed is chosen, and the others are named", () => {
    expect(plan("3f2a9c1", [1]).notes).toEqual([
      "Server 1 has 3 snapshots of commit 3f2a9c1 (re-runs): restoring the newest completed one, 802; " +
        "the others: 803 pre-deploy-3f2a9c1-98765803-1 (in_progress, made 2026-12-01T12:00:00Z), " +
        "801 pre-deploy-3f2a9c1-98765801-1 (completed, made 2026-12-01T10:00:00Z).",
    ]);
  });

  it("a server with no snapshot of that commit is named with its newest snapshots, the others planned alike", () => {
    const chosen = plan("3f2a9c1", [1, 3, 2]);
    expect(chosen.targets.map((s) => s.id)).toEqual([802, 805]);
    expect(chosen.problems).toEqual([
      'Server 3 has no completed snapshot of commit 3f2a9c1 to go back to (none whose name starts with "pre-deploy-" was made for it); ' +
        "its newest snapshots: 806 pre-deploy-bbbbbbb-98765806-1 (completed, made 2026-12-01T09:00:00Z).",
    ]);
  });

  it("snapshots made with a custom name and description: the error says they carry no commit", () => {
    const custom = [
      apiSnapshot({ id: 901, server: { id: 4 }, name: "before-migration", description: "by hand" }),
    ];
    expect(plan("3f2a9c1", [4], custom).problems[0]).toContain(
      "none of its snapshots carries a commit: snapshots made with a custom name and description carry none",
    );
  });

  it("a snapshot named by hand among the newest: the error says it carries no commit", () => {
    const byHand = apiSnapshot({
      id: 1022,
      server: { id: 3 },
      name: "before-migration",
      description: "by hand",
      created_at: "2026-12-01T12:00:00Z",
    });
    expect(plan("3f2a9c1", [3], [byHand, account[5] as Snapshot]).problems).toEqual([
      'Server 3 has no completed snapshot of commit 3f2a9c1 to go back to (none whose name starts with "pre-deploy-" was made for it; ' +
        "1022 carries no commit: snapshots made with a custom name and description carry none); " +
        "its newest snapshots: 1022 before-migration (completed, made 2026-12-01T12:00:00Z), " +
        "806 pre-deploy-bbbbbbb-98765806-1 (completed, made 2026-12-01T09:00:00Z).",
    ]);
  });

  it("a commit found only in the description counts; a digit string in the run id does not", () => {
    const described = apiSnapshot({
      id: 902,
      server: { id: 5 },
      name: "pre-deploy-release-1",
      description: "commit 3f2a9c1, by hand",
    });
    const runIdOnly = apiSnapshot({
      id: 903,
      server: { id: 6 },
      name: "pre-deploy-0000000x-3f2a9c1-1",
      description: "",
    });
    expect(plan("3f2a9c1", [5], [described]).targets.map((s) => s.id)).toEqual([902]);
    expect(plan("3f2a9c1", [6], [runIdOnly]).targets).toEqual([]);
  });

  it("a long sha is compared on every digit both hold, not on the first 7", () => {
    const own = made(811, 8, "1a2b3c4d5e", "2026-12-01T10:00:00Z");
    const twin = made(812, 8, "1a2b3c4f00", "2026-12-01T11:00:00Z");
    expect(plan("1a2b3c4d5e6f7a8b", [8], [twin, own]).targets.map((s) => s.id)).toEqual([811]);
    expect(plan("1a2b3c4f00", [8], [own, twin]).targets.map((s) => s.id)).toEqual([812]);
    // Seven digits are all that the user gave: both agree with them, the newer one is chosen.
    expect(plan("1a2b3c4", [8], [own, twin]).targets.map((s) => s.id)).toEqual([812]);
  });

  it("the commit is read right after the prefix only: hex digits later in the name are not it", () => {
    const later = apiSnapshot({
      id: 905,
      server: { id: 9 },
      name: "pre-deploy-feed-3f2a9c1-1",
      description: "",
    });
    expect(plan("3f2a9c1", [9], [later]).targets).toEqual([]);
  });

  it("only snapshots of ours: a snapshot without the prefix is never chosen", () => {
    const foreign = apiSnapshot({
      id: 904,
      server: { id: 7 },
      name: "manual-3f2a9c1-1-1",
      description: "commit 3f2a9c1",
    });
    expect(plan("3f2a9c1", [7], [foreign]).targets).toEqual([]);
  });
});
