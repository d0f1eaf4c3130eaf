import { isCompleted } from "../../api/answers/snapshot-status.js";
import type { Snapshot } from "../../api/answers/types.js";
import { Inputs } from "../../constants.js";
import type {
  NamedSelection,
  ServerSnapshotPair,
  SnapshotSelection,
} from "../../workflow/inputs/snapshot-selection.js";
import { describeSnapshot } from "../../workflow/explain.js";
import { asText } from "../../runner/text/untrusted.js";
import { commitsOf, isMadeForCommit, isManaged } from "../../workflow/snapshot-name.js";
import { newestFirst } from "./retention.js";

export interface RestorePlan {
  /** One snapshot per server, each one that exists, is completed and belongs to that server. */
  targets: Snapshot[];
  /** Why a named snapshot cannot be restored; nothing is restored while any is left in restore mode. */
  problems: string[];
  /** What is worth saying of the choice (other snapshots of the same commit: re-runs). */
  notes: string[];
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
  const notes: string[] = [];
  const chosen: Snapshot[] = [];
  if (selection.kind === "commit") {
    // Sorted once for every server: each server's own snapshots keep the order.
    const ordered = newestFirst(snapshots);
    for (const serverId of serverIds) {
      const own = ordered.filter((s) => s.server.id === serverId);
      const plan = commitRestorable(own, namePrefix, selection.sha);
      if ("problem" in plan) problems.push(`Server ${serverId} ${plan.problem}`);
      else {
        chosen.push(plan.snapshot);
        if (plan.others.length > 0) {
          notes.push(
            `Server ${serverId} has ${plan.others.length + 1} snapshots of commit ${selection.sha} ` +
              `(re-runs): restoring the newest completed one, ${plan.snapshot.id}; the others: ` +
              `${plan.others.map(said).join(", ")}.`,
          );
        }
      }
    }
  } else if (selection.kind !== "latest") {
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
  return { targets: chosen, problems: [...problems, ...sameServerProblems(chosen)], notes };
}

/**
 * The newest completed snapshot of ours made for the commit, with the others of that commit (a
 * re-run makes another); or why there is none, with the server's newest snapshots to look at.
 * `own`: the server's snapshots, newest first.
 */
function commitRestorable(
  own: readonly Snapshot[],
  namePrefix: string,
  sha: string,
): { snapshot: Snapshot; others: Snapshot[] } | { problem: string } {
  const ofCommit = own.filter((s) => isMadeForCommit(s, namePrefix, sha));
  const [snapshot] = ofCommit.filter(isCompleted);
  if (snapshot) return { snapshot, others: ofCommit.filter((s) => s !== snapshot) };
  const newest = own.slice(0, NEWEST_SHOWN);
  const held =
    newest.length > 0
      ? `its newest snapshots: ${newest.map(said).join(", ")}`
      : "it has no snapshot";
  // A snapshot named by hand may be the one the user means: say why it cannot be it.
  const uncommitted = newest.filter((s) => commitsOf(s, namePrefix).length === 0);
  const customHint = `snapshots made with a custom name and description carry none`;
  const why =
    ofCommit.length > 0
      ? `none of its ${ofCommit.length} snapshot(s) of that commit is completed`
      : newest.length > 0 && own.every((s) => commitsOf(s, namePrefix).length === 0)
        ? `none of its snapshots carries a commit: ${customHint}`
        : `none whose name starts with "${namePrefix}" was made for it` +
          (uncommitted.length > 0
            ? `; ${uncommitted.map((s) => s.id).join(", ")} carr${uncommitted.length === 1 ? "ies" : "y"} no commit: ${customHint}`
            : "");
  return {
    problem: `has no completed snapshot of commit ${sha} to go back to (${why}); ${held}.`,
  };
}

const NEWEST_SHOWN = 3;

function said(snapshot: Snapshot): string {
  return `${snapshot.id} ${snapshot.name} (${snapshot.status}, made ${asText(snapshot.created_at)})`;
}

/** The newest completed snapshot of ours: never one in progress, never one without the prefix. */
function latestRestorable(
  snapshots: readonly Snapshot[],
  serverId: number,
  namePrefix: string,
): Snapshot | undefined {
  return newestFirst(
    snapshots.filter((s) => s.server.id === serverId && isCompleted(s) && isManaged(s, namePrefix)),
  )[0];
}

export type Named = { snapshot: Snapshot } | { problem: string };

/**
 * Each snapshot the selection names, in its order: the snapshot where it exists and, in a map,
 * belongs to the server it is paired with; else a sentence that says why not. `missingServers` is
 * given for a map that a person wrote (not for the rollback's own): the map's servers that do not
 * exist, with the API's words. Each sentence then says which id of the map is likely mistyped.
 */
export function findNamed(
  selection: NamedSelection,
  snapshots: readonly Snapshot[],
  missingServers?: ReadonlyMap<number, string>,
): Named[] {
  const byId = new Map(snapshots.map((s) => [s.id, s]));
  const pairs =
    selection.kind === "ids"
      ? selection.ids.map((snapshotId) => ({ snapshotId, serverId: undefined }))
      : selection.pairs;
  const severalServers = new Set(pairs.map((p) => p.serverId)).size > 1;
  return pairs.map(({ snapshotId, serverId }): Named => {
    const snapshot = byId.get(snapshotId);
    if (serverId !== undefined && missingServers) {
      const typo = typoInMap({ snapshotId, serverId }, snapshot, snapshots, {
        missingServers,
        severalServers,
      });
      if (typo) return { problem: typo };
    }
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

/**
 * A map entry that cannot be right, said by the id that is likely mistyped: the server, when it
 * does not exist; else the snapshot, when no server of the map has it (their lists are what was
 * read). Undefined when the entry is right, or its snapshot is on another server of the map.
 */
function typoInMap(
  { snapshotId, serverId }: ServerSnapshotPair,
  snapshot: Snapshot | undefined,
  snapshots: readonly Snapshot[],
  map: { missingServers: ReadonlyMap<number, string>; severalServers: boolean },
): string | undefined {
  const apiWords = map.missingServers.get(serverId);
  if (apiWords !== undefined) {
    const elsewhere = snapshot ? ` Snapshot ${snapshotId} is server ${snapshot.server.id}'s.` : "";
    return (
      `Server ${serverId} does not exist, or this token cannot see it (${apiWords}): is the ` +
      `server id in ${Inputs.snapshotId} a typo?${elsewhere}`
    );
  }
  if (snapshot) return undefined;
  const own = snapshots.filter((s) => s.server.id === serverId).map((s) => s.id);
  const held = own.length > 0 ? `its snapshots: ${own.join(", ")}` : "it has none";
  const others = map.severalServers ? ", nor on any other server of the map" : "";
  return (
    `Snapshot ${snapshotId} is not on server ${serverId} (${held})${others}: is the snapshot id ` +
    `in ${Inputs.snapshotId} a typo?`
  );
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
