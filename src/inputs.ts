import { DEFAULT_API_URL, Inputs } from "./constants.js";
import { parseDuration } from "./duration.js";
import { defaultDescription, defaultSnapshotName, type RunContext } from "./run-context.js";

export const MODES = ["create"] as const;
export type Mode = (typeof MODES)[number];

/** Every input, checked and typed: the rest of the program never reads an input itself. */
export interface Settings {
  apiToken: string;
  apiUrl: string;
  mode: Mode;
  serverIds: number[];
  name: string;
  namePrefix: string;
  description: string;
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
}

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
const DEFAULT_TIMEOUT_MS: Record<Mode, number> = { create: 30 * 60_000 };
const DEFAULT_POLL_INTERVAL_MS = 10_000;

export function parseInputs(read: (name: string) => string, run: RunContext): ParsedInputs {
  const problems: string[] = [];
  const notes: string[] = [];
  const input = (name: string) => read(name).trim();

  const apiToken = input(Inputs.apiToken);
  if (!apiToken) problems.push(`${Inputs.apiToken} is required: pass the API token from a secret`);

  const apiUrl = parseApiUrl(input(Inputs.apiUrl) || DEFAULT_API_URL, problems);

  const modeText = input(Inputs.mode) || "create";
  const mode = MODES.find((m) => m === modeText.toLowerCase());
  if (!mode) problems.push(`${Inputs.mode} "${modeText}" is not one of: ${MODES.join(", ")}`);

  const serverIdText = input(Inputs.serverId);
  const serverIds = parseIdList(Inputs.serverId, serverIdText, problems, notes);
  if (mode === "create" && serverIdText.replace(/[\s,]/g, "") === "") {
    problems.push(`${Inputs.serverId} is required in mode ${mode}`);
  }

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
  if (explicitName && !explicitName.startsWith(namePrefix)) {
    notes.push(
      `${Inputs.name} "${explicitName}" does not start with ${Inputs.namePrefix} "${namePrefix}": ` +
        "prune and on-limit will never delete it, so it stays until you delete it yourself.",
    );
  }
  const name = explicitName || defaultSnapshotName(namePrefix, run);

  const wait = parseBoolean(Inputs.wait, input(Inputs.wait), true, problems);
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

  if (problems.length > 0 || !mode) throw new InputError(problems);
  return {
    settings: {
      apiToken,
      apiUrl,
      mode,
      serverIds,
      name,
      namePrefix,
      description: input(Inputs.description) || defaultDescription(run),
      wait,
      timeoutMs,
      pollIntervalMs,
    },
    notes,
  };
}

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

function parseApiUrl(text: string, problems: string[]): string {
  let url: URL;
  try {
    url = new URL(text);
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
  if (url.username || url.password) {
    problems.push(`${Inputs.apiUrl} must not contain credentials: pass the token as api-token`);
  }
  if (url.search || url.hash) {
    problems.push(`${Inputs.apiUrl} "${text}" must not have a query or a fragment`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** Ids separated by commas, spaces or newlines; a repeated id is kept once, with a note. */
export function parseIdList(
  inputName: string,
  text: string,
  problems: string[],
  notes: string[],
): number[] {
  const ids: number[] = [];
  for (const token of text.split(/[\s,]+/).filter(Boolean)) {
    const id = /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!Number.isSafeInteger(id) || id <= 0) {
      problems.push(`${inputName} "${token}" is not a positive integer`);
    } else if (ids.includes(id)) {
      notes.push(`${inputName} lists ${id} more than once; it is used once.`);
    } else {
      ids.push(id);
    }
  }
  return ids;
}

function parseBoolean(
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
