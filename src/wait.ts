import { DeadlineError, isTransient } from "./api/errors.js";
import type { Clock, Deadline } from "./clock.js";
import type { Logger } from "./logger.js";

export interface PollOptions {
  clock: Clock;
  deadline: Deadline;
  /** The longest gap between two checks (the `poll-interval` input). */
  maxIntervalMs: number;
  log: Logger;
  signal?: AbortSignal;
}

export type PollOutcome<T> = { done: true; value: T } | { done: false };

/** The first gap; gaps double from here up to the poll interval, so quick work is seen quickly. */
const FIRST_INTERVAL_MS = 1_000;
/**
 * The last check is aimed this long before the deadline so that its request, too, ends by the
 * deadline instead of being cut off by it.
 */
const FINAL_CHECK_ALLOWANCE_MS = 1_000;

/**
 * Calls `check` after each gap until it returns a value or the deadline comes. A transient failure
 * of one check (the API briefly unreachable) only costs that check; any other error ends the wait
 * at once, because waiting cannot fix it.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  { clock, deadline, maxIntervalMs, log, signal }: PollOptions,
): Promise<PollOutcome<T>> {
  for (let round = 0; ; round++) {
    const usable =
      deadline.remainingMs() - Math.min(FINAL_CHECK_ALLOWANCE_MS, deadline.totalMs / 4);
    if (usable <= 0 && round > 0) return { done: false };
    const gap = Math.min(maxIntervalMs, FIRST_INTERVAL_MS * 2 ** round);
    await clock.sleep(Math.max(0, Math.min(gap, usable)), signal);
    try {
      const value = await check();
      if (value !== undefined) return { done: true, value };
    } catch (error) {
      if (error instanceof DeadlineError) return { done: false };
      if (!isTransient(error)) throw error;
      log.warning(
        `A status check failed (${error instanceof Error ? error.message : String(error)}); ` +
          "the next check will try again.",
      );
    }
  }
}
