import type { Snapshot } from "../api/answers/types.js";
import { Outputs } from "../constants.js";
import type { ServerNames } from "../runner/text/server-names.js";
import { asText } from "../runner/text/untrusted.js";

export type SetOutput = (name: string, value: string) => void;

/**
 * Sets the outputs that describe snapshots, in server order: the first one is the one the
 * single-value outputs name. Called again as facts arrive (accepted, then completed); the runner
 * keeps the last value of each output.
 */
export function publishSnapshots(setOutput: SetOutput, snapshots: Snapshot[]): void {
  const [first] = snapshots;
  setOutput(Outputs.snapshotIds, JSON.stringify(snapshotIdsByServer(snapshots)));
  setOutput(Outputs.snapshots, JSON.stringify(snapshots));
  if (!first) return;
  setOutput(Outputs.snapshotId, String(first.id));
  setOutput(Outputs.snapshotName, first.name);
  setOutput(Outputs.snapshotStatus, first.status);
  setOutput(Outputs.snapshotSizeMb, typeof first.size_mb === "number" ? String(first.size_mb) : "");
  setOutput(Outputs.snapshotCreatedAt, asText(first.created_at));
}

export function snapshotIdsByServer(snapshots: readonly Snapshot[]): Record<string, number> {
  return Object.fromEntries(snapshots.map((s) => [String(s.server.id), s.id]));
}

/** `server-names`: each server the step acted on, id to name, as far as the API named them. */
export function publishServerNames(
  setOutput: SetOutput,
  serverIds: readonly number[],
  names: Pick<ServerNames, "name">,
): void {
  const named = serverIds.flatMap((id) => {
    const name = names.name(id);
    return name === undefined ? [] : [[String(id), name]];
  });
  setOutput(Outputs.serverNames, JSON.stringify(Object.fromEntries(named)));
}

export function publishDeleted(setOutput: SetOutput, snapshotIds: number[]): void {
  setOutput(Outputs.deletedSnapshotIds, JSON.stringify(snapshotIds));
}
