import type { Snapshot, SnapshotsApi } from "../../api/types.js";
import { StepFailure } from "../../workflow/explain.js";
import type { SnapshotSelection } from "../../workflow/snapshot-selection.js";
import { readServerLists } from "./server-lists.js";

/**
 * The snapshots a selection names (to restore or to wait for), read at a cost that grows with the
 * servers named, not with the account: each named server's own list for a `snapshot-ids` map or
 * `latest`; the account's list, walked once, only for plain ids, which name no server. A list
 * that moved while it was read is read again; one that still did is not trusted to say what is
 * missing or what is newest.
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

/** Every named server's snapshots for sure, or an error: a guess could pick the wrong snapshot. */
async function serversSnapshots(api: SnapshotsApi, serverIds: readonly number[]) {
  const found: Snapshot[] = [];
  for (const [serverId, list] of await readServerLists(api, serverIds)) {
    if ("error" in list) throw list.error;
    if (!list.complete) {
      throw new StepFailure(
        `The snapshots of server ${serverId} changed while they were read, twice, so which ` +
          "exist and which is newest is not known for sure. Run the step again.",
      );
    }
    found.push(...list.snapshots);
  }
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
