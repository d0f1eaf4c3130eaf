import type { SnapshotsApi } from "../api/types.js";
import type { RetryPolicy } from "../api/retry.js";
import type { Clock, Deadline } from "../runner/clock.js";
import type { Logger } from "../runner/logger.js";
import type { SetOutput } from "../workflow/outputs.js";

/** What every mode is handed: the API and the collaborators it must not create itself. */
export interface ModeContext {
  api: SnapshotsApi;
  /** A client for one look after the step was cancelled, when `api` no longer sends anything. */
  lastLook: () => SnapshotsApi;
  clock: Clock;
  deadline: Deadline;
  policy: RetryPolicy;
  random: () => number;
  log: Logger;
  setOutput: SetOutput;
  saveState: (name: string, value: string) => void;
  signal?: AbortSignal;
}
