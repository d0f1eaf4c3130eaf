import { DEFAULT_API_URL, Inputs, RESTORE_TIMEOUT_MS } from "../constants.js";
import { parseDuration } from "../duration.js";
import type { HealthCheck } from "../health/check.js";
import { parseHealthUrl } from "../health/url.js";
import { parseIdList } from "./id-list.js";
import { hideCredentials } from "../runner/redact.js";
import { defaultDescription, defaultSnapshotName, type RunContext } from "../runner/run-context.js";
import {
  type NamedSelection,
  parseSnapshotSelection,
  type SnapshotSelection,
} from "./snapshot-selection.js";

const MODES = ["create", "wait", "restore", "prune", "delete", "list", "confirm"] as const;
const IF_EXISTS = ["fail", "reuse", "replace"] as const;
const ON_LIMIT = ["delete-oldest", "fail"] as const;
type Mode = (typeof MODES)[number];
/** The modes whose post step can roll back: those that see their snapshots complete. */
const ROLLBACK_MODES: readonly Mode[] = ["create", "wait"];

type IfExists = (typeof IF_EXISTS)[number];
type OnLimit = (typeof ON_LIMIT)[number];

/** `server-name`: servers by exact name or glob pattern, resolved once through `GET /servers/`. */
export interface NameSelection {
  patterns: string[];
  /** `server-location`: only servers in this data centre. */
  location: string | undefined;
  /** `max-servers`: more servers than this from the names fails the step. */
  maxServers: number;
}

/** What every mode that calls the API needs to reach it. */
export interface ApiSettings {
  apiToken: string;
  apiUrl: string;
  /** The step's one deadline for every wait and request. */
  timeoutMs: number;
}

/** The modes that take servers: `server-id` and `server-name` together, resolved to ids once. */
interface ServerSettings {
  serverIds: number[];
  serverNames: NameSelection | undefined;
}

export interface CreateSettings extends ApiSettings, ServerSettings {
  mode: "create";
  name: string;
  namePrefix: string;
  description: string;
  ifExists: IfExists;
  onLimit: OnLimit;
  wait: boolean;
  pollIntervalMs: number;
  rollbackOnFailure: boolean;
  health: HealthCheck | undefined;
}

export interface WaitSettings extends ApiSettings {
  mode: "wait";
  snapshots: NamedSelection;
  pollIntervalMs: number;
  rollbackOnFailure: boolean;
  health: HealthCheck | undefined;
}

/** `serverIds` and `serverNames` are the servers of `snapshot-id: latest`. */
export interface RestoreSettings extends ApiSettings, ServerSettings {
  mode: "restore";
  snapshots: SnapshotSelection;
  namePrefix: string;
  wait: boolean;
  pollIntervalMs: number;
  dryRun: boolean;
  health: HealthCheck | undefined;
}

export interface PruneSettings extends ApiSettings, ServerSettings {
  mode: "prune";
  namePrefix: string;
  keep: number;
  olderThanMs: number | undefined;
  dryRun: boolean;
}

export interface DeleteSettings extends ApiSettings {
  mode: "delete";
  snapshots: NamedSelection;
  dryRun: boolean;
}

export interface ListSettings extends ApiSettings, ServerSettings {
  mode: "list";
}

/** `mode: confirm` sends no request: it needs nothing but the mode. */
interface ConfirmSettings {
  mode: "confirm";
}

/** Every input, checked and typed, in the shape of its mode: no mode reads an input itself. */
export type Settings =
  | CreateSettings
  | WaitSettings
  | RestoreSettings
  | PruneSettings
  | DeleteSettings
  | ListSettings
  | ConfirmSettings;

export interface ParsedInputs {
  settings: Settings;
  /** Things worth telling the user that are not errors (a duplicate id dropped, ...). */
  notes: string[];
}

/** All the bad inputs at once, so a user fixes them in one round instead of one per run. */
export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(`The step's inputs are not valid:\n${problems.map((p) => `- ${p}`).join("\n")}`);
    this.name = "InputError";
  }
}

const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
const DEFAULT_NAME_PREFIX = "pre-deploy-";
/** create, wait and restore wait for the provider; the other modes only bound their retries with it. */
const DEFAULT_TIMEOUT_MS: Record<Mode, number> = {
  create: 30 * 60_000,
  wait: 30 * 60_000,
  restore: RESTORE_TIMEOUT_MS,
  prune: 10 * 60_000,
  delete: 10 * 60_000,
  list: 10 * 60_000,
  confirm: 10 * 60_000,
};
const DEFAULT_POLL_INTERVAL_MS = 10_000;
const DEFAULT_HEALTH_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_MAX_SERVERS = 50;
const DEFAULT_KEEP = 2;

