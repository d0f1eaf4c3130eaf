import type { Snapshot } from "../../api/types.js";
import type { SnapshotSelection } from "../../workflow/snapshot-selection.js";
import { findNamed, sameServerProblems } from "./selection.js";
import { describeSnapshot, isCompleted, isManaged, newestFirst } from "./snapshots.js";

export interface RestorePlan {
  /** One snapshot per server, each one that exists, is completed and belongs to that server. */
  targets: Snapshot[];
  /** Why a named snapshot cannot be restored; nothing is restored while any is left in restore mode. */
  problems: string[];
}

/**
 * Decides which snapshot each server goes back to, from the account's snapshots: nothing that is
 * missing, unfinished or of another server, and never two snapshots for one server.
 * `missingServers`: as `findNamed` takes it, for a map that a person wrote.
 */
export function planRestore(
  selection: SnapshotSelection,
  serverIds: readonly number[],
  namePrefix: string,
  snapshots: readonly Snapshot[],
  missingServers?: ReadonlyMap<number, string>,
): RestorePlan {
  const problems: string[] = [];
  const chosen: Snapshot[] = [];
  if (selection.kind !== "latest") {
    for (const named of findNamed(selection, snapshots, missingServers)) {
      if ("problem" in named) problems.push(named.problem);
      else if (isCompleted(named.snapshot)) chosen.push(named.snapshot);
      else {
        const { snapshot } = named;
        problems.push(
          `Snapshot ${describeSnapshot(snapshot)} is ${snapshot.status}, not completed: it cannot be restored.`,
        );
      }
    }
  } else {
    for (const serverId of serverIds) {
      const latest = latestRestorable(snapshots, serverId, namePrefix);
      if (latest) chosen.push(latest);
      else {
        problems.push(
          `Server ${serverId} has no completed snapshot whose name starts with "${namePrefix}": ` +
            "nothing to restore it to.",
        );
      }
    }
  }
  return { targets: chosen, problems: [...problems, ...sameServerProblems(chosen)] };
}

/** The newest completed snapshot of ours: never one in progress, never one without the prefix. */
export function latestRestorable(
  snapshots: readonly Snapshot[],
  serverId: number,
  namePrefix: string,
): Snapshot | undefined {
  return newestFirst(
    snapshots.filter((s) => s.server.id === serverId && isCompleted(s) && isManaged(s, namePrefix)),
  )[0];
}

/** The servers a selection names itself (none for plain ids: their snapshots tell). */
export function serversNamedBy(
  selection: SnapshotSelection,
  serverIds: readonly number[],
): number[] | undefined {
  switch (selection.kind) {
    case "by-server":
      return [...new Set(selection.pairs.map((p) => p.serverId))];
    case "latest":
      return [...serverIds];
    case "ids":
      return undefined;
  }
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
    case "ids":
      return `snapshot ${selection.ids.join(", ")}`;
  }
}
