import { randomUUID } from "node:crypto";
import type { Snapshot } from "../api/answers/types.js";
import { Inputs, JobEnv, State } from "../constants.js";
import type { HealthCheck } from "../health/check.js";
import { parseBoolean } from "./inputs/parse.js";
import type { CreateSettings, WaitSettings } from "./inputs/settings.js";
import { snapshotIdsByServer } from "./outputs.js";
import { parseSnapshotSelection, type ServerSnapshotPair } from "./inputs/snapshot-selection.js";

/**
 * The whole hand-off from the main step to its post step, in one place: what the main step
 * records, and what the post step reads of it, once.
 *
 * - `isPost`, first thing: one bundle serves both steps, and this tells them apart.
 * - The snapshots, as soon as each is known: even a main step that fails can then say what to
 *   restore by hand.
 * - The armed rollback, last, only by a main step with `rollback-on-failure` that saw every
 *   snapshot complete: without it, the steps after the main step (the deploy) never ran. It holds
 *   what the post step needs to restore (all but the token, which is never saved).
 * - In the job's environment, the armed rollbacks and the `mode: confirm` steps' record of the
 *   ones they disarmed: the saved state belongs to one step and its own post step, and a confirm
 *   step is another step. The environment can only disarm: what arms a rollback is the step's own
 *   saved state, which no other step can write.
 */

/** What the rollback post step found, each case with what it needs. */
export type RollbackHandoff =
  | { kind: "off" }
  | { kind: "unreadable"; problems: string[] }
  | { kind: "nothing-made" }
  | { kind: "not-succeeded"; targetsText: string }
  | { kind: "confirmed"; targetsText: string }
  | ({ kind: "due"; targets: ServerSnapshotPair[]; targetsText: string } & ArmedSettings);

/** What the post step restores with, recorded by the main step that armed the rollback. */
interface ArmedSettings {
  /** `create` made the snapshots, `wait` waited for them. */
  mode: string;
  apiUrl: string;
  pollIntervalMs: number;
  health: HealthCheck | undefined;
}

/** What a create or wait step with `rollback-on-failure` hands over once it has succeeded. */
export interface RollbackToArm extends ArmedSettings {
  targets: readonly Snapshot[];
}

/** The rollback a create or wait step hands over, when it was asked for one. */
export function rollbackToArm(
  settings: Pick<
    CreateSettings | WaitSettings,
    "mode" | "apiUrl" | "pollIntervalMs" | "health" | "rollbackOnFailure"
  >,
  targets: readonly Snapshot[],
): RollbackToArm | undefined {
  const { mode, apiUrl, pollIntervalMs, health, rollbackOnFailure } = settings;
  return rollbackOnFailure ? { mode, apiUrl, pollIntervalMs, health, targets } : undefined;
}

/** A rollback that a main step armed, as the job's environment carries it. */
export interface ArmedRollback {
  key: string;
  mode: string;
  targets: Record<string, number>;
  /** Server id to name, as the arming step knew them: a confirm step sends no request to learn. */
  names?: Record<string, string>;
}

interface StateIO {
  saveState(name: string, value: string): void;
  getState(name: string): string;
}

interface JobEnvIO {
  getEnv(name: string): string;
  exportVariable(name: string, value: string): void;
}

/** The main step's first act: the next run of this bundle in the job is its post step. */
export function markMainStepRan(saveState: StateIO["saveState"]): void {
  saveState(State.isPost, "true");
}

