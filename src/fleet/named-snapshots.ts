import type { Snapshot, SnapshotsApi } from "../api/types.js";
import { Inputs } from "../constants.js";
import { StepFailure } from "../workflow/explain.js";
import type { SnapshotSelection } from "../workflow/snapshot-selection.js";
import { forEachConcurrently, SERVER_CONCURRENCY } from "./concurrency.js";
import { readServerList } from "./server-snapshots.js";

/** Snapshots named by id, or by a `snapshot-ids` map of server to snapshot. */
export type NamedSelection = Exclude<SnapshotSelection, { kind: "latest" }>;

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

/**
 * The snapshots a selection names (to restore or to wait for), read at a cost that grows with the servers named, not with
 * the account: each named server's own list for a `snapshot-ids` map or `latest`; the account's
 * list, walked once, only for plain ids, which name no server. A list that moved while it was read
 * is read again; one that still did is not trusted to say what is missing or what is newest.
 */
export async function snapshotsForSelection(
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
