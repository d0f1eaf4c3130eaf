import { Inputs, RESTORE_TIMEOUT_MS } from "../../constants.js";
import type { ReadInputs, Settings } from "./settings.js";
import {
  type NamedSelection,
  selectionWord,
  type SnapshotSelection,
} from "./snapshot-selection.js";

/**
 * What each mode takes, needs and refuses, said once: the inputs parser reads it, its errors are
 * worded from it, and the tests hold the parser to it. Adding a mode is adding a row here (and its
 * settings type beside it, in settings.ts), its row in modes/runners.ts and its mode file.
 */
export const MODES = ["create", "wait", "restore", "prune", "delete", "list", "confirm"] as const;
export type Mode = (typeof MODES)[number];

type InputName = (typeof Inputs)[keyof typeof Inputs];

interface ModeRow<M extends Mode> {
  /** It sends requests to the API, so it needs `api-token`. */
  callsApi: boolean;
  /**
   * What it acts on, which must be given: servers (`server-id` or `server-name`) or snapshots
   * (`snapshot-id`). Restore takes servers only with `snapshot-id: latest` or `commit:<sha>`.
   */
  needs: "servers" | "snapshots" | "nothing";
  /** The inputs it reads besides the ones every mode reads (`STEP_INPUTS`). */
  takes: readonly InputName[];
  /** Its post step can roll back: only a mode that saw its snapshots complete. */
  rollsBack: boolean;
  /** How long the step may take in all, unless `timeout` says otherwise. */
  timeoutMs: number;
  /** Its settings, from every input read and checked. */
  settings: (read: ReadInputs) => Extract<Settings, { mode: M }>;
}

/** Read by every mode (api-token by those that call the API): never refused. */
export const STEP_INPUTS: readonly InputName[] = [
  Inputs.apiToken,
  Inputs.apiUrl,
  Inputs.mode,
  Inputs.timeout,
  Inputs.pollInterval,
];

const SERVERS = [Inputs.serverId, Inputs.serverName, Inputs.serverLocation, Inputs.maxServers];
const HEALTH = [
  Inputs.healthUrl,
  Inputs.healthTimeout,
  Inputs.healthExpect,
  Inputs.healthSuccesses,
];
const LIMITED_MS = 10 * 60_000;
const SNAPSHOT_WAIT_MS = 30 * 60_000;

export const MODE_TABLE: { [M in Mode]: ModeRow<M> } = {
  create: {
    callsApi: true,
    needs: "servers",
    takes: [
      ...SERVERS,
      Inputs.name,
      Inputs.namePrefix,
      Inputs.description,
      Inputs.ifExists,
      Inputs.onLimit,
      Inputs.wait,
      Inputs.rollbackOnFailure,
      ...HEALTH,
    ],
    rollsBack: true,
    timeoutMs: SNAPSHOT_WAIT_MS,
    settings: (read) => ({
      mode: "create",
      ...pick(read, ...API, ...SERVER_SETTINGS, "name", "namePrefix", "description"),
      ...pick(read, "ifExists", "onLimit", "wait", "pollIntervalMs", "rollbackOnFailure", "health"),
    }),
  },
  wait: {
    callsApi: true,
    needs: "snapshots",
    takes: [Inputs.snapshotId, Inputs.rollbackOnFailure, ...HEALTH],
    rollsBack: true,
    timeoutMs: SNAPSHOT_WAIT_MS,
    settings: (read) => ({
      mode: "wait",
      ...pick(read, ...API, "pollIntervalMs", "rollbackOnFailure", "health"),
      snapshots: named(read.snapshots),
    }),
  },
  restore: {
    callsApi: true,
    needs: "snapshots",
    takes: [
      Inputs.snapshotId,
      ...SERVERS,
      Inputs.namePrefix,
      Inputs.wait,
      Inputs.dryRun,
      ...HEALTH,
    ],
    rollsBack: false,
    timeoutMs: RESTORE_TIMEOUT_MS,
    settings: (read) => ({
      mode: "restore",
      ...pick(read, ...API, ...SERVER_SETTINGS, "namePrefix", "wait", "pollIntervalMs"),
      ...pick(read, "dryRun", "health"),
      snapshots: given(read.snapshots),
    }),
  },
  prune: {
    callsApi: true,
    needs: "servers",
    takes: [...SERVERS, Inputs.namePrefix, Inputs.keep, Inputs.olderThan, Inputs.dryRun],
    rollsBack: false,
    timeoutMs: LIMITED_MS,
    settings: (read) => ({
      mode: "prune",
      ...pick(read, ...API, ...SERVER_SETTINGS, "namePrefix", "keep", "olderThanMs", "dryRun"),
    }),
  },
  delete: {
    callsApi: true,
    needs: "snapshots",
    takes: [Inputs.snapshotId, Inputs.dryRun],
    rollsBack: false,
    timeoutMs: LIMITED_MS,
    settings: (read) => ({
      mode: "delete",
      ...pick(read, ...API, "dryRun"),
      snapshots: named(read.snapshots),
    }),
  },
  list: {
    callsApi: true,
    needs: "servers",
    takes: SERVERS,
    rollsBack: false,
    timeoutMs: LIMITED_MS,
    settings: (read) => ({ mode: "list", ...pick(read, ...API, ...SERVER_SETTINGS) }),
  },
  confirm: {
    callsApi: false,
    needs: "nothing",
    takes: [],
    rollsBack: false,
    timeoutMs: LIMITED_MS,
    settings: () => ({ mode: "confirm" }),
  },
};

