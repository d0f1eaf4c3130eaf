import { errorMessage, isTransient } from "../../api/answers/errors.js";
import { isCompleted, isInProgress } from "../../api/answers/snapshot-status.js";
import type { Snapshot, SnapshotsApi } from "../../api/answers/types.js";
import { formatDuration } from "../../duration.js";
import type { Logger } from "../../runner/toolkit/logger.js";
import { explainFailure } from "../../workflow/explain.js";
import type { SnapshotResult } from "../../workflow/results.js";
import { readOwnList, type ServerList, snapshotsByServer } from "../lists/snapshot-lists.js";
import { type WaitEnd, waitForEach } from "./each.js";
import { lastCheckFailed, type WaitOptions } from "../../runner/time/poll.js";

interface SnapshotWaitResult {
  kind: "completed" | "failed" | "vanished" | "timed-out" | "error";
  /** The last state seen. */
  snapshot: Snapshot;
  /** When the end was seen, on the deadline's clock. */
  elapsedMs: number;
  /** Timed out: why the last check failed, if it did. */
  lastFailure?: string;
  /** Error: what ended this snapshot's wait before the deadline. */
  error?: unknown;
}

/** A snapshot as one check saw it. */
type Seen = { snapshot: Snapshot } | { gone: true } | { error: unknown };

/** How many snapshots a progress line names one by one before it only counts them. */
const NAMED_IN_PROGRESS_LINE = 5;

/**
 * Waits until every snapshot has ended. A check reads each server's snapshots at the cost of
 * min(pages of the account's list, servers) requests (see `snapshotsByServer`). A snapshot is
 * "gone" only when its server's own complete list lacks it: missing from the account's list, which
 * moves while it is read, is first confirmed there. A server whose list fails concerns only that
 * server's snapshots: a passing failure skips them for one check, a final one ends their wait.
 */
export async function waitForSnapshots(
  api: SnapshotsApi,
  snapshots: Snapshot[],
  options: WaitOptions,
  accountPages?: number,
): Promise<Map<number, SnapshotWaitResult>> {
  const made = new Map(snapshots.map((s) => [s.id, s]));
  // What each check learns of the account's size decides how the next one reads.
  let pages = accountPages;
  const waited = await waitForEach<number, Seen>(
    new Map(snapshots.map((s) => [s.id, { snapshot: s }])),
    {
      look: async (pending) => {
        const checked = await look(
          api,
          pending.map((id) => made.get(id) as Snapshot),
          pages,
          options.log,
        );
        pages = checked.accountPages;
        return checked.seen;
      },
      // Gone and failed checks are ends too.
      isSettled: (seen) => !("snapshot" in seen) || !isInProgress(seen.snapshot),
      progress: (states, elapsedMs) => progressLine(snapshots, states, elapsedMs),
    },
    options,
  );
  return new Map([...waited].map(([id, end]) => [id, resultOf(end, made.get(id) as Snapshot)]));
}

async function look(
  api: SnapshotsApi,
  pending: Snapshot[],
  accountPages: number | undefined,
  log: Logger,
): Promise<{ seen: Map<number, Seen>; accountPages: number | undefined }> {
  const serverIds = [...new Set(pending.map((s) => s.server.id))];
  const lists = await snapshotsByServer(api, serverIds, accountPages);
  const passing = [...lists.failed].filter(([, error]) => isTransient(error));
  // Every server's list failed for a passing reason: the whole check failed, and says so.
  const [firstPassing] = passing;
  if (firstPassing && lists.byServer.size === 0 && passing.length === lists.failed.size) {
    throw firstPassing[1];
  }
  for (const [serverId, error] of passing) {
    log.warning(
      `The status check of server ${serverId} failed (${errorMessage(error)}); the next check will try again.`,
    );
  }

  const ownLists = new Map<number, Promise<ServerList>>();
  const ownListOf = (serverId: number) => {
    const read = ownLists.get(serverId) ?? readOwnList(api, serverId);
    ownLists.set(serverId, read);
    return read;
  };
  const seen = new Map<number, Seen>();
  for (const made of pending) {
    const serverId = made.server.id;
    let now: Seen | undefined;
    if (lists.failed.has(serverId)) {
      now = afterFailure(lists.failed.get(serverId));
    } else {
      now = find(made, lists.byServer.get(serverId) ?? [], lists.provesAbsence.get(serverId));
      // Missing from the account's list, which moves while it is read: the server's own decides.
      if (now === undefined && lists.fromAccount) {
        const own = await ownListOf(serverId);
        now = "error" in own ? afterFailure(own.error) : find(made, own.snapshots, own.complete);
      }
    }
    if (now) seen.set(made.id, now);
  }
  return { seen, accountPages: lists.accountPages };
}

/** Listed, gone for sure, or undefined: not seen for sure this time. */
function find(made: Snapshot, listed: Snapshot[], provesAbsence = false): Seen | undefined {
  const snapshot = listed.find((s) => s.id === made.id);
  if (snapshot) return { snapshot };
  return provesAbsence ? { gone: true } : undefined;
}

