import { InputDefaults, Inputs } from "../../constants.js";
import { parseDuration } from "../../duration.js";
import type { HealthCheck } from "../../health/check.js";
import { parseHealthUrl } from "../../health/url.js";
import { hideCredentials } from "../../runner/text/redact.js";
import type { RunContext } from "../../runner/toolkit/run-context.js";
import {
  defaultDescription,
  defaultSnapshotName,
  isManaged,
  isValidName,
} from "../snapshot-name.js";
import { parseIdList } from "./id-list.js";
import { nearMiss } from "./near-miss.js";
import { inputsOutOfPlace, MODE_TABLE, MODES, type Mode, ROLLBACK_MODES } from "./modes.js";
import { IF_EXISTS, type NameSelection, ON_LIMIT, type Settings } from "./settings.js";
import {
  parseSnapshotSelection,
  selectionWord,
  type SnapshotSelection,
} from "./snapshot-selection.js";

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

/**
 * Every input, checked at once and typed in the shape of its mode, as the mode table
 * (`modes.ts`) says what each mode takes, needs and refuses. An input the runner filled from
 * action.yml's default reads the same as one left out.
 */
export function parseInputs(
  read: (name: string) => string,
  run: RunContext,
  givenNames: readonly string[] = [],
): ParsedInputs {
  const problems = mistypedInputs(givenNames);
  const notes: string[] = [];
  const input = (name: keyof typeof Inputs) => read(Inputs[name]).trim() || defaultOf(name);

  const mode = parseChoice(Inputs.mode, input("mode"), MODES, problems);
  const apiToken = input("apiToken");
  // action.yml cannot say that every mode but confirm needs the token, so it is checked here.
  if (!apiToken && (!mode || MODE_TABLE[mode].callsApi)) {
    problems.push(`${Inputs.apiToken} is required: pass the API token from a secret`);
  }
  if (mode) {
    const outOfPlace = inputsOutOfPlace(mode, givenInputs(read));
    problems.push(...outOfPlace.refused);
    notes.push(...outOfPlace.ignored);
  }

  const apiUrl = parseApiUrl(input("apiUrl"), problems);
  const ifExists = parseChoice(Inputs.ifExists, input("ifExists"), IF_EXISTS, problems);
  const onLimit = parseChoice(Inputs.onLimit, input("onLimit"), ON_LIMIT, problems);
  const keep = parseWholeNumber(Inputs.keep, input("keep"), 0, problems);
  const olderThanText = input("olderThan");
  const olderThanMs = olderThanText
    ? parsePositiveDuration(Inputs.olderThan, olderThanText, problems)
    : undefined;

  const serverIdText = input("serverId");
  const serverIds = parseIdList(Inputs.serverId, serverIdText, problems, notes);
  const serverNames = parseNameSelection(input, problems);
  const snapshots = parseSnapshotSelection(input("snapshotId"), problems, notes);
  if (mode) checkModeNeeds(mode, serverIdText, serverNames, snapshots, problems);
  const { name, namePrefix } = parseSnapshotName(input, mode, run, problems, notes);

  const wait = parseBoolean(Inputs.wait, input("wait"), true, problems);
  const dryRun = parseBoolean(Inputs.dryRun, input("dryRun"), false, problems);
  const rollbackOnFailure = parseBoolean(
    Inputs.rollbackOnFailure,
    input("rollbackOnFailure"),
    false,
    problems,
  );
  if (mode === "create" && rollbackOnFailure && !wait) {
    problems.push(
      `${Inputs.rollbackOnFailure}: true needs ${Inputs.wait}: true on a create step: a step that ` +
        "did not see the snapshot complete cannot know that the deploy came after it. Keep " +
        `${Inputs.wait}: false here and put ${Inputs.rollbackOnFailure} on a later step with ` +
        `${Inputs.mode}: wait, just before the deploy`,
    );
  }
  const timeoutText = input("timeout");
  const timeoutMs = timeoutText
    ? parsePositiveDuration(Inputs.timeout, timeoutText, problems)
    : undefined;
  const pollIntervalMs = parsePositiveDuration(
    Inputs.pollInterval,
    input("pollInterval"),
    problems,
  );
  const health = parseHealth(input, { mode, rollbackOnFailure, wait }, problems);

  // A choice that could not be read has its problem among the others.
  if (problems.length > 0 || !mode || !ifExists || !onLimit) throw new InputError(problems);
  const settings = MODE_TABLE[mode].settings({
    apiToken,
    apiUrl,
    timeoutMs: timeoutMs ?? MODE_TABLE[mode].timeoutMs,
    serverIds,
    serverNames,
    snapshots,
    name,
    namePrefix,
    description: input("description") || defaultDescription(run),
    ifExists,
    onLimit,
    wait,
    pollIntervalMs,
    rollbackOnFailure,
    dryRun,
    keep,
    olderThanMs,
    health,
  });
  return { settings, notes };
}

