import { CancelledError, type Clock } from "../../src/runner/time/clock.js";
import type { Logger } from "../../src/runner/toolkit/logger.js";

/** A clock whose sleeps return at once and move time forward by exactly what was asked. */
export class FakeClock implements Clock {
  elapsed = 0;
  readonly sleeps: number[] = [];
  constructor(private readonly wallStart = new Date("2026-11-22T12:00:00Z")) {}

  now(): number {
    return this.elapsed;
  }

  wallNow(): Date {
    return new Date(this.wallStart.getTime() + this.elapsed);
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.elapsed += Math.max(0, ms);
  }

  advance(ms: number): void {
    this.elapsed += ms;
  }
}

/**
 * The clock of the in-process runs against the simulator, which reads its time too: time moves
 * only when the step sleeps, and then at once, so a snapshot or a restore "takes" its simulated
 * minutes without any real waiting. Sleeps that overlap overlap as on a real clock: two waits of
 * a second side by side take a second, not two. A sleeper wakes once whatever can run at once has
 * run (a turn of the event loop), earliest wake-up first, and time is then its wake-up time.
 */
export class VirtualClock implements Clock {
  elapsed = 0;
  private readonly sleepers: { wakeAt: number; wake: () => void }[] = [];
  private waking = false;

  constructor(private readonly wallStart: Date) {}

  now(): number {
    return this.elapsed;
  }

  wallNow(): Date {
    return new Date(this.wallStart.getTime() + this.elapsed);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const cancelled = () => reject(new CancelledError("Cancelled while waiting"));
      if (signal?.aborted) return cancelled();
      const sleeper = {
        wakeAt: this.elapsed + Math.max(0, ms),
        wake: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers.splice(this.sleepers.indexOf(sleeper), 1);
        cancelled();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.sleepers.push(sleeper);
      this.wakeNextSoon();
    });
  }

  private wakeNextSoon(): void {
    if (this.waking) return;
    this.waking = true;
    setImmediate(() => {
      this.waking = false;
      this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt);
      const next = this.sleepers.shift();
      if (!next) return;
      this.elapsed = Math.max(this.elapsed, next.wakeAt);
      next.wake();
      if (this.sleepers.length > 0) this.wakeNextSoon();
    });
  }
}

export interface RecordingLogger extends Logger {
  lines: string[];
  warnings: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const warnings: string[] = [];
  return {
    lines,
    warnings,
    info: (m) => lines.push(m),
    warning: (m) => {
      warnings.push(m);
      lines.push(m);
    },
    debug: () => {},
    group: async (title, body) => {
      lines.push(`[group] ${title}`);
      return body();
    },
  };
}
