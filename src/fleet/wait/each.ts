import { isTransient } from "../../api/answers/errors.js";
import { type WaitOptions, waitUntil } from "../../runner/time/poll.js";

/** How one awaited thing ended: settled, or still unsettled when the deadline came. */
export interface WaitEnd<S> {
  /** The last state seen. */
  state: S;
  settled: boolean;
  /**
   * When it was seen settled, or when the wait gave up, on the deadline's clock: the step's one
   * measure of time, which the progress lines and the summary both say.
   */
  elapsedMs: number;
  /** Not settled: why the last check failed, if it did. */
  lastFailure?: string;
  /** Not settled: the error that ended its wait before the deadline (no further check can help). */
  error?: unknown;
}

export interface WaitForEachSpec<K, S> {
  /**
   * The current state of every pending thing, all looked at in one go. A thing left out was not
   * seen for sure this time (the check was inconclusive for it): it keeps its last state.
   */
  look: (pending: K[]) => Promise<Map<K, S>>;
  isSettled: (state: S) => boolean;
  /** The progress line each check logs, from the latest state of everything waited for. */
  progress: (states: ReadonlyMap<K, S>, elapsedMs: number) => string;
  /** Told of each thing as soon as a check sees it settled, while the others are still awaited. */
  onSettled?: (key: K, state: S) => void;
}

/**
 * Waits for several things at once (snapshots being made, servers being restored) until each has
 * settled or the deadline comes. One check looks at all the pending ones together, so a fleet
 * costs what its `look` costs, not one request per thing.
 */
export async function waitForEach<K, S>(
  initial: ReadonlyMap<K, S>,
  spec: WaitForEachSpec<K, S>,
  options: WaitOptions,
): Promise<Map<K, WaitEnd<S>>> {
  const states = new Map(initial);
  const ended = new Map<K, WaitEnd<S>>();
  let lastProgress = "";
  const unsettled = (
    end: Omit<WaitEnd<S>, "state" | "settled" | "elapsedMs">,
    elapsedMs = options.deadline.elapsedMs(),
  ) => {
    for (const [key, state] of states) {
      if (!ended.has(key)) ended.set(key, { state, settled: false, elapsedMs, ...end });
    }
    return ended;
  };
  // Already settled when the wait begins (a snapshot that completed while the build ran): no check.
  for (const [key, state] of states) {
    if (spec.isSettled(state)) {
      ended.set(key, { state, settled: true, elapsedMs: options.deadline.elapsedMs() });
    }
  }
  if (ended.size === states.size) return ended;
  let outcome;
  try {
    outcome = await waitUntil(
      async () => {
        const pending = [...states.keys()].filter((key) => !ended.has(key));
        const seen = await spec.look(pending);
        const elapsedMs = options.deadline.elapsedMs();
        for (const key of pending) {
          if (!seen.has(key)) continue;
          const state = seen.get(key) as S;
          states.set(key, state);
          if (spec.isSettled(state)) {
            ended.set(key, { state, settled: true, elapsedMs });
            spec.onSettled?.(key, state);
          }
        }
        lastProgress = spec.progress(states, elapsedMs);
        options.log.info(lastProgress);
        return ended.size === states.size ? ended : undefined;
      },
      { ...options, isPassing: isTransient },
    );
  } catch (error) {
    // What had settled stays settled: a refused check ends only the waits still open.
    return unsettled({ error });
  }
  if (outcome.done) return ended;
  // The log's last word on the wait says the time that the summary gives for what timed out
  // (once: the last check may have said it already).
  const gaveUpMs = options.deadline.elapsedMs();
  const last = spec.progress(states, gaveUpMs);
  if (last !== lastProgress) options.log.info(last);
  return unsettled({ lastFailure: outcome.lastFailure }, gaveUpMs);
}