/** `name-prefix` and `name`, or the default name the prefix begins. */
function parseSnapshotName(
  input: (name: keyof typeof Inputs) => string,
  mode: Mode | undefined,
  run: RunContext,
  problems: string[],
  notes: string[],
): { name: string; namePrefix: string } {
  const namePrefix = input("namePrefix");
  if (!isValidName(namePrefix)) {
    problems.push(
      `${Inputs.namePrefix} "${namePrefix}" may contain only letters, digits, hyphens and underscores`,
    );
  }
  const explicitName = input("name");
  if (explicitName && !isValidName(explicitName)) {
    problems.push(
      `${Inputs.name} "${explicitName}" may contain only letters, digits, hyphens and underscores`,
    );
  }
  if (mode === "create" && explicitName && !isManaged({ name: explicitName }, namePrefix)) {
    notes.push(
      `${Inputs.name} "${explicitName}" does not start with ${Inputs.namePrefix} "${namePrefix}": ` +
        "prune and on-limit will never delete it, so it stays until you delete it yourself.",
    );
  }
  return { name: explicitName || defaultSnapshotName(namePrefix, run), namePrefix };
}

/** `health-url` and what counts as healthy, where the step may check it; undefined without it. */
function parseHealth(
  input: (name: keyof typeof Inputs) => string,
  step: { mode: Mode | undefined; rollbackOnFailure: boolean; wait: boolean },
  problems: string[],
): HealthCheck | undefined {
  const healthUrlText = input("healthUrl");
  const urlTemplate = parseHealthUrl(healthUrlText, problems);
  const timeoutMs = parsePositiveDuration(Inputs.healthTimeout, input("healthTimeout"), problems);
  if (step.mode && healthUrlText)
    checkHealth(step.mode, step.rollbackOnFailure, step.wait, problems);
  const expect = input("healthExpect") || undefined;
  const successes = parseWholeNumber(Inputs.healthSuccesses, input("healthSuccesses"), 1, problems);
  if (!healthUrlText) {
    if (expect !== undefined) {
      problems.push(
        `${Inputs.healthExpect} needs ${Inputs.healthUrl}: it says what the health check's answer must hold`,
      );
    }
    if (successes !== 1) {
      problems.push(
        `${Inputs.healthSuccesses} needs ${Inputs.healthUrl}: it says how many healthy answers in a row the health check waits for`,
      );
    }
  }
  return urlTemplate ? { urlTemplate, timeoutMs, expect, successes } : undefined;
}

function defaultOf(name: keyof typeof Inputs): string {
  return (InputDefaults as Partial<Record<keyof typeof Inputs, string>>)[name] ?? "";
}

/**
 * The inputs a person set to something other than their default: the runner passes action.yml's
 * defaults for the ones a workflow leaves out, so only a different value tells that one was meant.
 */
/**
 * An input the workflow gave that action.yml does not declare, near one it does (`server_id`):
 * the runner only warns, and the step would read the one meant as not given, a guard such as
 * `dry-run` included. Refused, naming the one meant, in the same error as what it left missing.
 */
function mistypedInputs(givenNames: readonly string[]): string[] {
  const declared: readonly string[] = Object.values(Inputs);
  return givenNames.flatMap((name) => {
    const meant = declared.includes(name) ? undefined : nearMiss(name, declared);
    return meant ? [`${name} is not an input of this action: did you mean ${meant}?`] : [];
  });
}

function givenInputs(read: (name: string) => string): (typeof Inputs)[keyof typeof Inputs][] {
  return (Object.keys(Inputs) as (keyof typeof Inputs)[])
    .filter((key) => {
      const text = read(Inputs[key]).trim();
      return text !== "" && text.toLowerCase() !== defaultOf(key).toLowerCase();
    })
    .map((key) => Inputs[key]);
}

/**
 * `server-name` (with `server-location` and `max-servers`): names and patterns separated like
 * `server-id`. Undefined when no name is given.
 */