export function parseInputs(read: (name: string) => string, run: RunContext): ParsedInputs {
  const problems: string[] = [];
  const notes: string[] = [];
  const input = (name: string) => read(name).trim();

  const mode = parseChoice(Inputs.mode, input(Inputs.mode), MODES, problems);
  const apiToken = input(Inputs.apiToken);
  // Every mode but confirm calls the API; action.yml cannot say so, so it is checked here.
  if (!apiToken && mode !== "confirm") {
    problems.push(`${Inputs.apiToken} is required: pass the API token from a secret`);
  }

  const apiUrl = parseApiUrl(input(Inputs.apiUrl) || DEFAULT_API_URL, problems);

  const ifExists = parseChoice(Inputs.ifExists, input(Inputs.ifExists), IF_EXISTS, problems);
  const onLimit = parseChoice(Inputs.onLimit, input(Inputs.onLimit), ON_LIMIT, problems);
  const keep = parseKeep(input(Inputs.keep), problems);
  const olderThanText = input(Inputs.olderThan);
  const olderThanMs = olderThanText
    ? parsePositiveDuration(Inputs.olderThan, olderThanText, 0, problems)
    : undefined;

  const serverIdText = input(Inputs.serverId);
  const serverIds = parseIdList(Inputs.serverId, serverIdText, problems, notes);
  const serverNames = parseNameSelection(input, problems);
  const snapshots = parseSnapshotSelection(input(Inputs.snapshotId), problems, notes);
  if (mode) checkModeNeeds(mode, serverIdText, serverNames, snapshots, problems);

  const namePrefix = input(Inputs.namePrefix) || DEFAULT_NAME_PREFIX;
  if (!NAME_PATTERN.test(namePrefix)) {
    problems.push(
      `${Inputs.namePrefix} "${namePrefix}" may contain only letters, digits, hyphens and underscores`,
    );
  }
  const explicitName = input(Inputs.name);
  if (explicitName && !NAME_PATTERN.test(explicitName)) {
    problems.push(
      `${Inputs.name} "${explicitName}" may contain only letters, digits, hyphens and underscores`,
    );
  }
  if (mode === "create" && explicitName && !explicitName.startsWith(namePrefix)) {
    notes.push(
      `${Inputs.name} "${explicitName}" does not start with ${Inputs.namePrefix} "${namePrefix}": ` +
        "prune and on-limit will never delete it, so it stays until you delete it yourself.",
    );
  }
  const name = explicitName || defaultSnapshotName(namePrefix, run);

  const wait = parseBoolean(Inputs.wait, input(Inputs.wait), true, problems);
  const dryRun = parseBoolean(Inputs.dryRun, input(Inputs.dryRun), false, problems);
  const rollbackOnFailure = parseBoolean(
    Inputs.rollbackOnFailure,
    input(Inputs.rollbackOnFailure),
    false,
    problems,
  );
  if (mode && rollbackOnFailure) checkRollback(mode, wait, problems);
  if (mode === "wait" && !wait) {
    problems.push(`${Inputs.wait}: false has no meaning in mode wait, which only waits`);
  }
  const timeoutMs = parsePositiveDuration(
    Inputs.timeout,
    input(Inputs.timeout),
    DEFAULT_TIMEOUT_MS[mode ?? "create"],
    problems,
  );
  const pollIntervalMs = parsePositiveDuration(
    Inputs.pollInterval,
    input(Inputs.pollInterval),
    DEFAULT_POLL_INTERVAL_MS,
    problems,
  );

  const healthUrlText = input(Inputs.healthUrl);
  const urlTemplate = parseHealthUrl(healthUrlText, problems);
  const healthTimeoutMs = parsePositiveDuration(
    Inputs.healthTimeout,
    input(Inputs.healthTimeout),
    DEFAULT_HEALTH_TIMEOUT_MS,
    problems,
  );
  if (mode && healthUrlText) checkHealth(mode, rollbackOnFailure, wait, problems);
  const expect = input(Inputs.healthExpect) || undefined;
  const successes = parseSuccesses(input(Inputs.healthSuccesses), problems);
  if (!healthUrlText) {
    if (expect !== undefined)
      problems.push(
        `${Inputs.healthExpect} needs ${Inputs.healthUrl}: it says what the health check's answer must hold`,
      );
    if (successes !== 1)
      problems.push(
        `${Inputs.healthSuccesses} needs ${Inputs.healthUrl}: it says how many healthy answers in a row the health check waits for`,
      );
  }
  const health = urlTemplate
    ? { urlTemplate, timeoutMs: healthTimeoutMs, expect, successes }
    : undefined;

  if (problems.length > 0 || !mode) throw new InputError(problems);
  const api = { apiToken, apiUrl, timeoutMs };
  const settings = ((): Settings => {
    switch (mode) {
      case "create":
        return {
          mode,
          ...api,
          serverIds,
          serverNames,
          name,
          namePrefix,
          description: input(Inputs.description) || defaultDescription(run),
          ifExists: ifExists ?? "fail",
          onLimit: onLimit ?? "delete-oldest",
          wait,
          pollIntervalMs,
          rollbackOnFailure,
          health,
        };
      case "wait":
        return {
          mode,
          ...api,
          snapshots: named(snapshots),
          pollIntervalMs,
          rollbackOnFailure,
          health,
        };
      case "restore":
        return {
          mode,
          ...api,
          snapshots: given(snapshots),
          serverIds,
          serverNames,
          namePrefix,
          wait,
          pollIntervalMs,
          dryRun,
          health,
        };
      case "prune":
        return { mode, ...api, serverIds, serverNames, namePrefix, keep, olderThanMs, dryRun };
      case "delete":
        return { mode, ...api, snapshots: named(snapshots), dryRun };
      case "list":
        return { mode, ...api, serverIds, serverNames };
      case "confirm":
        return { mode };
    }
  })();
  return { settings, notes };
}

