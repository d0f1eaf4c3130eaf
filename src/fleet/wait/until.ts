import { errorMessage, isTransient } from "../../api/errors.js";
import { DeadlineError } from "../../runner/clock.js";
import type { Clock, Deadline } from "../../runner/clock.js";
import type { Logger } from "../../runner/logger.js";

export interface WaitOptions {
  clock: Clock;
  deadline: Deadline;
  /** The longest gap between two checks (the `poll-interval` input). */
  maxIntervalMs: number;
  log: Logger;
  signal?: AbortSignal;
}

/** Not done by the deadline; `lastFailure` says why the last check failed, when it did. */
export type WaitOutcome<T> = { done: true; value: T } | { done: false; lastFailure?: string };

/** The first gap; gaps double from here up to the poll interval, so quick work is seen quickly. */
const FIRST_INTERVAL_MS = 1_000;
/**
 * The last check is aimed this long before the deadline so that its request, too, ends by the
 * deadline instead of being cut off by it.
 */
const FINAL_CHECK_ALLOWANCE_MS = 1_000;
/**
 * A check that would start with less than this left (a busy machine overslept) is not made: its
 * request could only be cut off, and its failure would hide why the checks before it failed.
 */
const TOO_LATE_TO_CHECK_MS = 250;

/**
 * Calls `check` after each gap until it returns a value or the deadline comes. A transient failure
 * of one check (the API briefly unreachable) only costs that check; any other error ends the wait
 * at once, because waiting cannot fix it.
 */
export async function waitUntil<T>(
  check: () => Promise<T | undefined>,
  { clock, deadline, maxIntervalMs, log, signal }: WaitOptions,
): Promise<WaitOutcome<T>> {
  let lastFailure: string | undefined;
  for (let round = 0; ; round++) {
    const usable =
      deadline.remainingMs() - Math.min(FINAL_CHECK_ALLOWANCE_MS, deadline.totalMs / 4);
    if (usable <= 0 && round > 0) return { done: false, lastFailure };
    const gap = Math.min(maxIntervalMs, FIRST_INTERVAL_MS * 2 ** round);
    await clock.sleep(Math.max(0, Math.min(gap, usable)), signal);
    if (round > 0 && deadline.remainingMs() < TOO_LATE_TO_CHECK_MS) {
      return { done: false, lastFailure };
    }
    try {
      const value = await check();
      if (value !== undefined) return { done: true, value };
      lastFailure = undefined;
    } catch (error) {
      if (error instanceof DeadlineError) return { done: false, lastFailure };
      if (!isTransient(error)) throw error;
      lastFailure = errorMessage(error);
      log.warning(`A status check failed (${lastFailure}); the next check will try again.`);
    }
  }
}

/** Why a wait that timed out could not see the end: the last check failed, not the provider. */
export function lastCheckFailed(lastFailure: string | undefined): string {
  return lastFailure ? ` The last status check failed: ${lastFailure}.` : "";
}