function parseNameSelection(
  input: (name: keyof typeof Inputs) => string,
  problems: string[],
): NameSelection | undefined {
  const patterns = [
    ...new Set(
      input("serverName")
        .split(/[\s,]+/)
        .filter(Boolean),
    ),
  ];
  const location = input("serverLocation") || undefined;
  const maxServers = parseWholeNumber(Inputs.maxServers, input("maxServers"), 1, problems);
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

/** What the mode acts on, as the mode table says it needs, checked with the rest before any request. */
function checkModeNeeds(
  mode: Mode,
  serverIdText: string,
  serverNames: NameSelection | undefined,
  snapshots: SnapshotSelection | undefined,
  problems: string[],
): void {
  const { needs } = MODE_TABLE[mode];
  const hasServers = serverIdText.replace(/[\s,]/g, "") !== "" || serverNames !== undefined;
  const byRule =
    snapshots?.kind === "latest" || snapshots?.kind === "commit" ? snapshots : undefined;
  const ofServers = mode === "restore" && byRule !== undefined;
  if (mode === "restore" && !ofServers && serverNames) {
    problems.push(
      `${Inputs.serverName} applies to mode restore only with ${Inputs.snapshotId} "latest" or "commit:<sha>": the snapshots name their servers`,
    );
  }
  if (needs === "servers" && !hasServers) {
    problems.push(`${Inputs.serverId} or ${Inputs.serverName} is required in mode ${mode}`);
  }
  if (ofServers && !hasServers) {
    problems.push(
      byRule.kind === "latest"
        ? `${Inputs.serverId} or ${Inputs.serverName} is required with ${Inputs.snapshotId} "latest": whose latest snapshot?`
        : `${Inputs.serverId} or ${Inputs.serverName} is required with ${Inputs.snapshotId} "${selectionWord(byRule)}": which servers go back to it?`,
    );
  }
  if (needs === "snapshots" && !snapshots) {
    problems.push(`${Inputs.snapshotId} is required in mode ${mode}`);
  }
  if (needs === "snapshots" && mode !== "restore" && byRule) {
    problems.push(
      `${Inputs.snapshotId} "${selectionWord(byRule)}" is only for mode restore: name the snapshots to ${mode === "wait" ? "wait for by id, or pass the snapshot-ids output of the create step" : "delete by id"}`,
    );
  }
}

/** A service is checked only after a restore that the step waits for. */
function checkHealth(mode: Mode, rollbackOnFailure: boolean, wait: boolean, problems: string[]) {
  if (mode === "restore" && !wait) {
    problems.push(
      `${Inputs.healthUrl} needs ${Inputs.wait}: true: the service is checked once its restore has finished`,
    );
  } else if (ROLLBACK_MODES.includes(mode) && !rollbackOnFailure) {
    problems.push(
      `${Inputs.healthUrl} on a ${mode} step is for its rollback: set ${Inputs.rollbackOnFailure}: true, or leave ${Inputs.healthUrl} out`,
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

/** One of a fixed set of words. */
function parseChoice<T extends string>(
  inputName: string,
  text: string,
  choices: readonly T[],
  problems: string[],
): T | undefined {
  const choice = choices.find((c) => c === text.toLowerCase());
  if (!choice) {
    const meant = nearMiss(text, choices);
    problems.push(
      `${inputName} "${text}" is not one of: ${choices.join(", ")}` +
        (meant ? `: did you mean ${meant}?` : ""),
    );
  }
  return choice;
}

/** A whole number of at least `least`. */
function parseWholeNumber(
  inputName: string,
  text: string,
  least: number,
  problems: string[],
): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < least) {
    problems.push(
      `${inputName} "${text}" is not a whole number${least === 0 ? " (0 or more)" : ` of ${least} or more`}`,
    );
    return least;
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

/** What a bare number most likely meant, per input: the fix a refusal shows. */
const LIKELY_UNIT: Record<string, (n: number) => string> = {
  [Inputs.timeout]: (n) => `${n}m, ${n * 60}s or 1h`,
  [Inputs.healthTimeout]: (n) => `${n}m, ${n * 60}s or 1h`,
  [Inputs.pollInterval]: (n) => `${n}s or ${n}m`,
  [Inputs.olderThan]: (n) => `${n}d or ${n}h`,
};

function parsePositiveDuration(inputName: string, text: string, problems: string[]): number {
  const ms = parseDuration(text);
  if (ms !== undefined && ms > 0) return ms;
  const bare = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : 0;
  problems.push(
    bare > 0
      ? `${inputName} "${text}" needs a unit: ${LIKELY_UNIT[inputName]?.(bare) ?? `${bare}s`}`
      : `${inputName} "${text}" is not a positive duration (examples: 90s, 15m, 1h)`,
  );
  return 0;
}