/** `checkModeNeeds` has made sure of it; a failure here is a bug, not a bad input. */
function given(selection: SnapshotSelection | undefined): SnapshotSelection {
  if (!selection) throw new Error("snapshot-id was checked as given, but is missing");
  return selection;
}

function named(selection: SnapshotSelection | undefined): NamedSelection {
  const checked = given(selection);
  if (checked.kind === "latest") throw new Error('snapshot-id "latest" was checked as refused');
  return checked;
}

/**
 * `server-name` (with `server-location` and `max-servers`): names and patterns separated like
 * `server-id`. Undefined when no name is given.
 */
function parseNameSelection(
  input: (name: string) => string,
  problems: string[],
): NameSelection | undefined {
  const patterns = [
    ...new Set(
      input(Inputs.serverName)
        .split(/[\s,]+/)
        .filter(Boolean),
    ),
  ];
  const location = input(Inputs.serverLocation) || undefined;
  const maxText = input(Inputs.maxServers);
  const maxServers = maxText === "" ? DEFAULT_MAX_SERVERS : Number(maxText);
  if (!/^\d+$/.test(maxText || "1") || !Number.isSafeInteger(maxServers) || maxServers < 1) {
    problems.push(`${Inputs.maxServers} "${maxText}" is not a whole number of 1 or more`);
  }
  if (patterns.length === 0) {
    if (location) {
      problems.push(
        `${Inputs.serverLocation} only narrows ${Inputs.serverName}: name the servers with it, or leave it out`,
      );
    }
    return undefined;
  }
  return { patterns, location, maxServers };
}

/** The inputs each mode cannot do without, checked with the rest before any request. */
function checkModeNeeds(
  mode: Mode,
  serverIdText: string,
  serverNames: NameSelection | undefined,
  snapshots: SnapshotSelection | undefined,
  problems: string[],
): void {
  const hasIds = serverIdText.replace(/[\s,]/g, "") !== "";
  const takesServers =
    mode === "create" ||
    mode === "prune" ||
    mode === "list" ||
    (mode === "restore" && snapshots?.kind === "latest");
  if (serverNames && !takesServers) {
    problems.push(
      `${Inputs.serverName} applies only to modes create, prune, list, and restore with ${Inputs.snapshotId} "latest", not ${mode}${mode === "restore" ? " by snapshot id" : ""}`,
    );
  }
  if (takesServers && !hasIds && !serverNames) {
    problems.push(
      mode === "restore"
        ? `${Inputs.serverId} or ${Inputs.serverName} is required with ${Inputs.snapshotId} "latest": whose latest snapshot?`
        : `${Inputs.serverId} or ${Inputs.serverName} is required in mode ${mode}`,
    );
  }
  if (mode === "confirm") {
    const given = [hasIds && Inputs.serverId, snapshots && Inputs.snapshotId];
    for (const name of given.filter(Boolean)) {
      problems.push(
        `${name} has no meaning in mode confirm, which confirms every rollback armed before it in the job`,
      );
    }
  }
  if ((mode === "restore" || mode === "delete" || mode === "wait") && !snapshots) {
    problems.push(`${Inputs.snapshotId} is required in mode ${mode}`);
  }
  if ((mode === "delete" || mode === "wait") && snapshots?.kind === "latest") {
    problems.push(
      `${Inputs.snapshotId} "latest" is only for mode restore: name the snapshots to ${mode === "wait" ? "wait for by id, or pass the snapshot-ids output of the create step" : "delete by id"}`,
    );
  }
}

