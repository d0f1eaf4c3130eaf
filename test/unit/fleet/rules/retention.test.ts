import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../../../src/api/answers/types.js";
import { snapshotsToMakeRoom, snapshotsToPrune } from "../../../../src/fleet/rules/retention.js";
import { apiSnapshot } from "../../../support/fixtures.js";

const PREFIX = "pre-deploy-";
const NOW = new Date("2026-11-22T12:00:00Z");
const DAY = 86_400_000;

/** Random snapshot sets of one server: ours and not, every status, dates over 60 days. */
const snapshotSet = fc
  .array(
    fc.record({
      ours: fc.boolean(),
      status: fc.constantFrom(
        "completed",
        "completed",
        "completed",
        "in_progress",
        "failed",
        "error",
        "pending",
      ),
      ageMs: fc.integer({ min: 0, max: 60 * DAY }),
      suffix: fc.stringMatching(/^[a-z0-9_-]{0,8}$/),
    }),
    { maxLength: 12 },
  )
  .chain((specs) =>
    fc
      .shuffledSubarray(
        Array.from({ length: 500 }, (_, i) => i + 1),
        { minLength: specs.length, maxLength: specs.length },
      )
      .map((ids) =>
        specs.map((spec, i) =>
          apiSnapshot({
            id: ids[i] as number,
            name: `${spec.ours ? PREFIX : "manual-"}${spec.suffix}`,
            status: spec.status,
            created_at: new Date(NOW.getTime() - spec.ageMs).toISOString(),
          }),
        ),
      ),
  );

const policy = fc.record({
  keep: fc.integer({ min: 0, max: 6 }),
  olderThanMs: fc.option(fc.integer({ min: 1, max: 30 * DAY }), { nil: undefined }),
});

// The generated snapshots all carry an ISO date.
const msOf = (s: Snapshot) => Date.parse(s.created_at as string);
const failed = (s: Snapshot) => s.status === "failed" || s.status === "error";
const completed = (s: Snapshot) => s.status === "completed";
const deletable = (s: Snapshot) => s.name.startsWith(PREFIX) && (completed(s) || failed(s));
const newestFirst = (set: Snapshot[]) => [...set].sort((a, b) => msOf(b) - msOf(a) || b.id - a.id);
const RUNS = { numRuns: 3_000 };

describe("retention: what prune may delete (property-based)", () => {
  it("never chooses a snapshot that is not ours, or in progress (or of an unknown status)", () => {
    fc.assert(
      fc.property(snapshotSet, policy, (snapshots, p) => {
        const { deleted } = snapshotsToPrune(snapshots, { ...p, namePrefix: PREFIX, now: NOW });
        for (const s of deleted) expect(deletable(s)).toBe(true);
      }),
      RUNS,
    );
  });

  it("keeps exactly the newest `keep` completed of ours (and the young ones), deletes every other of ours, failed ones whatever keep says", () => {
    fc.assert(
      fc.property(snapshotSet, policy, (snapshots, p) => {
        const { deleted, kept } = snapshotsToPrune(snapshots, {
          ...p,
          namePrefix: PREFIX,
          now: NOW,
        });
        const ours = newestFirst(snapshots.filter(deletable));
        const oursCompleted = ours.filter(completed);
        const young = (s: Snapshot) =>
          p.olderThanMs !== undefined && NOW.getTime() - msOf(s) < p.olderThanMs;
        const expected = [...ours.filter(failed), ...oursCompleted.slice(p.keep)].filter(
          (s) => !young(s),
        );
        expect(new Set(deleted.map((s) => s.id))).toEqual(new Set(expected.map((s) => s.id)));
        expect(kept.length + deleted.length).toBe(snapshots.length);
        const completedKept = oursCompleted.filter((s) => !deleted.includes(s)).length;
        expect(completedKept).toBeGreaterThanOrEqual(Math.min(p.keep, oursCompleted.length));
      }),
      RUNS,
    );
  });

  it("depends on created_at alone: not on list order, not on the ids", () => {
    fc.assert(
      fc.property(snapshotSet, policy, fc.integer(), (snapshots, p, seed) => {
        // Distinct dates (whole seconds less a few ms), so that no tie-break can matter.
        const distinct = snapshots.map((s, i) => ({
          ...s,
          created_at: new Date(Math.floor(msOf(s) / 1000) * 1000 - i).toISOString(),
        }));
        const relabelled = distinct.map((s, i) => ({
          ...s,
          id: 10_000 + ((i * 7919 + seed) % 9973),
        }));
        const reversed = [...relabelled].reverse();
        const run = (set: Snapshot[]) =>
          snapshotsToPrune(set, { ...p, namePrefix: PREFIX, now: NOW })
            .deleted.map((s) => s.created_at)
            .sort();
        expect(run(reversed)).toEqual(run(distinct));
      }),
      RUNS,
    );
  });
});

