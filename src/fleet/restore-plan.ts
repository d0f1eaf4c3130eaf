import type { Snapshot, SnapshotsApi } from "../api/types.js";
import { Inputs } from "../constants.js";
import { StepFailure } from "../workflow/explain.js";
import type { SnapshotSelection } from "../workflow/snapshot-selection.js";
import { forEachConcurrently, SERVER_CONCURRENCY } from "./concurrency.js";
import { readServerList } from "./server-snapshots.js";
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
 */
export function planRestore(
  selection: SnapshotSelection,
  serverIds: readonly number[],
  namePrefix: string,
  snapshots: readonly Snapshot[],
): RestorePlan {
  const problems: string[] = [];
  const byId = new Map(snapshots.map((s) => [s.id, s]));
  const chosen: Snapshot[] = [];

  const take = (snapshotId: number, expectedServerId?: number) => {
    const snapshot = byId.get(snapshotId);
    if (!snapshot) {
      problems.push(
        expectedServerId === undefined
          ? `Snapshot ${snapshotId} does not exist: it is not among the account's snapshots.`
          : `Snapshot ${snapshotId} (for server ${expectedServerId}) does not exist: it is not ` +
              `among server ${expectedServerId}'s snapshots (a snapshot of another server is not ` +
              "restored to this one).",
      );
    } else if (expectedServerId !== undefined && snapshot.server.id !== expectedServerId) {
      problems.push(
        `${Inputs.snapshotId} pairs server ${expectedServerId} with snapshot ${snapshotId}, ` +
          `but that snapshot belongs to server ${snapshot.server.id}.`,
      );
    } else if (!isCompleted(snapshot)) {
      problems.push(
        `Snapshot ${describeSnapshot(snapshot)} is ${snapshot.status}, not completed: it cannot be restored.`,
      );
    } else {
      chosen.push(snapshot);
    }
  };

  switch (selection.kind) {
    case "ids":
      selection.ids.forEach((id) => take(id));
      break;
    case "by-server":
      selection.pairs.forEach((pair) => take(pair.snapshotId, pair.serverId));
      break;
    case "latest":
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
      break;
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

function sameServerProblems(chosen: Snapshot[]): string[] {
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

/**
 * The snapshots a restore plan needs, read at a cost that grows with the servers named, not with
 * the account: each named server's own list for a `snapshot-ids` map or `latest`; the account's
 * list, walked once, only for plain ids, which name no server. A list that moved while it was read
 * is read again; one that still did is not trusted to say what is missing or what is newest.
 */
export async function snapshotsForRestore(
  api: SnapshotsApi,
  selection: SnapshotSelection,
  serverIds: readonly number[],
): Promise<Snapshot[]> {
  switch (selection.kind) {
    case "by-server":
      return serversSnapshots(api, [...new Set(selection.pairs.map((p) => p.serverId))]);
    case "latest":
      return serversSnapshots(api, serverIds);
    case "ids":
      return accountSnapshots(api, selection.ids);
  }
}

async function serversSnapshots(api: SnapshotsApi, serverIds: readonly number[]) {
  const found: Snapshot[] = [];
  await forEachConcurrently(serverIds, SERVER_CONCURRENCY, async (serverId) => {
    const list = await readServerList(api, serverId);
    if (!list.complete) {
      throw new StepFailure(
        `The snapshots of server ${serverId} changed while they were read, twice, so which ` +
          "exist and which is newest is not known for sure. Run the step again.",
      );
    }
    found.push(...list.snapshots);
  });
  return found;
}

async function accountSnapshots(api: SnapshotsApi, ids: readonly number[]) {
  for (let read = 1; ; read++) {
    const account = await api.listSnapshots();
    const missing = ids.filter((id) => !account.snapshots.some((s) => s.id === id));
    if (account.complete || missing.length === 0) return account.snapshots;
    if (read >= 2) {
      throw new StepFailure(
        `Snapshot ${missing.join(", ")} could not be found for sure: the account's list changed ` +
          "while it was read, twice. Run the step again, or name each snapshot with its server " +
          "(the snapshot-ids map of the create step), which reads only that server's list.",
      );
    }
  }
}
