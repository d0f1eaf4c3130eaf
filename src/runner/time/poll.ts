import { type Clock, type Deadline, DeadlineError } from "./clock.js";
import type { Logger } from "../toolkit/logger.js";

export interface WaitOptions {
  clock: Clock;
  deadline: Deadline;
  /** The longest gap between two checks (the `poll-interval` input). */
  maxIntervalMs: number;
  log: Logger;
  signal?: AbortSignal;
}

/** How one wait polls, beyond its collaborators. */
interface PollOptions extends WaitOptions {
  /** Check at once, then after each gap (a service after its restore); else after the first gap. */
  checkAtOnce?: boolean;
  /**
   * A failure of one check that the next may not meet (the API briefly unreachable): said, and
   * the wait goes on. Any other failure ends the wait at once, because waiting cannot fix it.
   */
  isPassing?: (error: unknown) => boolean;
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
 * The one polling loop: calls `check` after each gap until it returns a value or the deadline
 * comes; the window is used whole, its last check aimed at its end. A passing failure of one check
 * only costs that check.
 */
export async function waitUntil<T>(
  check: () => Promise<T | undefined>,
  { clock, deadline, maxIntervalMs, log, signal, checkAtOnce = false, isPassing }: PollOptions,
): Promise<WaitOutcome<T>> {
  let lastFailure: string | undefined;
  for (let round = 0; ; round++) {
    const gapsBefore = checkAtOnce ? round : round + 1;
    if (gapsBefore > 0) {
      const usable =
        deadline.remainingMs() - Math.min(FINAL_CHECK_ALLOWANCE_MS, deadline.totalMs / 4);
      if (usable <= 0 && round > 0) return { done: false, lastFailure };
      const gap = Math.min(maxIntervalMs, FIRST_INTERVAL_MS * 2 ** (gapsBefore - 1));
      await clock.sleep(Math.max(0, Math.min(gap, usable)), signal);
      if (round > 0 && deadline.remainingMs() < TOO_LATE_TO_CHECK_MS) {
        return { done: false, lastFailure };
      }
    }
    try {
      const value = await check();
      if (value !== undefined) return { done: true, value };
      lastFailure = undefined;
    } catch (error) {
      if (error instanceof DeadlineError) return { done: false, lastFailure };
      if (!isPassing?.(error)) throw error;
      lastFailure = error instanceof Error ? error.message : String(error);
      log.warning(`A status check failed (${lastFailure}); the next check will try again.`);
    }
  }
}

/** Why a wait that timed out could not see the end: the last check failed, not the provider. */
export function lastCheckFailed(lastFailure: string | undefined): string {
  return lastFailure ? ` The last status check failed: ${lastFailure}.` : "";
}
