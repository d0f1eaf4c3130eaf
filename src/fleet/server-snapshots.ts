import type { Snapshot, SnapshotList, SnapshotsApi } from "../api/types.js";
import { forEachConcurrently, SERVER_CONCURRENCY } from "./concurrency.js";

/**
 * What a step has learned of the account's list: how many pages it has. An account may hold
 * thousands of snapshots, so a fleet reads the account's list only while that costs no more
 * requests than reading each server's own list.
 */
export class AccountSize {
  pages: number | undefined;
}

export interface ServerLists {
  /** Each server's snapshots, as far as they were seen. */
  byServer: Map<number, Snapshot[]>;
  /**
   * Whether each server's snapshots came from its own complete list: then an absence is real.
   * Read off the account's list, which moves while it is read, an absence must be confirmed.
   */
  provesAbsence: Map<number, boolean>;
  /** The snapshots came from the account's list (so an absence is worth a look at the server's). */
  fromAccount: boolean;
  /** A server whose list could not be read, with why: only that server is concerned. */
  failed: Map<number, unknown>;
}

/**
 * The snapshots of each server, at a cost of min(pages of the account's list, servers) requests:
 * the account's list while it has no more pages than there are servers, else each server's own
 * filtered list. (The first read of a fleet that does not yet know the account's size may cost one
 * request more: the first page of the account's list, which tells its size; and so does a read of
 * the account's list that moved while it was read.)
 */
export async function snapshotsByServer(
  api: SnapshotsApi,
  serverIds: readonly number[],
  size: AccountSize = new AccountSize(),
): Promise<ServerLists> {
  const lists: ServerLists = {
    byServer: new Map(),
    provesAbsence: new Map(),
    failed: new Map(),
    fromAccount: false,
  };
  if (serverIds.length > 1 && (size.pages ?? 0) <= serverIds.length) {
    const account = await api.listSnapshots(undefined, { maxPages: serverIds.length });
    size.pages = account.pages;
    // A walk that moved may lack any server's snapshots: each server's own list is read instead.
    if (account.pages <= serverIds.length && account.complete) {
      for (const id of serverIds) {
        lists.byServer.set(id, []);
        lists.provesAbsence.set(id, false);
      }
      for (const snapshot of account.snapshots)
        lists.byServer.get(snapshot.server.id)?.push(snapshot);
      return { ...lists, fromAccount: true };
    }
  }
  await forEachConcurrently(serverIds, SERVER_CONCURRENCY, async (serverId) => {
    try {
      const own = await readServerList(api, serverId);
      lists.byServer.set(serverId, own.snapshots);
      lists.provesAbsence.set(serverId, own.complete);
    } catch (error) {
      lists.failed.set(serverId, error);
    }
  });
  return lists;
}

/**
 * The server's snapshots, with a second read when the first was not complete (the list moved
 * while it was read); still not complete after that, it says so rather than be trusted.
 */
export async function readServerList(api: SnapshotsApi, serverId: number): Promise<SnapshotList> {
  const first = await api.listSnapshots(serverId);
  return first.complete ? first : api.listSnapshots(serverId);
}
