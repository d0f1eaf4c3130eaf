import { HttpSnapshotsApi } from "../api/http-api.js";
import type { Transport } from "../api/transport.js";
import type { SnapshotsApi } from "../api/types.js";
import { type Clock, Deadline } from "../clock.js";
import { Inputs } from "../constants.js";
import type { ActionIO } from "../io.js";
import type { Logger } from "../logger.js";
import type { SetOutput } from "../outputs.js";
import type { Redactor } from "../redact.js";
import { DEFAULT_RETRY_POLICY, RateLimitGate, type RetryPolicy } from "../retry.js";
import type { RunContext } from "../run-context.js";

/** Everything the main and post steps need from outside; `index.ts` passes the real ones. */
export interface ActionDeps {
  io: ActionIO;
  clock: Clock;
  random: () => number;
  redactor: Redactor;
  runContext: () => RunContext;
  transport: (token: string) => Transport;
  signal?: AbortSignal;
}

/** What every mode is handed: the API and the collaborators it must not create itself. */
export interface ModeContext {
  api: SnapshotsApi;
  clock: Clock;
  deadline: Deadline;
  policy: RetryPolicy;
  random: () => number;
  log: Logger;
  setOutput: SetOutput;
  saveState: (name: string, value: string) => void;
  signal?: AbortSignal;
}

/** Servers are handled this many at a time: enough for a fleet, few enough to be polite. */
export const SERVER_CONCURRENCY = 10;

/** Masks the token before anything else can print it. */
export function maskToken({ io, redactor }: ActionDeps): void {
  const token = io.getInput(Inputs.apiToken).trim();
  if (!token) return;
  io.setSecret(token);
  redactor.add(token);
}

export function createModeContext(
  api: { apiUrl: string; apiToken: string; timeoutMs: number },
  deps: ActionDeps,
): ModeContext {
  const { io, clock, random, redactor, signal } = deps;
  const deadline = new Deadline(clock, api.timeoutMs);
  const policy = DEFAULT_RETRY_POLICY;
  return {
    api: new HttpSnapshotsApi({
      baseUrl: api.apiUrl,
      transport: deps.transport(api.apiToken),
      clock,
      deadline,
      gate: new RateLimitGate(clock),
      policy,
      random,
      redactor,
      log: io.log,
      requestTimeoutMs: requestTimeoutFor(api.timeoutMs),
      signal,
    }),
    clock,
    deadline,
    policy,
    random,
    log: io.log,
    setOutput: io.setOutput,
    saveState: io.saveState,
    signal,
  };
}

/**
 * One request may take a tenth of the step's timeout, between 2 and 30 seconds: a request that
 * hangs must leave time for the tries after it.
 */
export function requestTimeoutFor(timeoutMs: number): number {
  return Math.min(30_000, Math.max(2_000, timeoutMs / 10));
}
