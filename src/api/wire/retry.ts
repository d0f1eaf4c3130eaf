import { formatDuration } from "../../duration.js";
import { HttpStatusError, isStatus, RetryAfterPastDeadlineError } from "../answers/errors.js";
import type { Clock, Deadline } from "../../runner/time/clock.js";

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** At most 5 tries of one request, waits of up to 0.5, 1, 2, 4 s (random below that: full jitter). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
};

/**
 * A 429 on any request pauses every request of the step until its `Retry-After`: many workers
 * that each retried on their own would keep the account over its rate limit.
 */
export class RateLimitGate {
  private resumeAt = 0;

  constructor(private readonly clock: Clock) {}

  pauseFor(ms: number): void {
    this.resumeAt = Math.max(this.resumeAt, this.clock.now() + ms);
  }

  async wait(deadline: Deadline, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const pause = Math.min(this.resumeAt - this.clock.now(), deadline.remainingMs());
      if (pause <= 0) return;
      await this.clock.sleep(pause, signal);
    }
  }
}

export interface RetryContext {
  clock: Clock;
  deadline: Deadline;
  gate: RateLimitGate;
  random: () => number;
  signal?: AbortSignal;
  onRetry?: (retry: { attempt: number; delayMs: number; error: unknown }) => void;
}

export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  return random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/**
 * Runs `operation` until it succeeds, `shouldRetry` says no, the tries run out, or the next wait
 * would end past the deadline (then the last error is thrown: waiting would only hide it; a
 * `Retry-After` past the deadline becomes a `RetryAfterPastDeadlineError` that says so).
 */
export async function withRetries<T>(
  operation: () => Promise<T>,
  shouldRetry: (error: unknown) => boolean,
  policy: RetryPolicy,
  context: RetryContext,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await context.gate.wait(context.deadline, context.signal);
    try {
      return await operation();
    } catch (error) {
      if (!shouldRetry(error) || attempt >= policy.maxAttempts) throw error;
      const remainingMs = context.deadline.remainingMs();
      const retryAfter = error instanceof HttpStatusError ? error.retryAfterMs : undefined;
      if (
        error instanceof HttpStatusError &&
        retryAfter !== undefined &&
        retryAfter >= remainingMs
      ) {
        // Never paused on, and never passed to the gate: it would hold every other request too.
        throw new RetryAfterPastDeadlineError(
          error,
          formatDuration(retryAfter),
          formatDuration(remainingMs),
        );
      }
      if (retryAfter !== undefined && isStatus(error, 429)) context.gate.pauseFor(retryAfter);
      const delayMs = retryAfter ?? backoffDelayMs(attempt, policy, context.random);
      if (delayMs >= remainingMs) throw error;
      context.onRetry?.({ attempt, delayMs, error });
      await context.clock.sleep(delayMs, context.signal);
    }
  }
}
