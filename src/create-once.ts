import { mayHaveTakenEffect } from "./api/errors.js";
import type { CreateSnapshotRequest, Snapshot, SnapshotsApi } from "./api/types.js";
import type { Clock, Deadline } from "./clock.js";
import { formatDuration } from "./duration.js";
import type { Logger } from "./logger.js";
import { backoffDelayMs, type RetryPolicy } from "./retry.js";

export interface CreateOnceContext {
  clock: Clock;
  deadline: Deadline;
  policy: RetryPolicy;
  random: () => number;
  log: Logger;
  signal?: AbortSignal;
}

export interface CreatedSnapshot {
  snapshot: Snapshot;
  /** Found in the list after a create whose answer was lost, rather than taken from an answer. */
  adopted: boolean;
}

/**
 * Creates one snapshot, never two. After an answer that leaves the outcome unknown (a reset, a
 * timeout, a 5xx), the request is not sent again until the server's list shows that no snapshot
 * with this name was made; one that was made is adopted instead.
 */
export async function createSnapshotOnce(
  api: SnapshotsApi,
  request: CreateSnapshotRequest,
  idsBefore: ReadonlySet<number>,
  context: CreateOnceContext,
): Promise<CreatedSnapshot> {
  const { clock, deadline, policy, random, log, signal } = context;
  for (let attempt = 1; ; attempt++) {
    try {
      return { snapshot: await api.createSnapshot(request), adopted: false };
    } catch (error) {
      if (!mayHaveTakenEffect(error)) throw error;
      const delayMs = backoffDelayMs(attempt, policy, random);
      if (delayMs >= deadline.remainingMs()) throw error;
      log.warning(
        `The create request for server ${request.server_id} got no clear answer ` +
          `(${(error as Error).message}); checking whether the snapshot was made before sending it again.`,
      );
      // A moment's pause lets an API that was slow to answer finish what it started.
      await clock.sleep(delayMs, signal);
      const made = await findMade(api, request, idsBefore, error);
      if (made) {
        log.info(
          `Snapshot ${made.id} named ${made.name} was made on server ${made.server.id}; using it.`,
        );
        return { snapshot: made, adopted: true };
      }
      if (attempt >= policy.maxAttempts) throw error;
      log.info(
        `No snapshot named ${request.name} on server ${request.server_id}: ` +
          `sending the create request again (try ${attempt + 1} of ${policy.maxAttempts}, ` +
          `${formatDuration(deadline.remainingMs())} left).`,
      );
    }
  }
}

async function findMade(
  api: SnapshotsApi,
  request: CreateSnapshotRequest,
  idsBefore: ReadonlySet<number>,
  createError: unknown,
): Promise<Snapshot | undefined> {
  let snapshots: Snapshot[];
  try {
    snapshots = await api.listSnapshots(request.server_id);
  } catch (listError) {
    throw new Error(
      `The create request for server ${request.server_id} got no clear answer ` +
        `(${(createError as Error).message}), and the server's snapshots could not be listed to ` +
        `check (${(listError as Error).message}). A snapshot named ${request.name} may exist: ` +
        "check the server before running the step again.",
      { cause: listError },
    );
  }
  const made = snapshots.filter((s) => s.name === request.name && !idsBefore.has(s.id));
  return made.sort((a, b) => a.id - b.id)[0];
}