export function isPostStep(getState: StateIO["getState"]): boolean {
  return getState(State.isPost) === "true";
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
  rollback: RollbackToArm,
): void {
  const key = randomUUID();
  const { mode, apiUrl, pollIntervalMs, health, targets } = rollback;
  const names = Object.fromEntries(
    targets.flatMap((s) =>
      typeof s.server.name === "string" ? [[s.server.id, s.server.name]] : [],
    ),
  );
  const armed: ArmedRollback = { key, mode, targets: snapshotIdsByServer(targets), names };
  io.exportVariable(
    JobEnv.armedRollbacks,
    JSON.stringify([...readArmed(io.getEnv).rollbacks, armed]),
  );
  const saved = { key, mode, apiUrl, pollIntervalMs, health };
  io.saveState(State.armedRollback, JSON.stringify(saved));
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

/** Everything the post step needs to know, read once. */
export function readRollbackHandoff(
  io: Pick<StateIO, "getState"> & Pick<JobEnvIO, "getEnv"> & { getInput(name: string): string },
): RollbackHandoff {
  const enabled = parseBoolean(
    Inputs.rollbackOnFailure,
    io.getInput(Inputs.rollbackOnFailure).trim(),
    false,
    [],
  );
  if (!enabled) return { kind: "off" };
  const targetsText = io.getState(State.rollbackTargets);
  const problems: string[] = [];
  const selection = targetsText ? parseSnapshotSelection(targetsText, problems, []) : undefined;
  if (selection && selection.kind !== "by-server") problems.push("not a server-to-snapshot map");
  if (problems.length > 0) return { kind: "unreadable", problems };
  if (selection?.kind !== "by-server") return { kind: "nothing-made" };
  if (io.getState(State.mainSucceeded) !== "true") return { kind: "not-succeeded", targetsText };
  const armed = parseArmedState(io.getState(State.armedRollback));
  if (!armed) return { kind: "unreadable", problems: ["the armed rollback is not readable"] };
  if (readConfirmed(io.getEnv).keys.includes(armed.key)) {
    return { kind: "confirmed", targetsText };
  }
  const { mode, apiUrl, pollIntervalMs, health } = armed;
  return {
    kind: "due",
    targets: selection.pairs,
    targetsText,
    mode,
    apiUrl,
    pollIntervalMs,
    health,
  };
}

function parseArmedState(text: string): (ArmedSettings & { key: string }) | undefined {
  try {
    const value = JSON.parse(text) as Partial<ArmedSettings & { key: string }> | null;
    const health = value?.health;
    if (
      typeof value?.key === "string" &&
      value.key !== "" &&
      typeof value.mode === "string" &&
      typeof value.apiUrl === "string" &&
      typeof value.pollIntervalMs === "number" &&
      (health === undefined || isHealthCheck(health))
    ) {
      const { key, mode, apiUrl, pollIntervalMs } = value;
      const check = health && {
        urlTemplate: health.urlTemplate,
        timeoutMs: health.timeoutMs,
        expect: health.expect,
        successes: health.successes,
      };
      return { key, mode, apiUrl, pollIntervalMs, health: check };
    }
  } catch {
    // Said by the caller: the post step restores nothing it cannot read for sure.
  }
  return undefined;
}

/** The health check as the arming step recorded it: the post step checks what the user asked for. */
function isHealthCheck(value: Partial<HealthCheck>): value is HealthCheck {
  return (
    typeof value.urlTemplate === "string" &&
    typeof value.timeoutMs === "number" &&
    (value.expect === undefined || typeof value.expect === "string") &&
    typeof value.successes === "number" &&
    Number.isSafeInteger(value.successes) &&
    value.successes >= 1
  );
}

/** What the rollback post steps of a job came to, for a later job: the worst of them wins. */
export type RollbackOutcome = "not-needed" | "rolled-back" | "unhealthy" | "failed";

const OUTCOME_ORDER: readonly RollbackOutcome[] = [
  "not-needed",
  "rolled-back",
  "unhealthy",
  "failed",
];

/** One server the rollback restored, as a later job reads it. */
export interface RestoredServer {
  server: number;
  snapshot: number;
  /** `healthy`, `unhealthy`, or `not checked` (no `health-url`). */
  health: string;
}

/**
 * Writes the post step's outcome into the job's environment, which the runner reads after the
 * post steps when it evaluates the job's outputs. Several post steps (several snapshot steps
 * with `rollback-on-failure`) add up: the worse outcome stands, and every restore is listed.
 */
export function recordRollbackOutcome(
  io: JobEnvIO,
  outcome: RollbackOutcome,
  restored: readonly RestoredServer[],
): void {
  const before = io.getEnv(JobEnv.rollbackOutcome) as RollbackOutcome;
  const worse = OUTCOME_ORDER.indexOf(before) > OUTCOME_ORDER.indexOf(outcome) ? before : outcome;
  const earlier = parseJsonArray(io.getEnv(JobEnv.rollbackRestored), JobEnv.rollbackRestored);
  io.exportVariable(JobEnv.rollbackOutcome, worse);
  io.exportVariable(JobEnv.rollbackRestored, JSON.stringify([...earlier.items, ...restored]));
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
