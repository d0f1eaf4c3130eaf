import { HttpSnapshotsApi, requestTimeoutFor } from "./api/client/http-api.js";
import { DEFAULT_RETRY_POLICY, RateLimitGate } from "./api/wire/retry.js";
import { httpTransport, type Transport } from "./api/wire/transport.js";
import { Inputs } from "./constants.js";
import type { ApiSettings } from "./workflow/inputs/settings.js";
import { httpHealthProbe } from "./health/probe.js";
import { withServerNames } from "./api/client/names-from-answers.js";
import type { ApiModeContext } from "./modes/context.js";
import { stopOnCancel } from "./runner/time/cancellation.js";
import { type Clock, Deadline, systemClock } from "./runner/time/clock.js";
import { type ActionIO, coreIO } from "./runner/toolkit/io.js";
import { Redactor } from "./runner/text/redact.js";
import { ServerNames } from "./runner/text/server-names.js";
import { currentRunContext, type RunContext } from "./runner/toolkit/run-context.js";

/** Everything the main and post steps need from outside; `index.ts` passes the real ones. */
export interface ActionDeps {
  io: ActionIO;
  clock: Clock;
  random: () => number;
  redactor: Redactor;
  runContext: () => RunContext;
  /** HTTP with the API token, for the API alone. */
  transport: (token: string) => Transport;
  signal?: AbortSignal;
}

/**
 * The real collaborators: the runner's IO, the system clock, HTTP, and a cancellation that stops
 * every wait and request on SIGINT or SIGTERM. The bundle's entry and `@github/local-action` (which
 * calls `run()` of main.ts or post.ts) both start a step with these.
 */
export function actionDeps(): ActionDeps {
  const redactor = new Redactor();
  const runnerIO = coreIO(redactor, new ServerNames());
  const outputs = new Map<string, string>();
  const io: ActionIO = {
    ...runnerIO,
    setOutput: (name, value) => {
      outputs.set(name, value);
      runnerIO.setOutput(name, value);
    },
  };
  const controller = new AbortController();
  stopOnCancel(
    io,
    (name) => outputs.get(name),
    controller,
    (code) => process.exit(code),
  );
  return {
    io,
    clock: systemClock,
    random: Math.random,
    redactor,
    runContext: currentRunContext,
    transport: httpTransport,
    signal: controller.signal,
  };
}

/** Runs a step; an error nobody foresaw fails the step with its stack rather than crash it. */
export async function runStep(
  step: (deps: ActionDeps) => Promise<void>,
  deps: ActionDeps,
): Promise<void> {
  try {
    await step(deps);
  } catch (error) {
    deps.io.setFailed(`Unexpected error: ${error instanceof Error ? error.stack : String(error)}`);
  }
}

/** Masks the token before anything else can print it. */
export function maskToken({ io, redactor }: ActionDeps): void {
  const token = io.getInput(Inputs.apiToken).trim();
  if (!token) return;
  io.setSecret(token);
  redactor.add(token);
}

/**
 * How long the one look after a cancellation may take: the runner kills the step a few seconds
 * after it cancels it, and the step means to have said what it found by then.
 */
const LAST_LOOK_MS = 1_000;

/** The API client and collaborators of one step, all bound to the step's one deadline. */
export function createApiContext(api: ApiSettings, deps: ActionDeps): ApiModeContext {
  const { io, clock, random, signal } = deps;
  const deadline = new Deadline(clock, api.timeoutMs);
  // One for every client of the step: a 429 on any of them pauses them all (`RateLimitGate`).
  const gate = new RateLimitGate(clock);
  return {
    api: withServerNames(httpApi(api, { deadline, gate, signal }, deps), (id, name) =>
      io.names.learn(id, name),
    ),
    // Not tied to the step's cancel signal, which is what it looks after.
    lastLook: () => httpApi(api, { deadline: new Deadline(clock, LAST_LOOK_MS), gate }, deps),
    // Its own small HTTP client, which has no token to send: a health URL is never the API.
    probeHealth: httpHealthProbe,
    clock,
    deadline,
    random,
    log: io.log,
    setOutput: io.setOutput,
    saveState: io.saveState,
    signal,
  };
}

function httpApi(
  api: ApiSettings,
  { deadline, gate, signal }: { deadline: Deadline; gate: RateLimitGate; signal?: AbortSignal },
  { io, clock, random, redactor, transport }: ActionDeps,
): HttpSnapshotsApi {
  return new HttpSnapshotsApi({
    baseUrl: api.apiUrl,
    transport: transport(api.apiToken),
    clock,
    deadline,
    gate,
    policy: DEFAULT_RETRY_POLICY,
    random,
    redactor,
    log: io.log,
    requestTimeoutMs: requestTimeoutFor(deadline.totalMs),
    signal,
  });
}
