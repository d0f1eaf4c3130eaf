import { errorMessage } from "../../api/answers/errors.js";
import { Inputs } from "../../constants.js";
import { commitWord, parseCommitWord } from "../snapshot-name.js";
import { parseIdList } from "./id-list.js";

export interface ServerSnapshotPair {
  serverId: number;
  snapshotId: number;
}

/**
 * What `snapshot-id` names: ids, the `snapshot-ids` map of a create step, or, per server of
 * `server-id` / `server-name`, the newest completed snapshot of ours (`latest`) or the newest one
 * made for a commit (`commit:<sha>`, 7 to 40 hex digits, kept in lower case).
 */
export type SnapshotSelection =
  | { kind: "ids"; ids: number[] }
  | { kind: "by-server"; pairs: ServerSnapshotPair[] }
  | { kind: "latest" }
  | { kind: "commit"; sha: string };

/** Snapshots named by id, or by a `snapshot-ids` map of server to snapshot. */
export type NamedSelection = Extract<SnapshotSelection, { kind: "ids" | "by-server" }>;

/** `snapshot-id` as a person wrote it, for a sentence: `latest`, `commit:3f2a9c1`. */
export function selectionWord(selection: Exclude<SnapshotSelection, NamedSelection>): string {
  return selection.kind === "latest" ? "latest" : commitWord(selection.sha);
}

/** `server 12345 to snapshot 801, server 12346 to snapshot 802`: what a restore was asked to do. */
export function describeSelection(
  selection: SnapshotSelection,
  serverIds: readonly number[],
): string {
  switch (selection.kind) {
    case "by-server":
      return selection.pairs
        .map((p) => `server ${p.serverId} to snapshot ${p.snapshotId}`)
        .join(", ");
    case "latest":
      return `server ${serverIds.join(", ")} to the latest snapshot of ours`;
    case "commit":
      return `server ${serverIds.join(", ")} to the snapshot of ours made for commit ${selection.sha}`;
    case "ids":
      return `snapshot ${selection.ids.join(", ")}`;
  }
}

export function parseSnapshotSelection(
  text: string,
  problems: string[],
  notes: string[],
): SnapshotSelection | undefined {
  if (text === "") return undefined;
  if (text.toLowerCase() === "latest") return { kind: "latest" };
  const commit = parseCommitWord(text);
  if (commit) {
    const { sha } = commit;
    if (!commit.valid) {
      problems.push(
        `${Inputs.snapshotId} "${text}" names no commit: after commit: come 7 to 40 hex digits (commit:3f2a9c1)`,
      );
    }
    return { kind: "commit", sha };
  }
  if (text.startsWith("{")) return parseServerMap(text, problems);
  return { kind: "ids", ids: parseIdList(Inputs.snapshotId, text, problems, notes) };
}

/**
 * The `snapshot-ids` output of a create step: `{"12345":802,"12346":803}`. A map that cannot be
 * read is still a given `snapshot-id` (with no pairs), so that its one problem is not followed by
 * a second one saying that `snapshot-id` is missing.
 */
function parseServerMap(text: string, problems: string[]): SnapshotSelection {
  const unreadable: SnapshotSelection = { kind: "by-server", pairs: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // The parser's own words name the position ("... in JSON at position 11").
    problems.push(
      `${Inputs.snapshotId} starts with "{" but is not valid JSON (${errorMessage(error)}): ${text}`,
    );
    return unreadable;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    problems.push(`${Inputs.snapshotId} must be a JSON object of server id to snapshot id`);
    return unreadable;
  }
  const pairs: ServerSnapshotPair[] = [];
  for (const [server, snapshot] of Object.entries(parsed)) {
    const serverId = positiveInteger(server);
    const snapshotId = positiveInteger(snapshot);
    if (serverId === undefined || snapshotId === undefined) {
      problems.push(
        `${Inputs.snapshotId} maps ${JSON.stringify(server)} to ${JSON.stringify(snapshot)}: ` +
          "both must be positive integers",
      );
    } else {
      pairs.push({ serverId, snapshotId });
    }
  }
  problems.push(...serversNamedTwice(text));
  if (pairs.length === 0 && problems.length === 0) {
    problems.push(`${Inputs.snapshotId} is an empty JSON object: no snapshot to use`);
  }
  return { kind: "by-server", pairs };
}

/**
 * One problem for each server the map names more than once, with the keys as written. Read from
 * the text, since `JSON.parse` keeps only the last of a repeated key, and the spellings of one id
 * (`"1"`, `"01"`, `"\u0031"`) are different keys to it.
 */
function serversNamedTwice(json: string): string[] {
  const keysByServer = new Map<number, string[]>();
  for (const { written, key } of topLevelKeys(json)) {
    const serverId = positiveInteger(key);
    if (serverId !== undefined) {
      keysByServer.set(serverId, [...(keysByServer.get(serverId) ?? []), written]);
    }
  }
  return [...keysByServer]
    .filter(([, keys]) => keys.length > 1)
    .map(
      ([serverId, keys]) =>
        `${Inputs.snapshotId} names server ${serverId} ${keys.length} times (keys ${keys.join(", ")}): ` +
        "a server can have only one snapshot in the map",
    );
}

/** The keys of a valid JSON object's text, in order and repeats kept: each as written and decoded. */
function topLevelKeys(json: string): { written: string; key: string }[] {
  const keys: { written: string; key: string }[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") depth--;
    else if (char === '"') {
      const end = closingQuote(json, i);
      FOLLOWED_BY_COLON.lastIndex = end + 1;
      if (depth === 1 && FOLLOWED_BY_COLON.test(json)) {
        const written = json.slice(i, end + 1);
        keys.push({ written, key: JSON.parse(written) as string });
      }
      i = end;
    }
  }
  return keys;
}

const FOLLOWED_BY_COLON = /\s*:/y;

/** The index of the quote that ends the string starting at `start`, skipping escaped characters. */
function closingQuote(json: string, start: number): number {
  let i = start + 1;
  while (json[i] !== '"') i += json[i] === "\\" ? 2 : 1;
  return i;
}

function positiveInteger(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !/^\d+$/.test(text)) return undefined;
  const number = Number(text);
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

/** Every snapshot id the selection names (for delete, which needs no server). */
export function selectedIds(selection: NamedSelection): number[] {
  return selection.kind === "ids" ? selection.ids : selection.pairs.map((p) => p.snapshotId);
}
