import { mayHaveTakenEffect } from "../../api/answers/errors.js";
import { StepFailure } from "../../workflow/explain.js";
import {
  type CreateSnapshotRequest,
  RESTORING,
  type RestoreAnswer,
  type Snapshot,
  type SnapshotsApi,
} from "../../api/answers/types.js";
import type { Clock, Deadline } from "../../runner/time/clock.js";
import { readServerList } from "../lists/snapshot-lists.js";
import { formatDuration } from "../../duration.js";
import type { Logger } from "../../runner/toolkit/logger.js";
import { backoffDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from "../../api/wire/retry.js";

export interface ExactlyOnceContext {
  clock: Clock;
  deadline: Deadline;
  /** The provider's retry policy unless a test needs another. */
  policy?: RetryPolicy;
  random: () => number;
  log: Logger;
  signal?: AbortSignal;
}

export interface SentOnce<T> {
  value: T;
  /** The answer was lost, and the effect was found by looking, not taken from an answer. */
  recovered: boolean;
}

interface OnceSpec<T> {
  send: () => Promise<T>;
  /** After a lost answer: what the request did, or undefined when it provably did nothing. */
  findEffect: (sendError: unknown) => Promise<T | undefined>;
  /** `The create request for server 12345`: how the log names the request. */
  request: string;
  /** `whether the snapshot was made`: what is checked before anything is sent again. */
  check: string;
}

/**
 * Sends a request that changes state so that it takes effect at most once. After an answer that
 * leaves the outcome unknown (a reset, a timeout, a 5xx), the request is sent again only when a
 * look at the API shows that it did nothing; an effect that is found is taken as the result.
 */
async function sendExactlyOnce<T>(
  spec: OnceSpec<T>,
  context: ExactlyOnceContext,
): Promise<SentOnce<T>> {
  const { clock, deadline, policy = DEFAULT_RETRY_POLICY, random, log, signal } = context;
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await spec.send(), recovered: false };
    } catch (error) {
      if (!mayHaveTakenEffect(error)) throw error;
      const delayMs = backoffDelayMs(attempt, policy, random);
      if (delayMs >= deadline.remainingMs()) throw error;
      log.warning(
        `${spec.request} got no clear answer (${(error as Error).message}); ` +
          `checking ${spec.check} before sending anything again.`,
      );
      // A moment's pause lets an API that was slow to answer finish what it started.
      await clock.sleep(delayMs, signal);
      const effect = await spec.findEffect(error);
      if (effect !== undefined) return { value: effect, recovered: true };
      if (attempt >= policy.maxAttempts) throw error;
      log.info(
        `${spec.request} did nothing: sending it again (try ${attempt + 1} of ` +
          `${policy.maxAttempts}, ${formatDuration(deadline.remainingMs())} left).`,
      );
    }
  }
}

/** Creates one snapshot, never two: a snapshot with the name that was not there before is the one. */
export function createSnapshotOnce(
  api: SnapshotsApi,
  request: CreateSnapshotRequest,
  idsBefore: ReadonlySet<number>,
  context: ExactlyOnceContext,
): Promise<SentOnce<Snapshot>> {
  const what = `The create request for server ${request.server_id}`;
  return sendExactlyOnce(
    {
      send: () => api.createSnapshot(request),
      request: what,
      check: "whether the snapshot was made",
      findEffect: async (sendError) => {
        const unknown =
          `${what} got no clear answer (${(sendError as Error).message}), and the server's ` +
          `snapshots could not be listed to check. A snapshot named ${request.name} may exist: ` +
          "check the server before running the step again.";
        const listed = await lookOrExplain(() => readServerList(api, request.server_id), unknown);
        const made = listed.snapshots
          .filter((s) => s.name === request.name && !idsBefore.has(s.id))
          .sort((a, b) => a.id - b.id)[0];
        if (made) context.log.info(`Snapshot ${made.id} (${made.name}) was made; using it.`);
        // Not found in a list that moved while it was read proves nothing: never send it again then.
        if (!made && !listed.complete) throw new StepFailure(`${unknown} (its list kept changing)`);
        return made;
      },
    },
    context,
  );
}

/**
 * Starts one restore, never two: a restore destroys what was written since the snapshot, and a
 * second one started after the first finished would destroy it again. A server found `restoring`
 * means the lost request was accepted.
 */
export function restoreSnapshotOnce(
  api: SnapshotsApi,
  snapshot: Snapshot,
  context: ExactlyOnceContext,
): Promise<SentOnce<RestoreAnswer>> {
  const serverId = snapshot.server.id;
  const what = `The restore request for server ${serverId} (snapshot ${snapshot.id})`;
  let firstSentAt: number | undefined;
  return sendExactlyOnce(
    {
      send: () => {
        firstSentAt ??= context.clock.now();
        return api.restoreSnapshot(snapshot.id);
      },
      request: what,
      check: "the server's status",
      findEffect: async (sendError) => {
        const server = await lookOrExplain(
          () => api.getServer(serverId),
          `${what} got no clear answer (${(sendError as Error).message}), and the server's ` +
            `status could not be checked. The restore may have started: check server ${serverId} ` +
            "before running the step again.",
        );
        if (server.status === RESTORING) {
          context.log.info(`Server ${serverId} is restoring: the request was accepted.`);
          return { server };
        }
        // The provider's restores take 5 to 15 minutes, so soon after the request a server that
        // is not restoring never started one. Later, it may have started and finished already.
        const sinceFirstSend = context.clock.now() - (firstSentAt ?? context.clock.now());
        if (sinceFirstSend > RESEND_RESTORE_WITHIN_MS) {
          throw new StepFailure(
            `${what} got no clear answer (${(sendError as Error).message}), and server ` +
              `${serverId} is ${server.status}, not restoring, ${formatDuration(sinceFirstSend)} ` +
              "later: the restore may have started and already finished, so it is not sent again. " +
              `Check server ${serverId} before running the step again.`,
          );
        }
        return undefined;
      },
    },
    context,
  );
}

/**
 * A restore is sent again only while a finished restore is impossible: well under the provider's
 * shortest stated restore time of 5 minutes.
 */
export const RESEND_RESTORE_WITHIN_MS = 60_000;

async function lookOrExplain<T>(look: () => Promise<T>, explanation: string): Promise<T> {
  try {
    return await look();
  } catch (error) {
    throw new Error(`${explanation} (${(error as Error).message})`, { cause: error });
  }
}
