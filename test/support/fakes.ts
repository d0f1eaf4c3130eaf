import type { Clock } from "../../src/runner/clock.js";
import type { Logger } from "../../src/runner/logger.js";

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

export interface RecordingLogger extends Logger {
  lines: string[];
  warnings: string[];
  errors: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    warnings,
    errors,
    info: (m) => lines.push(m),
    warning: (m) => {
      warnings.push(m);
      lines.push(m);
    },
    error: (m) => {
      errors.push(m);
      lines.push(m);
    },
    debug: () => {},
    group: async (title, body) => {
      lines.push(`[group] ${title}`);
      return body();
    },
  };
}