const API = ["apiToken", "apiUrl", "timeoutMs"] as const;
const SERVER_SETTINGS = ["serverIds", "serverNames"] as const;

function pick<K extends keyof ReadInputs>(read: ReadInputs, ...keys: K[]): Pick<ReadInputs, K> {
  return Object.fromEntries(keys.map((key) => [key, read[key]])) as Pick<ReadInputs, K>;
}

/** `checkModeNeeds` has made sure of it; a failure here is a bug, not a bad input. */
function given(selection: SnapshotSelection | undefined): SnapshotSelection {
  if (!selection) throw new Error("snapshot-id was checked as given, but is missing");
  return selection;
}

function named(selection: SnapshotSelection | undefined): NamedSelection {
  const checked = given(selection);
  if (checked.kind === "latest" || checked.kind === "commit") {
    throw new Error(`snapshot-id "${selectionWord(checked)}" was checked as refused`);
  }
  return checked;
}

/** The modes whose post step can roll back. */
export const ROLLBACK_MODES = MODES.filter((mode) => MODE_TABLE[mode].rollsBack);

/**
 * Inputs that narrow or guard what a step changes. Given to a mode that does not take them, they
 * would look obeyed while the step did what they were meant to prevent (`dry-run: true` on a
 * create, `older-than` on a delete, `snapshot-id` on a prune): that mode refuses them. Any other
 * input a mode does not take is only said to have no effect, so a workflow that passes one is not
 * broken by it.
 */
export const GUARDS: readonly InputName[] = [
  Inputs.dryRun,
  Inputs.keep,
  Inputs.olderThan,
  Inputs.rollbackOnFailure,
  Inputs.healthUrl,
  Inputs.serverName,
  Inputs.snapshotId,
];

/** Beyond the guards, what a mode refuses: `wait` in the mode that only waits. */
const ALSO_REFUSED: Partial<Record<Mode, readonly InputName[]>> = { wait: [Inputs.wait] };

/**
 * The inputs given with a value other than their default (`given`) that the mode does not take:
 * the ones it refuses, each with the modes that take it, and the ones that only have no effect.
 * `mode: confirm` takes nothing, so it refuses everything: its whole meaning is "the deploy is
 * good", and an input suggests something narrower.
 */
export function inputsOutOfPlace(
  mode: Mode,
  given: readonly InputName[],
): { refused: string[]; ignored: string[] } {
  const row = MODE_TABLE[mode];
  const outOfPlace = given.filter((i) => !STEP_INPUTS.includes(i) && !row.takes.includes(i));
  const refuses = (input: InputName) =>
    mode === "confirm" || GUARDS.includes(input) || (ALSO_REFUSED[mode] ?? []).includes(input);
  const takers = (input: InputName) =>
    modesText(MODES.filter((m) => MODE_TABLE[m].takes.includes(input)));
  return {
    refused: outOfPlace
      .filter(refuses)
      .map((input) =>
        mode === "confirm"
          ? `${input} has no meaning in mode confirm, which confirms every rollback armed before it in the job`
          : `${input} applies only to ${takers(input)}, not ${mode}`,
      ),
    ignored: outOfPlace
      .filter((input) => !refuses(input))
      .map(
        (input) => `${input} has no effect in mode ${mode}: it applies only to ${takers(input)}`,
      ),
  };
}

/** `mode create`, `mode create or wait`, `modes create, prune and list`. */
function modesText(modes: readonly string[]): string {
  if (modes.length <= 1) return `mode ${modes.join("")}`;
  if (modes.length === 2) return `mode ${modes.join(" or ")}`;
  return `modes ${modes.slice(0, -1).join(", ")} and ${modes.at(-1)}`;
}
