import { type Snapshot, SnapshotStatus, type SnapshotsApi } from "./api/types.js";
import { formatDuration } from "./duration.js";
import { type PollOptions, pollUntil } from "./wait.js";

export interface SnapshotWaitResult {
  kind: "completed" | "failed" | "vanished" | "timed-out";
  /** The last state seen. */
  snapshot: Snapshot;
  /** When the end was seen, on the deadline's clock. */
  elapsedMs: number;
  /** Timed out: why the last check failed, if it did. */
  lastFailure?: string;
}

/** How many snapshots a progress line names one by one before it only counts them. */
const NAMED_IN_PROGRESS_LINE = 5;

/**
 * Waits until every snapshot has ended. Each check is one list request for all of them: the
 * server's own list for one server, the account's list for several, so a fleet costs what one
 * server costs.
 */
export async function waitForSnapshots(
  api: SnapshotsApi,
  snapshots: Snapshot[],
  options: PollOptions,
): Promise<Map<number, SnapshotWaitResult>> {
  const results = new Map<number, SnapshotWaitResult>();
  const pending = new Map(snapshots.map((s) => [s.id, s]));
  const serverIds = new Set(snapshots.map((s) => s.server.id));
  const onlyServer = serverIds.size === 1 ? [...serverIds][0] : undefined;

  const outcome = await pollUntil(async () => {
    const listed = new Map((await api.listSnapshots(onlyServer)).map((s) => [s.id, s]));
    const elapsedMs = options.deadline.elapsedMs();
    for (const [id, last] of pending) {
      const current = listed.get(id);
      const kind = classify(current);
      if (kind === "pending") {
        pending.set(id, current ?? last);
      } else {
        results.set(id, { kind, snapshot: current ?? last, elapsedMs });
        pending.delete(id);
      }
    }
    options.log.info(progressLine(snapshots, pending, results, options.deadline.elapsedMs()));
    return pending.size === 0 ? results : undefined;
  }, options);

  if (!outcome.done) {
    const elapsedMs = options.deadline.elapsedMs();
    for (const [id, last] of pending)
      results.set(id, {
        kind: "timed-out",
        snapshot: last,
        elapsedMs,
        lastFailure: outcome.lastFailure,
      });
  }
  return results;
}

function classify(current: Snapshot | undefined): SnapshotWaitResult["kind"] | "pending" {
  if (!current) return "vanished";
  if (current.status === SnapshotStatus.completed) return "completed";
  // Only `in_progress` is documented as unfinished; any other status is an end that is not success.
  if (current.status === SnapshotStatus.inProgress) return "pending";
  return "failed";
}

function progressLine(
  all: Snapshot[],
  pending: Map<number, Snapshot>,
  results: Map<number, SnapshotWaitResult>,
  elapsedMs: number,
): string {
  const elapsed = `${formatDuration(elapsedMs)} elapsed`;
  if (all.length <= NAMED_IN_PROGRESS_LINE) {
    const states = all.map((s) => {
      const status = pending.get(s.id)?.status ?? statusOf(results.get(s.id));
      return `snapshot ${s.id} of server ${s.server.id}: ${status}`;
    });
    return `${capitalize(states.join("; "))} (${elapsed})`;
  }
  const completed = [...results.values()].filter((r) => r.kind === "completed").length;
  const ended = results.size - completed;
  return (
    `${completed} of ${all.length} snapshots completed, ${pending.size} in progress` +
    `${ended > 0 ? `, ${ended} ended otherwise` : ""} (${elapsed})`
  );
}

function statusOf(result: SnapshotWaitResult | undefined): string {
  if (!result) return "unknown";
  return result.kind === "vanished" ? "gone from the list" : result.snapshot.status;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
