import type { Snapshot } from "../../api/types.js";
import { Inputs } from "../../constants.js";
import type { NamedSelection } from "../../workflow/snapshot-selection.js";

export type Named = { snapshot: Snapshot } | { problem: string };

/**
 * Each snapshot the selection names, in its order: the snapshot where it exists and, in a map,
 * belongs to the server it is paired with; else a sentence that says why not.
 */
export function findNamed(selection: NamedSelection, snapshots: readonly Snapshot[]): Named[] {
  const byId = new Map(snapshots.map((s) => [s.id, s]));
  const pairs =
    selection.kind === "ids"
      ? selection.ids.map((snapshotId) => ({ snapshotId, serverId: undefined }))
      : selection.pairs;
  return pairs.map(({ snapshotId, serverId }): Named => {
    const snapshot = byId.get(snapshotId);
    if (!snapshot) {
      return {
        problem:
          serverId === undefined
            ? `Snapshot ${snapshotId} does not exist: it is not among the account's snapshots.`
            : `Snapshot ${snapshotId} (for server ${serverId}) does not exist: it is not among ` +
              `server ${serverId}'s snapshots.`,
      };
    }
    if (serverId !== undefined && snapshot.server.id !== serverId) {
      return {
        problem:
          `${Inputs.snapshotId} pairs server ${serverId} with snapshot ${snapshotId}, ` +
          `but that snapshot belongs to server ${snapshot.server.id}.`,
      };
    }
    return { snapshot };
  });
}

/** A server can be restored to only one snapshot: a sentence for each server named twice. */
export function sameServerProblems(chosen: readonly Snapshot[]): string[] {
  const byServer = new Map<number, Snapshot[]>();
  for (const s of chosen) byServer.set(s.server.id, [...(byServer.get(s.server.id) ?? []), s]);
  return [...byServer]
    .filter(([, group]) => group.length > 1)
    .map(
      ([serverId, group]) =>
        `${Inputs.snapshotId} names ${group.length} snapshots of server ${serverId} ` +
        `(${group.map((s) => s.id).join(", ")}): a server can be restored to only one.`,
    );
}
