import type { HealthProbe } from "../health/probe.js";
import type { SnapshotsApi } from "../api/answers/types.js";
import type { Clock, Deadline } from "../runner/time/clock.js";
import type { Logger } from "../runner/toolkit/logger.js";
import type { ActionIO } from "../runner/toolkit/io.js";
import type { ApiSettings } from "../workflow/inputs/settings.js";
import type { SetOutput } from "../workflow/outputs.js";

/** What every mode that calls the API is handed: the API and the collaborators it must not make. */
export interface ModeContext {
  api: SnapshotsApi;
  clock: Clock;
  /** The step's one deadline, which every wait and request respects. */
  deadline: Deadline;
  random: () => number;
  log: Logger;
  setOutput: SetOutput;
  signal?: AbortSignal;
}

/** restore (and the rollback) may check a service after its restore, never with the token. */
export interface RestoreModeContext extends ModeContext {
  probeHealth: HealthProbe;
}

/** create and wait record, as soon as each is known, the snapshots a rollback would restore. */
export interface SnapshotModeContext extends ModeContext {
  saveState: (name: string, value: string) => void;
}

/** create also takes one look after a cancellation, when `api` no longer sends anything. */
export interface CreateModeContext extends SnapshotModeContext {
  lastLook: () => SnapshotsApi;
}

/** The collaborators of every mode that calls the API. */
export type ApiModeContext = CreateModeContext & RestoreModeContext;

/**
 * What the main step hands a mode's row: the runner's IO, and the API's collaborators, made once,
 * only for a mode that calls the API (confirm sends no request and has no token).
 */
export interface StepContext {
  io: Pick<ActionIO, "getEnv" | "exportVariable" | "log" | "names">;
  apiContext: (api: ApiSettings) => ApiModeContext;
}
