import { hasFailed, isCompleted } from "../../api/answers/snapshot-status.js";
import type { Snapshot } from "../../api/answers/types.js";
import { formatDuration } from "../../duration.js";
import { Inputs, SNAPSHOT_LIMIT_PER_SERVER } from "../../constants.js";
import { StepFailure } from "../../workflow/explain.js";
import type { CreateSettings } from "../../workflow/inputs/settings.js";
import { isManaged } from "../../workflow/snapshot-name.js";

/*
 * Snapshot retention, whole: which snapshots are ours, which are completed or failed and how old,
 * in what order; and from that, which of ours a prune deletes, which `on-limit` deletes to make
 * room, and what `if-exists` does with one of the same name. Pure: no request, no clock of its own.
 */

/**
 * `created_at` in ms; NaN when the API sent something that is not a date. Only text is read as a
 * date: `Date.parse` would take the number 5 for the year 2001, and a prune would trust it.
 */
function createdAtMs(snapshot: Snapshot): number {
  return typeof snapshot.created_at === "string" ? Date.parse(snapshot.created_at) : Number.NaN;
}

/** Newest first by `created_at`, never by id or list order; an unreadable date sorts last. */
export function newestFirst(snapshots: readonly Snapshot[]): Snapshot[] {
  const time = (s: Snapshot) => {
    const ms = createdAtMs(s);
    return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
  };
  return [...snapshots].sort((a, b) => time(b) - time(a) || b.id - a.id);
}

/** How old a snapshot is at `now`, for a person: `3d 04h`. */
export function age(snapshot: Snapshot, now: Date): string {
  const ms = createdAtMs(snapshot);
  return Number.isNaN(ms) ? "unknown age" : formatDuration(now.getTime() - ms);
}

/**
 * Which snapshots a prune or `on-limit` may delete. Pure: the same snapshots and settings always
 * give the same answer, and the answer depends on `created_at` alone, never on ids or list order.
 *
 * Only a snapshot that is ours (its name starts with the prefix), completed or failed, and with a
 * readable `created_at` may ever be deleted. Anything else (a snapshot someone made by hand, one
 * in progress) is left for a person. A failed one of ours goes first: it can never be restored, and left alone it would hold one of
 * the server's five places for good.
 */
interface Ownership {
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

/** What a server needs before its new snapshot: decided before anything is changed anywhere. */
export interface SlotPlan {
  /** `if-exists: reuse` found this one: no new snapshot is made. */
  reuse?: Snapshot;
  /** Deleted before the create, in this order. */
  deletions: Deletion[];
  /** What is left on the server once the deletions are done. */
  remaining: Snapshot[];
}

interface Deletion {
  snapshot: Snapshot;
  why: string;
}

type SlotSettings = Pick<CreateSettings, "name" | "ifExists" | "onLimit" | "namePrefix">;

/**
 * Applies `if-exists` (fail before creating, reuse the newest one with the step's name, or delete
 * them all to make a new one), then `on-limit`. Pure: it throws, naming the server, what the step
 * could not do on it, and changes nothing.
 */
export function planSlot(
  serverId: number,
  existing: Snapshot[],
  settings: SlotSettings,
  now: Date,
): SlotPlan {
  const sameName = newestFirst(existing.filter((s) => s.name === settings.name));
  const [newest] = sameName;
  if (!newest) return planRoom(serverId, existing, settings, now);
  switch (settings.ifExists) {
    case "fail":
      throw new StepFailure(
        `Server ${serverId} already has snapshot ${newest.id} named ${settings.name} ` +
          `(${newest.status}, ${age(newest, now)} old). Set ${Inputs.ifExists}: reuse to use ` +
          "it, or replace to delete it and make a new one.",
      );
    case "reuse":
      return { reuse: newest, deletions: [], remaining: existing };
    case "replace": {
      const room = planRoom(
        serverId,
        existing.filter((s) => s.name !== settings.name),
        settings,
        now,
      );
      const why = `replaced (${Inputs.ifExists}: replace)`;
      return {
        ...room,
        deletions: [...sameName.map((snapshot) => ({ snapshot, why })), ...room.deletions],
      };
    }
  }
}

/**
 * Applies `on-limit` when the server already holds the provider's maximum: fail, or delete just
 * enough of ours, failed ones first, then the oldest completed. When not enough of ours may go,
 * nothing is deleted.
 */
export function planRoom(
  serverId: number,
  existing: Snapshot[],
  settings: Pick<CreateSettings, "onLimit" | "namePrefix">,
  now: Date,
): SlotPlan {
  const needed = existing.length - SNAPSHOT_LIMIT_PER_SERVER + 1;
  if (needed <= 0) return { deletions: [], remaining: existing };
  const atLimit =
    `Server ${serverId} already has ${existing.length} snapshots, the provider's limit is ` +
    `${SNAPSHOT_LIMIT_PER_SERVER}: ${listing(existing, now)}.`;
  if (settings.onLimit === "fail") {
    throw new StepFailure(
      `${atLimit} ${Inputs.onLimit} is fail, so nothing was deleted. Delete one (mode: delete), ` +
        `or set ${Inputs.onLimit}: delete-oldest to let this action delete its failed or oldest completed snapshot.`,
    );
  }
  const chosen = snapshotsToMakeRoom(existing, needed, {
    namePrefix: settings.namePrefix,
  });
  if (!chosen) {
    throw new StepFailure(
      `${atLimit} Too few of them may be deleted by this action (only completed or failed snapshots whose ` +
        `name starts with "${settings.namePrefix}"), so nothing was deleted. Delete one yourself ` +
        "(mode: delete with its id) to make room.",
    );
  }
  const why = `to make room (${Inputs.onLimit}: delete-oldest)`;
  const gone = new Set(chosen.map((s) => s.id));
  return {
    deletions: chosen.map((snapshot) => ({ snapshot, why })),
    remaining: existing.filter((s) => !gone.has(s.id)),
  };
}

function listing(snapshots: Snapshot[], now: Date): string {
  return newestFirst(snapshots)
    .map((s) => `${s.id} ${s.name} (${s.status}, ${age(s, now)} old)`)
    .join(", ");
}
