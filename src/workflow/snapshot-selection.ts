import { Inputs } from "../constants.js";
import { parseIdList } from "./id-list.js";

export interface ServerSnapshotPair {
  serverId: number;
  snapshotId: number;
}

/** What `snapshot-id` names: ids, the `snapshot-ids` map of a create step, or `latest`. */
export type SnapshotSelection =
  | { kind: "ids"; ids: number[] }
  | { kind: "by-server"; pairs: ServerSnapshotPair[] }
  | { kind: "latest" };

export function parseSnapshotSelection(
  text: string,
  problems: string[],
  notes: string[],
): SnapshotSelection | undefined {
  if (text === "") return undefined;
  if (text.toLowerCase() === "latest") return { kind: "latest" };
  if (text.startsWith("{")) return parseServerMap(text, problems);
  return { kind: "ids", ids: parseIdList(Inputs.snapshotId, text, problems, notes) };
}

/** The `snapshot-ids` output of a create step: `{"12345":802,"12346":803}`. */
function parseServerMap(text: string, problems: string[]): SnapshotSelection | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push(`${Inputs.snapshotId} starts with "{" but is not valid JSON: ${text}`);
    return undefined;
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    problems.push(`${Inputs.snapshotId} must be a JSON object of server id to snapshot id`);
    return undefined;
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
  if (pairs.length === 0 && problems.length === 0) {
    problems.push(`${Inputs.snapshotId} is an empty JSON object: no snapshot to use`);
  }
  return { kind: "by-server", pairs };
}

function positiveInteger(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !/^\d+$/.test(text)) return undefined;
  const number = Number(text);
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

/** Every snapshot id the selection names (for delete, which needs no server). */
export function selectedIds(selection: SnapshotSelection): number[] {
  switch (selection.kind) {
    case "ids":
      return selection.ids;
    case "by-server":
      return selection.pairs.map((p) => p.snapshotId);
    case "latest":
      return [];
  }
}