/**
 * A rollback restores servers, which destroys data: it is only right after a step that saw every
 * snapshot complete, so that the deploy after it is known to have come after the snapshot.
 */
function checkRollback(mode: Mode, wait: boolean, problems: string[]): void {
  if (!ROLLBACK_MODES.includes(mode)) {
    problems.push(
      `${Inputs.rollbackOnFailure} applies only to mode ${ROLLBACK_MODES.join(" or ")}, not ${mode}`,
    );
  } else if (mode === "create" && !wait) {
    problems.push(
      `${Inputs.rollbackOnFailure}: true needs ${Inputs.wait}: true on a create step: a step that ` +
        "did not see the snapshot complete cannot know that the deploy came after it. Keep " +
        `${Inputs.wait}: false here and put ${Inputs.rollbackOnFailure} on a later step with ` +
        `${Inputs.mode}: wait, just before the deploy`,
    );
  }
}

/** A service is checked only after a restore that the step waits for. */
function checkHealth(mode: Mode, rollbackOnFailure: boolean, wait: boolean, problems: string[]) {
  if (mode === "restore") {
    if (!wait) {
      problems.push(
        `${Inputs.healthUrl} needs ${Inputs.wait}: true: the service is checked once its restore has finished`,
      );
    }
  } else if (ROLLBACK_MODES.includes(mode)) {
    if (!rollbackOnFailure) {
      problems.push(
        `${Inputs.healthUrl} on a ${mode} step is for its rollback: set ${Inputs.rollbackOnFailure}: true, or leave ${Inputs.healthUrl} out`,
      );
    }
  } else {
    problems.push(
      `${Inputs.healthUrl} applies only to mode restore, and to the rollback of mode create or wait, not ${mode}`,
    );
  }
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

function parseApiUrl(input: string, problems: string[]): string {
  const text = hideCredentials(input);
  if (text !== input) {
    problems.push(
      `${Inputs.apiUrl} must not contain credentials (${text}): pass the token as ${Inputs.apiToken}, and rotate a password that was written there`,
    );
  }
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    problems.push(`${Inputs.apiUrl} "${text}" is not a URL`);
    return text;
  }
  const loopback = LOOPBACK_HOST.test(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    problems.push(
      `${Inputs.apiUrl} "${text}" must use https:// (plain http:// is allowed only for a loopback host)`,
    );
  }
  if (url.search || url.hash) {
    problems.push(`${Inputs.apiUrl} "${text}" must not have a query or a fragment`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** One of a fixed set of words; the first is the default when the input is empty. */
function parseChoice<T extends string>(
  inputName: string,
  text: string,
  choices: readonly T[],
  problems: string[],
): T | undefined {
  if (text === "") return choices[0];
  const choice = choices.find((c) => c === text.toLowerCase());
  if (!choice) problems.push(`${inputName} "${text}" is not one of: ${choices.join(", ")}`);
  return choice;
}

function parseSuccesses(text: string, problems: string[]): number {
  if (text === "") return 1;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1) {
    problems.push(`${Inputs.healthSuccesses} "${text}" is not a whole number of 1 or more`);
    return 1;
  }
  return Number(text);
}

function parseKeep(text: string, problems: string[]): number {
  if (text === "") return DEFAULT_KEEP;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    problems.push(`${Inputs.keep} "${text}" is not a whole number (0 or more)`);
    return DEFAULT_KEEP;
  }
  return Number(text);
}

/** The one reading of a true/false input, for the main step's inputs and the post step alike. */
export function parseBoolean(
  inputName: string,
  text: string,
  fallback: boolean,
  problems: string[],
): boolean {
  if (text === "") return fallback;
  // The same words as YAML 1.2's core schema, which is what core.getBooleanInput accepts.
  if (["true", "True", "TRUE"].includes(text)) return true;
  if (["false", "False", "FALSE"].includes(text)) return false;
  problems.push(`${inputName} "${text}" is not true or false`);
  return fallback;
}

function parsePositiveDuration(
  inputName: string,
  text: string,
  fallback: number,
  problems: string[],
): number {
  if (text === "") return fallback;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    problems.push(
      `${inputName} "${text}" is not a positive duration (examples: 90s, 15m, 1h, or plain seconds)`,
    );
    return fallback;
  }
  return ms;
}
