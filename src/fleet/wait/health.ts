import type { HealthProbe } from "../../api/health.js";
import { formatDuration } from "../../duration.js";
import { Deadline } from "../../runner/clock.js";
import { waitUntil, type WaitOptions } from "./until.js";

/** How a service came back after its server's restore, or did not. */
export type HealthEnd =
  | { healthy: true; url: string; afterMs: number }
  | { healthy: false; url: string; afterMs: number; last: string; withinMs: number };

/** The longest one health request may take: a service that hangs must leave time for the next. */
const HEALTH_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Requests the service's health URL until it answers 2xx, from the moment its server's restore
 * ended: at most `timeoutMs` (`health-timeout`), and never past the step's deadline. For the user
 * a restore ends when the site answers, not when the provider says `active`.
 */
export async function waitUntilHealthy(
  url: string,
  probe: HealthProbe,
  serverId: number,
  timeoutMs: number,
  options: WaitOptions,
): Promise<HealthEnd> {
  const { clock, log, signal } = options;
  const withinMs = Math.min(timeoutMs, options.deadline.remainingMs());
  const window = new Deadline(clock, withinMs);
  let last = "no answer yet";
  const outcome = await waitUntil(
    async () => {
      const timeout = Math.min(HEALTH_REQUEST_TIMEOUT_MS, window.remainingMs());
      const answer = await probe(url, Math.max(1, timeout), signal);
      last = answer.said;
      log.info(
        `Server ${serverId}: ${url} ${answer.ok ? "answered" : "is not healthy yet:"} ${answer.said} ` +
          `(${formatDuration(window.elapsedMs())} after its restore)`,
      );
      return answer.ok ? true : undefined;
    },
    { ...options, deadline: window },
  );
  const afterMs = window.elapsedMs();
  return outcome.done
    ? { healthy: true, url, afterMs }
    : { healthy: false, url, afterMs, last, withinMs };
}

/** `healthy after 42s`, or why not: the health column of a summary. */
export function healthText(end: HealthEnd): string {
  return end.healthy
    ? `healthy after ${formatDuration(end.afterMs)}`
    : `no 2xx within ${formatDuration(end.withinMs)} (last: ${end.last})`;
}
