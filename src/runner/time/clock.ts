import { setTimeout as sleepFor } from "node:timers/promises";

/**
 * Time as the program sees it. `now` is monotonic (a wall-clock jump must not end or extend a
 * wait); `wallNow` is only for comparing with the API's `created_at`. Tests pass a fake one so
 * that nothing really sleeps.
 */
export interface Clock {
  now(): number;
  wallNow(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => new Date(),
  sleep: async (ms, signal) => {
    try {
      await sleepFor(Math.max(0, ms), undefined, { signal });
    } catch (error) {
      if (signal?.aborted) throw new CancelledError("Cancelled while waiting");
      throw error;
    }
  },
};

/** The one overall time limit of a step, which every wait and every request must respect. */
export class Deadline {
  private readonly startedAt: number;

  constructor(
    private readonly clock: Clock,
    readonly totalMs: number,
  ) {
    this.startedAt = clock.now();
  }

  elapsedMs(): number {
    return this.clock.now() - this.startedAt;
  }

  remainingMs(): number {
    return Math.max(0, this.totalMs - this.elapsedMs());
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }
}

/** The step was cancelled (the workflow was cancelled, or the deadline passed mid-request). */
export class CancelledError extends Error {
  constructor(message = "Cancelled") {
    super(message);
    this.name = "CancelledError";
  }
}

/** The step's overall `timeout` ran out before a request could be made. */
export class DeadlineError extends Error {
  constructor(request: string) {
    super(`The step's timeout ran out before ${request} could be sent`);
    this.name = "DeadlineError";
  }
}
