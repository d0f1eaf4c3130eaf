import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../../../src/api/types.js";
import { latestRestorable, planRestore } from "../../../../src/fleet/rules/restore-plan.js";
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
    expect(plan).toEqual({ targets: [account[0], account[4]], problems: [] });
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

  it("latest: newest completed of ours by created_at, whatever the ids and the list order say", () => {
    const shuffled = [account[3], account[1], account[4], account[0], account[2]] as Snapshot[];
    expect(latestRestorable(shuffled, 1, "pre-deploy-")?.id).toBe(802);
    const olderHigherId = [
      snap(900, 1, "pre-deploy-x", "2026-10-01T00:00:00Z"),
      snap(100, 1, "pre-deploy-y", "2026-11-01T00:00:00Z"),
    ];
    expect(latestRestorable(olderHigherId, 1, "pre-deploy-")?.id).toBe(100);
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
