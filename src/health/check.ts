import { formatDuration } from "../duration.js";
import { Deadline } from "../runner/time/clock.js";
import { type WaitOptions, waitUntil } from "../runner/time/poll.js";
import type { HealthProbe } from "./probe.js";

/**
 * `health-url` and what counts as healthy: restore mode's inputs, or what a create or wait step
 * hands its rollback post step.
 */
export interface HealthCheck {
  /** With its placeholders, filled per server before any restore. */
  urlTemplate: string;
  /** `health-timeout`: how long the service may take to become healthy after its restore ended. */
  timeoutMs: number;
  /** `health-expect`: text a healthy answer's body holds. */
  expect: string | undefined;
  /** `health-successes`: healthy answers in a row that make the service healthy. */
  successes: number;
}

/** How a service came back after its server's restore, or did not. */
export type HealthEnd =
  | { healthy: true; url: string; afterMs: number; inARow: number }
  | {
      healthy: false;
      url: string;
      afterMs: number;
      last: string;
      withinMs: number;
      wanted: string;
    };

/** The longest one request may take: a service that hangs must leave time for the next. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Requests the service's health URL from the moment its server's restore ended until
 * `successes` answers in a row are healthy, within `health-timeout` and the step's deadline, on
 * the one polling loop (at once, then at growing gaps up to `poll-interval`). For the user a
 * restore ends when the site answers, not when the provider says `active`.
 */
export async function waitUntilHealthy(
  url: string,
  serverId: number,
  check: HealthCheck,
  probe: HealthProbe,
  options: WaitOptions,
): Promise<HealthEnd> {
  const { clock, log, signal } = options;
  const withinMs = Math.min(check.timeoutMs, options.deadline.remainingMs());
  const window = new Deadline(clock, withinMs);
  let last = "no answer yet";
  let inARow = 0;
  const healthy = await waitUntil(
    async () => {
      const timeoutMs = Math.max(1, Math.min(REQUEST_TIMEOUT_MS, window.remainingMs()));
      const answer = await probe({ url, expect: check.expect, timeoutMs, signal });
      last = answer.said;
      inARow = answer.healthy ? inARow + 1 : 0;
      const count =
        check.successes > 1 && answer.healthy ? `${inARow} of ${check.successes} in a row, ` : "";
      log.info(
        `Server ${serverId}: ${url} ${answer.healthy ? "answered" : "is not healthy yet:"} ${answer.said} ` +
          `(${count}${formatDuration(window.elapsedMs())} after its restore)`,
      );
      return inARow >= check.successes ? true : undefined;
    },
    {
      clock,
      deadline: window,
      maxIntervalMs: options.maxIntervalMs,
      log,
      signal,
      checkAtOnce: true,
    },
  );
  if (healthy.done) return { healthy: true, url, afterMs: window.elapsedMs(), inARow };
  return {
    healthy: false,
    url,
    afterMs: window.elapsedMs(),
    last,
    withinMs,
    wanted: wanted(check),
  };
}

/** What the check waited for, in words: `2xx`, `2xx with "ready", 3 in a row`. */
function wanted({ expect, successes }: HealthCheck): string {
  const answer = expect === undefined ? "2xx" : `2xx with "${expect}"`;
  return successes > 1 ? `${answer}, ${successes} in a row` : answer;
}

/** `healthy after 42s (3 answers in a row)`, or why not: the health column of a summary. */
export function healthText(end: HealthEnd): string {
  if (end.healthy) {
    const row = end.inARow > 1 ? ` (${end.inARow} answers in a row)` : "";
    return `healthy after ${formatDuration(end.afterMs)}${row}`;
  }
  return `no ${end.wanted} within ${formatDuration(end.withinMs)} (last: ${end.last})`;
}

/** The sentence that fails the step for a server that was restored but whose service is not back. */
export function unhealthySentence(
  end: HealthEnd,
  serverId: number,
  snapshotId: number,
): string | undefined {
  if (end.healthy) return undefined;
  return (
    `Server ${serverId} was restored to snapshot ${snapshotId}, but ${end.url} did not answer ` +
    `${end.wanted} within ${formatDuration(end.withinMs)} (last: ${end.last}).`
  );
}
