import { HttpSnapshotsApi } from "./api/http-api.js";
import type { Transport } from "./api/transport.js";
import { type Clock, Deadline } from "./clock.js";
import { Inputs } from "./constants.js";
import { InputError, type Mode, parseInputs, type Settings } from "./inputs.js";
import type { ActionIO } from "./io.js";
import type { ModeContext } from "./modes/context.js";
import { runCreate } from "./modes/create.js";
import type { Redactor } from "./redact.js";
import { DEFAULT_RETRY_POLICY, RateLimitGate } from "./retry.js";
import type { RunContext } from "./run-context.js";
import { type ModeReport, writeReport } from "./summary.js";

/** Everything `runMain` needs from outside; `index.ts` passes the real ones, tests their own. */
export interface MainDeps {
  io: ActionIO;
  clock: Clock;
  random: () => number;
  redactor: Redactor;
  runContext: () => RunContext;
  transport: (token: string) => Transport;
  signal?: AbortSignal;
}

const MODE_RUNNERS: Record<
  Mode,
  (settings: Settings, context: ModeContext) => Promise<ModeReport>
> = {
  create: runCreate,
};

export async function runMain(deps: MainDeps): Promise<void> {
  const { io, redactor } = deps;
  // Masked before anything else can print it.
  const token = io.getInput(Inputs.apiToken).trim();
  if (token) {
    io.setSecret(token);
    redactor.add(token);
  }

  let settings: Settings;
  try {
    const parsed = parseInputs(io.getInput, deps.runContext());
    settings = parsed.settings;
    for (const note of parsed.notes) io.log.info(`Note: ${note}`);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.setFailed(error.message);
    return;
  }

  try {
    const report = await MODE_RUNNERS[settings.mode](settings, modeContext(settings, deps));
    await writeReport(io.writeSummary, report, io.log);
    if (report.failures.length > 0) io.setFailed(report.failures.join("\n"));
  } catch (error) {
    io.setFailed(error instanceof Error ? error.message : String(error));
  }
}

function modeContext(settings: Settings, deps: MainDeps): ModeContext {
  const { io, clock, random, redactor, signal } = deps;
  const deadline = new Deadline(clock, settings.timeoutMs);
  const policy = DEFAULT_RETRY_POLICY;
  const api = new HttpSnapshotsApi({
    baseUrl: settings.apiUrl,
    transport: deps.transport(settings.apiToken),
    clock,
    deadline,
    gate: new RateLimitGate(clock),
    policy,
    random,
    redactor,
    log: io.log,
    requestTimeoutMs: requestTimeoutFor(settings.timeoutMs),
    signal,
  });
  return {
    api,
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
