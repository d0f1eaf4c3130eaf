import { randomUUID } from "node:crypto";
import type { Snapshot } from "../api/types.js";
import { JobEnv, State } from "../constants.js";
import { snapshotIdsByServer } from "./outputs.js";
import { parseSnapshotSelection, type ServerSnapshotPair } from "./snapshot-selection.js";

/**
 * The hand-off from the main step to the rollback post step. The snapshots are saved as soon as
 * each is known, so that even a main step that fails can tell the user what to restore by hand;
 * `succeeded` is saved last, and only by a main step that saw every snapshot complete. The post
 * step restores only when it is there (without it, the steps after the main step, the deploy
 * among them, never ran) and when no `mode: confirm` step disarmed the rollback since.
 *
 * The saved state belongs to one step and its own post step; a confirm step is another step, so
 * arming and confirming go through the job's environment. The environment can only disarm: what
 * arms a rollback is the step's own saved state, which no other step can write.
 */
export interface RollbackState {
  /** Server to snapshot, as `snapshot-ids` has it; undefined when no snapshot was known. */
  targets: ServerSnapshotPair[] | undefined;
  /** The saved text of `targets`, for a person to paste into `snapshot-id`. */
  targetsText: string;
  succeeded: boolean;
  /** A `mode: confirm` step ran after this step succeeded: the deploy was declared good. */
  confirmed: boolean;
  /** Why the saved targets cannot be read (never expected from our own main step). */
  problems: string[];
}

/** A rollback that a main step armed, as the job's environment carries it. */
export interface ArmedRollback {
  key: string;
  /** The mode of the step that armed it: `create` made the snapshots, `wait` waited for them. */
  mode: string;
  targets: Record<string, number>;
}

interface StateIO {
  saveState(name: string, value: string): void;
  getState(name: string): string;
}

interface JobEnvIO {
  getEnv(name: string): string;
  exportVariable(name: string, value: string): void;
}

export function saveRollbackTargets(
  saveState: StateIO["saveState"],
  snapshots: readonly Snapshot[],
): void {
  saveState(State.rollbackTargets, JSON.stringify(snapshotIdsByServer(snapshots)));
}

/**
 * The last thing a main step with `rollback-on-failure` does, and only when it succeeded: from
 * here a failure of the job restores these snapshots, until a confirm step disarms it.
 */
export function armRollback(
  io: Pick<StateIO, "saveState"> & JobEnvIO,
  mode: string,
  snapshots: readonly Snapshot[],
): void {
  const key = randomUUID();
  const armed: ArmedRollback = { key, mode, targets: snapshotIdsByServer(snapshots) };
  io.exportVariable(
    JobEnv.armedRollbacks,
    JSON.stringify([...readArmed(io.getEnv).rollbacks, armed]),
  );
  io.saveState(State.rollbackKey, key);
  io.saveState(State.mainSucceeded, "true");
}

/**
 * `mode: confirm`: disarms every rollback armed so far in the job. Returns the ones it disarmed
 * now (not those an earlier confirm step already had), and what in the environment it could not
 * read.
 */
export function confirmRollbacks(io: JobEnvIO): { disarmed: ArmedRollback[]; problems: string[] } {
  const armed = readArmed(io.getEnv);
  const confirmed = readConfirmed(io.getEnv);
  const disarmed = armed.rollbacks.filter((r) => !confirmed.keys.includes(r.key));
  io.exportVariable(
    JobEnv.confirmedRollbacks,
    JSON.stringify([...confirmed.keys, ...disarmed.map((r) => r.key)]),
  );
  return { disarmed, problems: [...armed.problems, ...confirmed.problems] };
}

export function readRollbackState(
  getState: StateIO["getState"],
  getEnv: JobEnvIO["getEnv"],
): RollbackState {
  const targetsText = getState(State.rollbackTargets);
  const problems: string[] = [];
  const selection = targetsText ? parseSnapshotSelection(targetsText, problems, []) : undefined;
  if (selection && selection.kind !== "by-server") problems.push("not a server-to-snapshot map");
  const key = getState(State.rollbackKey);
  return {
    targets: selection?.kind === "by-server" && problems.length === 0 ? selection.pairs : undefined,
    targetsText,
    succeeded: getState(State.mainSucceeded) === "true",
    confirmed: key !== "" && readConfirmed(getEnv).keys.includes(key),
    problems,
  };
}

function readArmed(getEnv: JobEnvIO["getEnv"]): { rollbacks: ArmedRollback[]; problems: string[] } {
  const parsed = parseJsonArray(getEnv(JobEnv.armedRollbacks), JobEnv.armedRollbacks);
  const rollbacks = parsed.items.filter(isArmedRollback);
  const problems = [...parsed.problems];
  if (rollbacks.length < parsed.items.length) {
    problems.push(`${JobEnv.armedRollbacks} holds entries that are not armed rollbacks`);
  }
  return { rollbacks, problems };
}

function readConfirmed(getEnv: JobEnvIO["getEnv"]): { keys: string[]; problems: string[] } {
  const parsed = parseJsonArray(getEnv(JobEnv.confirmedRollbacks), JobEnv.confirmedRollbacks);
  return {
    keys: parsed.items.filter((k): k is string => typeof k === "string"),
    problems: parsed.problems,
  };
}

/** Any step of the job can write the environment: what is not ours to read is set aside, said. */
function parseJsonArray(text: string, name: string): { items: unknown[]; problems: string[] } {
  if (text.trim() === "") return { items: [], problems: [] };
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value)) return { items: value, problems: [] };
  } catch {
    // Said below, with the name of the variable.
  }
  return { items: [], problems: [`${name} in the job's environment is not a JSON array`] };
}

function isArmedRollback(value: unknown): value is ArmedRollback {
  const item = value as Partial<ArmedRollback> | null;
  return (
    typeof item?.key === "string" &&
    typeof item.mode === "string" &&
    typeof item.targets === "object" &&
    item.targets !== null
  );
}
