import { type Snapshot, SnapshotStatus, type SnapshotsApi } from "../api/types.js";
import { formatDuration } from "../duration.js";
import { type WaitEnd, waitForEach } from "./wait-for-each.js";
import type { WaitOptions } from "./wait-until.js";

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
  options: WaitOptions,
): Promise<Map<number, SnapshotWaitResult>> {
  const made = new Map(snapshots.map((s) => [s.id, s]));
  const serverIds = new Set(snapshots.map((s) => s.server.id));
  const onlyServer = serverIds.size === 1 ? [...serverIds][0] : undefined;

  const waited = await waitForEach<number, Snapshot | undefined>(
    made,
    {
      look: async (pending) => {
        const listed = new Map((await api.listSnapshots(onlyServer)).map((s) => [s.id, s]));
        return new Map(pending.map((id) => [id, listed.get(id)]));
      },
      // Only `in_progress` is documented as unfinished; gone from the list is an end too.
      isSettled: (snapshot) => snapshot?.status !== SnapshotStatus.inProgress,
      progress: (states, elapsedMs) => progressLine(snapshots, states, elapsedMs),
    },
    options,
  );
  return new Map(
    [...waited].map(([id, end]) => [
      id,
      {
        kind: kindOf(end),
        snapshot: end.state ?? (made.get(id) as Snapshot),
        elapsedMs: end.elapsedMs,
        lastFailure: end.lastFailure,
      },
    ]),
  );
}

function kindOf(end: WaitEnd<Snapshot | undefined>): SnapshotWaitResult["kind"] {
  if (!end.settled) return "timed-out";
  if (!end.state) return "vanished";
  // Any status but the two documented ones is an end that is not success.
  return end.state.status === SnapshotStatus.completed ? "completed" : "failed";
}

function progressLine(
  all: Snapshot[],
  states: ReadonlyMap<number, Snapshot | undefined>,
  elapsedMs: number,
): string {
  const elapsed = `${formatDuration(elapsedMs)} elapsed`;
  const statusOf = (s: Snapshot) => states.get(s.id)?.status ?? "gone from the list";
  if (all.length <= NAMED_IN_PROGRESS_LINE) {
    const named = all.map((s) => `snapshot ${s.id} of server ${s.server.id}: ${statusOf(s)}`);
    return `${capitalize(named.join("; "))} (${elapsed})`;
  }
  const count = (status: string) => all.filter((s) => statusOf(s) === status).length;
  const completed = count(SnapshotStatus.completed);
  const inProgress = count(SnapshotStatus.inProgress);
  const ended = all.length - completed - inProgress;
  return (
    `${completed} of ${all.length} snapshots completed, ${inProgress} in progress` +
    `${ended > 0 ? `, ${ended} ended otherwise` : ""} (${elapsed})`
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
