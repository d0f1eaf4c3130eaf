import type { SnapshotsApi } from "../api/types.js";
import type { Clock, Deadline } from "../clock.js";
import type { Logger } from "../logger.js";
import type { SetOutput } from "../outputs.js";
import type { RetryPolicy } from "../retry.js";

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
