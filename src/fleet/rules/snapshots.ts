import { SnapshotStatus, type Snapshot } from "../../api/types.js";
import { formatDuration } from "../../duration.js";
import { asText } from "../../runner/untrusted.js";

/** A snapshot this action manages: prune, on-limit and `latest` only ever touch these. */
export function isManaged(snapshot: Snapshot, namePrefix: string): boolean {
  return snapshot.name.startsWith(namePrefix);
}

export function isCompleted(snapshot: Snapshot): boolean {
  return snapshot.status === SnapshotStatus.completed;
}

/**
 * A snapshot that ended without completing and can never be restored. The API documents no
 * failure value; only these unmistakable words count, so that an undocumented status of a
 * snapshot still being made (`pending`, `queued`) is never taken for a failure and deleted.
 */
const FAILED_STATUSES: ReadonlySet<string> = new Set(["failed", "error"]);

export function hasFailed(snapshot: Snapshot): boolean {
  return FAILED_STATUSES.has(snapshot.status);
}

/**
 * `created_at` in ms; NaN when the API sent something that is not a date. Only text is read as a
 * date: `Date.parse` would take the number 5 for the year 2001, and a prune would trust it.
 */
export function createdAtMs(snapshot: Snapshot): number {
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

/** `801 (pre-deploy-abc, server 12345)`: a snapshot as a sentence names it. */
export function describeSnapshot(snapshot: Snapshot): string {
  return `${snapshot.id} (${snapshot.name}, server ${snapshot.server.id})`;
}

/** `2048 MB`; a size the API sent as something else than a number, as it came. */
export function sizeText(snapshot: Snapshot): string {
  return typeof snapshot.size_mb === "number" ? `${snapshot.size_mb} MB` : asText(snapshot.size_mb);
}

/** How old a snapshot is at `now`, for a person: `3d 04h`. */
export function age(snapshot: Snapshot, now: Date): string {
  const ms = createdAtMs(snapshot);
  return Number.isNaN(ms) ? "unknown age" : formatDuration(now.getTime() - ms);
}
