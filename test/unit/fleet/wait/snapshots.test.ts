import { describe, expect, it } from "vitest";
import { HttpStatusError } from "../../../../src/api/answers/errors.js";
import type { Snapshot, SnapshotList, SnapshotsApi } from "../../../../src/api/answers/types.js";
import { Deadline } from "../../../../src/runner/time/clock.js";
import { waitForSnapshots } from "../../../../src/fleet/wait/snapshots.js";
import { FakeClock, recordingLogger } from "../../../support/fakes.js";
import { apiSnapshot } from "../../../support/fixtures.js";

function options(totalMs: number, maxIntervalMs = 10_000) {
  const clock = new FakeClock();
  return { clock, deadline: new Deadline(clock, totalMs), maxIntervalMs, log: recordingLogger() };
}

function snapshot(id: number, serverId: number, status = "in_progress"): Snapshot {
  return apiSnapshot({
    id,
    server: { id: serverId, name: `srv-${serverId}` },
    status,
    size_mb: status === "completed" ? 1024 : null,
  });
}

/**
 * A fake API whose list answers come from a script, one per call (the last one repeats): the
 * account's snapshots at that moment, of which a server's own list shows its own.
 */
function scriptedList(answers: Array<Snapshot[] | Error | Partial<SnapshotList>>) {
  const calls: Array<number | undefined> = [];
  const api = {
    listSnapshots: async (serverId?: number): Promise<SnapshotList> => {
      calls.push(serverId);
      const answer = answers[Math.min(calls.length - 1, answers.length - 1)] ?? [];
      if (answer instanceof Error) throw answer;
      const list = Array.isArray(answer) ? { snapshots: answer } : answer;
      const snapshots = (list.snapshots ?? []).filter(
        (s) => serverId === undefined || s.server.id === serverId,
      );
      return { complete: true, pages: 1, ...list, snapshots };
    },
  } as unknown as SnapshotsApi;
  return { api, calls };
}

