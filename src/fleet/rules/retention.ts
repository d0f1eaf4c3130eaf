import type { Snapshot } from "../../api/types.js";
import { createdAtMs, hasFailed, isCompleted, isManaged, newestFirst } from "./snapshots.js";

/**
 * Which snapshots a prune or `on-limit` may delete. Pure: the same snapshots and settings always
 * give the same answer, and the answer depends on `created_at` alone, never on ids or list order.
 *
 * Only a snapshot that is ours (its name starts with the prefix), completed or failed, and with a
 * readable `created_at` may ever be deleted. Anything else (a snapshot someone made by hand, one
 * in progress) is left for a person. A failed one of ours goes first: it can never be restored, and left alone it would hold one of
 * the server's five places for good.
 */
export interface Ownership {
  namePrefix: string;
}

export interface PrunePolicy extends Ownership {
  /** How many of the newest deletable snapshots to keep. */
  keep: number;
  /** Also keep every one younger than this. */
  olderThanMs?: number;
  now: Date;
}

export interface PruneDecision {
  deleted: Snapshot[];
  kept: Snapshot[];
}

function mayBeDeleted(snapshot: Snapshot, ownership: Ownership): boolean {
  return (
    isManaged(snapshot, ownership.namePrefix) &&
    (isCompleted(snapshot) || hasFailed(snapshot)) &&
    !Number.isNaN(createdAtMs(snapshot))
  );
}

/**
 * One server's snapshots: keep the newest `keep` completed ones of ours (and the young ones),
 * delete the rest of ours, and every failed one of ours whatever `keep` says.
 */
export function snapshotsToPrune(
  snapshots: readonly Snapshot[],
  policy: PrunePolicy,
): PruneDecision {
  const candidates = newestFirst(snapshots.filter((s) => mayBeDeleted(s, policy)));
  const tooYoung = (s: Snapshot) =>
    policy.olderThanMs !== undefined && policy.now.getTime() - createdAtMs(s) < policy.olderThanMs;
  const beyondKeep = [
    ...candidates.filter(hasFailed),
    ...candidates.filter(isCompleted).slice(policy.keep),
  ];
  const deleted = newestFirst(beyondKeep.filter((s) => !tooYoung(s)));
  const deletedIds = new Set(deleted.map((s) => s.id));
  return { deleted, kept: snapshots.filter((s) => !deletedIds.has(s.id)) };
}

/**
 * The snapshots of ours to delete so that `needed` slots come free (the failed ones first, then
 * the oldest completed), or undefined when there are not enough of ours: then nothing at all is
 * deleted, since deleting some would not help.
 */
export function snapshotsToMakeRoom(
  snapshots: readonly Snapshot[],
  needed: number,
  ownership: Ownership,
): Snapshot[] | undefined {
  if (needed <= 0) return [];
  const oldestFirst = newestFirst(snapshots.filter((s) => mayBeDeleted(s, ownership))).reverse();
  const order = [...oldestFirst.filter(hasFailed), ...oldestFirst.filter(isCompleted)];
  return order.length >= needed ? order.slice(0, needed) : undefined;
}
