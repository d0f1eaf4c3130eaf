/**
 * What a snapshot's status says of it, read in this one place. The API documents two statuses,
 * `in_progress` and `completed`; `failed` and `error` are the unmistakable ends it may send. Any
 * other status is unknown, and each decision reads it the safe way for what it does:
 * - retention never deletes it: it might still be being made (`pending`, `queued`), and a
 *   snapshot deleted while it is made is a snapshot lost;
 * - a wait stops on it without success: only `in_progress` is worth waiting on, and only
 *   `completed` is success, so a status nobody documented is never called done.
 */
type SnapshotState = "completed" | "in-progress" | "failed" | "unknown";

const STATES: ReadonlyMap<string, SnapshotState> = new Map([
  ["completed", "completed"],
  ["in_progress", "in-progress"],
  ["failed", "failed"],
  ["error", "failed"],
]);

function snapshotState(snapshot: { status: string }): SnapshotState {
  return STATES.get(snapshot.status) ?? "unknown";
}

/** Made and restorable: the only success of a wait. */
export function isCompleted(snapshot: { status: string }): boolean {
  return snapshotState(snapshot) === "completed";
}

/** Still being made, as documented: the only state a wait goes on waiting for. */
export function isInProgress(snapshot: { status: string }): boolean {
  return snapshotState(snapshot) === "in-progress";
}

/** Ended without completing, for sure: it can never be restored, so retention deletes it first. */
export function hasFailed(snapshot: { status: string }): boolean {
  return snapshotState(snapshot) === "failed";
}