describe("waitForSnapshots", () => {
  it("polls the server's own list for one server until completed", async () => {
    const { api, calls } = scriptedList([[snapshot(801, 1)], [snapshot(801, 1, "completed")]]);
    const opts = options(600_000);
    const results = await waitForSnapshots(api, [snapshot(801, 1)], opts);
    expect(results.get(801)?.kind).toBe("completed");
    expect(results.get(801)?.snapshot.size_mb).toBe(1024);
    expect(calls).toEqual([1, 1]);
    expect(opts.log.lines[0]).toMatch(/^Snapshot 801 of server 1: in_progress \(1s elapsed\)$/);
  });

  it("uses one account-wide list per check for several servers", async () => {
    const done = [
      snapshot(801, 1, "completed"),
      snapshot(802, 2, "completed"),
      snapshot(803, 3, "completed"),
    ];
    const { api, calls } = scriptedList([
      [snapshot(801, 1), snapshot(802, 2), snapshot(803, 3)],
      done,
    ]);
    const results = await waitForSnapshots(
      api,
      [snapshot(801, 1), snapshot(802, 2), snapshot(803, 3)],
      options(600_000),
    );
    expect([...results.values()].map((r) => r.kind)).toEqual([
      "completed",
      "completed",
      "completed",
    ]);
    expect(calls).toEqual([undefined, undefined]);
  });

  it("reports any status other than in_progress and completed as failed, naming it", async () => {
    const { api } = scriptedList([[snapshot(801, 1, "error")]]);
    const results = await waitForSnapshots(api, [snapshot(801, 1)], options(600_000));
    expect(results.get(801)).toMatchObject({ kind: "failed", snapshot: { status: "error" } });
  });

  it("ends at once when the snapshot disappears from the list", async () => {
    const { api, calls } = scriptedList([[]]);
    const opts = options(600_000);
    const results = await waitForSnapshots(api, [snapshot(801, 1)], opts);
    expect(results.get(801)?.kind).toBe("vanished");
    expect(calls).toHaveLength(1);
  });

  it("marks what is still in progress at the deadline as timed out", async () => {
    const { api } = scriptedList([[snapshot(801, 1), snapshot(802, 2, "completed")]]);
    const results = await waitForSnapshots(
      api,
      [snapshot(801, 1), snapshot(802, 2)],
      options(20_000),
    );
    expect(results.get(801)?.kind).toBe("timed-out");
    expect(results.get(802)?.kind).toBe("completed");
  });

  it("timed out: the last progress line says the time the result gives, though later checks failed", async () => {
    const busy = new HttpStatusError(503, "Busy.", "GET /snapshots/?server_id=1", undefined);
    const { api } = scriptedList([[snapshot(801, 1)], busy]);
    const opts = options(5_000, 1_000);
    const end = (await waitForSnapshots(api, [snapshot(801, 1)], opts)).get(801);
    expect(end).toMatchObject({ kind: "timed-out", elapsedMs: 4_000 });
    const progress = opts.log.lines.filter((line) => line.endsWith(" elapsed)"));
    expect(progress).toEqual([
      "Snapshot 801 of server 1: in_progress (1s elapsed)",
      "Snapshot 801 of server 1: in_progress (4s elapsed)",
    ]);
  });

  it("timed out right after a check: that check's line is not said twice", async () => {
    const { api } = scriptedList([[snapshot(801, 1)]]);
    const opts = options(2_000, 1_000);
    const end = (await waitForSnapshots(api, [snapshot(801, 1)], opts)).get(801);
    expect(end).toMatchObject({ kind: "timed-out", elapsedMs: 1_500 });
    expect(opts.log.lines).toEqual([
      "Snapshot 801 of server 1: in_progress (1s elapsed)",
      "Snapshot 801 of server 1: in_progress (2s elapsed)",
    ]);
  });

  it("a snapshot missing from the account's list is confirmed through its server's own list first", async () => {
    // The account's list moved while it was read: 802 is on no page, yet it is still there.
    const { api, calls } = scriptedList([
      [snapshot(801, 1, "completed")],
      [snapshot(802, 2, "completed")],
    ]);
    const results = await waitForSnapshots(
      api,
      [snapshot(801, 1), snapshot(802, 2)],
      options(600_000),
    );
    expect(results.get(802)?.kind).toBe("completed");
    expect(calls).toEqual([undefined, 2]);
  });

  it("gone only when the server's own complete list lacks it too", async () => {
    const { api } = scriptedList([[snapshot(801, 1, "completed")]]);
    const results = await waitForSnapshots(
      api,
      [snapshot(801, 1), snapshot(802, 2)],
      options(600_000),
    );
    expect(results.get(802)?.kind).toBe("vanished");
  });

  it("a server list that is not complete proves no absence: the wait goes on", async () => {
    const { api } = scriptedList([
      { snapshots: [], complete: false },
      { snapshots: [], complete: false },
      [snapshot(801, 1, "completed")],
    ]);
    const results = await waitForSnapshots(api, [snapshot(801, 1)], options(600_000));
    expect(results.get(801)?.kind).toBe("completed");
  });

  it("on a large account, reads each server's own list: min(pages, servers) requests per check", async () => {
    const { api, calls } = scriptedList([
      { snapshots: [], pages: 121 },
      [snapshot(801, 1), snapshot(802, 2), snapshot(803, 3)],
      [snapshot(801, 1, "completed"), snapshot(802, 2, "completed"), snapshot(803, 3, "completed")],
    ]);
    const results = await waitForSnapshots(
      api,
      [snapshot(801, 1), snapshot(802, 2), snapshot(803, 3)],
      options(600_000),
    );
    expect([...results.values()].every((r) => r.kind === "completed")).toBe(true);
    // The first page of the account's list told its size; after that, only server lists: 3 for
    // the first check, then 1 for the one server still in progress.
    expect(calls).toEqual([undefined, 1, 2, 3, 1]);
  });

  it("a server whose list is refused ends that server's wait only; the others complete", async () => {
    const refused = new HttpStatusError(403, "Forbidden", "GET /snapshots/?server_id=2", undefined);
    const calls: Array<number | undefined> = [];
    const api = {
      listSnapshots: async (serverId?: number): Promise<SnapshotList> => {
        calls.push(serverId);
        if (serverId === undefined) return { snapshots: [], complete: true, pages: 50 };
        if (serverId === 2) throw refused;
        return {
          snapshots: [snapshot(800 + serverId, serverId, "completed")],
          complete: true,
          pages: 1,
        };
      },
    } as unknown as SnapshotsApi;
    const results = await waitForSnapshots(
      api,
      [snapshot(801, 1), snapshot(802, 2)],
      options(600_000),
    );
    expect(results.get(801)?.kind).toBe("completed");
    expect(results.get(802)).toMatchObject({ kind: "error", error: refused });
  });

  it("counts rather than names when many servers wait", async () => {
    const many = Array.from({ length: 8 }, (_, i) => snapshot(800 + i, i + 1));
    const { api } = scriptedList([
      many.map((s, i) => (i < 3 ? { ...s, status: "completed" } : s)),
      many.map((s) => ({ ...s, status: "completed" })),
    ]);
    const opts = options(600_000);
    await waitForSnapshots(api, many, opts);
    expect(opts.log.lines[0]).toBe("3 of 8 snapshots completed, 5 in progress (1s elapsed)");
  });
});