/** A passing failure leaves the snapshot for the next check; any other ends its wait. */
function afterFailure(error: unknown): Seen | undefined {
  return isTransient(error) ? undefined : { error };
}

function resultOf(end: WaitEnd<Seen>, made: Snapshot): SnapshotWaitResult {
  const { state, elapsedMs, lastFailure } = end;
  const snapshot = "snapshot" in state ? state.snapshot : made;
  if (end.error !== undefined) return { kind: "error", snapshot, elapsedMs, error: end.error };
  if (!end.settled) return { kind: "timed-out", snapshot, elapsedMs, lastFailure };
  if ("error" in state) return { kind: "error", snapshot, elapsedMs, error: state.error };
  if ("gone" in state) return { kind: "vanished", snapshot, elapsedMs };
  const kind = isCompleted(snapshot) ? "completed" : "failed";
  return { kind, snapshot, elapsedMs };
}

function progressLine(
  all: Snapshot[],
  states: ReadonlyMap<number, Seen>,
  elapsedMs: number,
): string {
  const elapsed = `${formatDuration(elapsedMs)} elapsed`;
  const statusOf = (s: Snapshot) => {
    const seen = states.get(s.id);
    if (!seen || "snapshot" in seen) return seen?.snapshot.status ?? s.status;
    return "gone" in seen ? "gone from the list" : "could not be checked";
  };
  if (all.length <= NAMED_IN_PROGRESS_LINE) {
    const named = all.map((s) => `snapshot ${s.id} of server ${s.server.id}: ${statusOf(s)}`);
    return `${capitalize(named.join("; "))} (${elapsed})`;
  }
  const count = (is: (s: { status: string }) => boolean) =>
    all.filter((s) => is({ status: statusOf(s) })).length;
  const completed = count(isCompleted);
  const inProgress = count(isInProgress);
  const ended = all.length - completed - inProgress;
  return (
    `${completed} of ${all.length} snapshots completed, ${inProgress} in progress` +
    `${ended > 0 ? `, ${ended} ended otherwise` : ""} (${elapsed})`
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What waiting for snapshots needs. */
export interface WaitContext extends Omit<WaitOptions, "maxIntervalMs"> {
  api: SnapshotsApi;
}

/** The snapshots the results hold, in server order. */
export function madeSnapshots(results: readonly SnapshotResult[]): Snapshot[] {
  return results.flatMap((r) => (r.snapshot ? [r.snapshot] : []));
}

/**
 * Waits for the results' snapshots, in a log group of its own, and writes each one's end into its
 * result: the wait of create mode and of wait mode alike.
 */
export async function waitForResults(
  results: SnapshotResult[],
  pollIntervalMs: number,
  context: WaitContext,
  accountPages?: number,
): Promise<void> {
  const { api, clock, deadline, log, signal } = context;
  if (results.length === 0) return;
  const snapshots = madeSnapshots(results);
  const wait = () =>
    waitForSnapshots(
      api,
      snapshots,
      { clock, deadline, maxIntervalMs: pollIntervalMs, log, signal },
      accountPages,
    );
  const unfinished = snapshots.filter(isInProgress).length;
  let waited;
  if (unfinished > 0) {
    const title = `Waiting for ${unfinished} snapshot${unfinished === 1 ? "" : "s"} to complete`;
    waited = await log.group(title, wait);
  } else {
    // Each ended before the wait began (it completed while the build ran): no check is made, so
    // a group would stay empty; one line says so instead.
    waited = await wait();
    log.info(`Nothing to wait for: ${snapshots.map(endedBefore).join("; ")}.`);
  }
  for (const result of results) {
    const outcome = waited.get((result.snapshot as Snapshot).id);
    if (outcome) applyWaitEnd(result, outcome, deadline.totalMs);
  }
}

function endedBefore(snapshot: Snapshot): string {
  return `snapshot ${snapshot.id} of server ${snapshot.server.id} is already ${snapshot.status}`;
}

function applyWaitEnd(result: SnapshotResult, outcome: SnapshotWaitResult, timeoutMs: number) {
  const snapshot = result.snapshot as Snapshot;
  result.snapshot = outcome.snapshot;
  result.endedAtMs = outcome.elapsedMs;
  const which = `Snapshot ${snapshot.id} of server ${result.serverId}`;
  switch (outcome.kind) {
    case "completed":
      return;
    case "failed":
      result.failure = `${which} ended with status "${outcome.snapshot.status}" instead of completed.`;
      return;
    case "vanished":
      result.failure = `${which} disappeared from the server's snapshots while it was being made: was it deleted elsewhere?`;
      return;
    case "error":
      result.failure = explainFailure(outcome.error, {
        kind: "wait",
        serverId: result.serverId,
        snapshotId: snapshot.id,
      });
      return;
    case "timed-out":
      result.failure =
        `${which} is still ${outcome.snapshot.status} after the ${formatDuration(timeoutMs)} ` +
        "timeout. It may still complete: its id is in the outputs. Raise timeout if this server needs longer." +
        lastCheckFailed(outcome.lastFailure);
  }
}