describe("retention: making room under the limit (property-based)", () => {
  it("deletes only ours, failed ones first, then completed oldest first, exactly as many as needed, or nothing at all", () => {
    fc.assert(
      fc.property(snapshotSet, fc.integer({ min: 0, max: 6 }), (snapshots, needed) => {
        const chosen = snapshotsToMakeRoom(snapshots, needed, {
          namePrefix: PREFIX,
        });
        const ours = snapshots.filter(deletable);
        if (needed > ours.length) {
          expect(chosen).toBeUndefined();
          return;
        }
        expect(chosen).toHaveLength(needed);
        for (const s of chosen ?? []) expect(deletable(s)).toBe(true);
        const chosenCompleted = (chosen ?? []).filter(completed);
        // A completed one (restorable) goes only once every failed one of ours is going.
        if (chosenCompleted.length > 0) {
          for (const s of ours.filter(failed)) expect(chosen).toContain(s);
        }
        const newestChosen = Math.max(...chosenCompleted.map(msOf));
        const oldestLeft = Math.min(
          ...ours.filter((s) => completed(s) && !chosen?.includes(s)).map(msOf),
        );
        if (chosenCompleted.length) expect(newestChosen).toBeLessThanOrEqual(oldestLeft);
      }),
      RUNS,
    );
  });
});

describe("retention: cases", () => {
  const at = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();
  const snap = (id: number, name: string, days: number, status = "completed") =>
    apiSnapshot({ id, name, status, created_at: at(days) });
  /** Prune with our prefix, at NOW, nothing protected. */
  const prune = (set: Snapshot[], policy: { keep: number; olderThanMs?: number }) =>
    snapshotsToPrune(set, { namePrefix: PREFIX, ...policy, now: NOW });

  it("keep 0 deletes every completed one of ours and nothing else", () => {
    const set = [
      snap(1, "pre-deploy-a", 9),
      snap(2, "pre-deploy-b", 1, "in_progress"),
      snap(3, "mine", 30),
    ];
    const { deleted } = prune(set, { keep: 0 });
    expect(deleted.map((s) => s.id)).toEqual([1]);
  });

  it("keep counts completed ones: failed ones of ours go whatever keep says, no other failed one", () => {
    const set = [
      snap(1, "pre-deploy-a", 9),
      snap(2, "pre-deploy-b", 1, "failed"),
      snap(3, "pre-deploy-c", 2, "error"),
      snap(4, "manual-d", 30, "failed"),
      snap(5, "pre-deploy-e", 0, "in_progress"),
      snap(6, "pre-deploy-f", 3, "pending"),
    ];
    const { deleted } = prune(set, { keep: 2 });
    expect(deleted.map((s) => s.id)).toEqual([2, 3]);
  });

  it("making room takes a failed one of ours before the oldest completed one", () => {
    const set = [
      snap(1, "pre-deploy-a", 30),
      snap(2, "pre-deploy-b", 1, "failed"),
      snap(3, "manual-c", 40, "failed"),
      snap(4, "pre-deploy-d", 20),
      snap(5, "pre-deploy-e", 0, "in_progress"),
    ];
    const room = (needed: number) =>
      snapshotsToMakeRoom(set, needed, { namePrefix: PREFIX })?.map((s) => s.id);
    expect(room(1)).toEqual([2]);
    expect(room(2)).toEqual([2, 1]);
    expect(room(4)).toBeUndefined();
  });

  it("never deletes a snapshot whose created_at cannot be read", () => {
    const set = [
      { ...snap(1, "pre-deploy-a", 9), created_at: "yesterday" },
      snap(2, "pre-deploy-b", 20),
      // Date.parse would read the number 5 as the year 2001, and 2024 as that year.
      ...[5, 2024, null, { at: at(30) }, undefined].map((created_at, i) => ({
        ...snap(10 + i, "pre-deploy-odd", 30),
        created_at,
      })),
    ];
    const { deleted } = prune(set, { keep: 0 });
    expect(deleted.map((s) => s.id)).toEqual([2]);
  });

  it("older-than keeps young ones beyond keep", () => {
    const set = [
      snap(1, "pre-deploy-a", 1),
      snap(2, "pre-deploy-b", 3),
      snap(3, "pre-deploy-c", 10),
    ];
    const { deleted } = prune(set, { keep: 1, olderThanMs: 7 * DAY });
    expect(deleted.map((s) => s.id)).toEqual([3]);
  });
});
