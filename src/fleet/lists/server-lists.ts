import type { Snapshot, SnapshotList, SnapshotsApi } from "../../api/types.js";
import { forEachConcurrently, SERVER_CONCURRENCY } from "../concurrency.js";

/**
 * A server's own list (`?server_id=`), as one read of it went: its snapshots, and whether every
 * item was seen exactly once (only then does it prove an absence), or why it could not be read.
 * The one rule for every reader: a failure concerns that server alone, and it is for the caller
 * to decide what an unreadable or moving list means for its work.
 */
export type ServerList = SnapshotList | { error: unknown };

/**
 * The server's snapshots, with a second read when the first was not complete (the list moved
 * while it was read); still not complete after that, it says so rather than be trusted.
 */
export async function readServerList(api: SnapshotsApi, serverId: number): Promise<SnapshotList> {
  const first = await api.listSnapshots(serverId);
  return first.complete ? first : api.listSnapshots(serverId);
}

/** The server's own list, or why it could not be read. */
export async function readOwnList(api: SnapshotsApi, serverId: number): Promise<ServerList> {
  try {
    return await readServerList(api, serverId);
  } catch (error) {
    return { error };
  }
}

/** Each server's own list, all at once; one that fails holds its error. */
export async function readServerLists(
  api: SnapshotsApi,
  serverIds: readonly number[],
): Promise<Map<number, ServerList>> {
  const lists = new Map<number, ServerList>();
  await forEachConcurrently(serverIds, SERVER_CONCURRENCY, async (serverId) => {
    lists.set(serverId, await readOwnList(api, serverId));
  });
  return lists;
}

export interface ServerSnapshots {
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
  /** How many pages the account's list has, once a read has seen it: the next read's choice. */
  accountPages: number | undefined;
}

/**
 * The snapshots of each server, at a cost of min(pages of the account's list, servers) requests:
 * the account's list while it has no more pages than there are servers, else each server's own
 * filtered list. (A fleet's first read, which does not yet know `accountPages`, may cost one
 * request more: the first page of the account's list, which tells its size; and so does a read of
 * the account's list that moved while it was read.)
 */
export async function snapshotsByServer(
  api: SnapshotsApi,
  serverIds: readonly number[],
  accountPages: number | undefined,
): Promise<ServerSnapshots> {
  const found: ServerSnapshots = {
    byServer: new Map(),
    provesAbsence: new Map(),
    failed: new Map(),
    fromAccount: false,
    accountPages,
  };
  if (serverIds.length > 1 && (accountPages ?? 0) <= serverIds.length) {
    const account = await api.listSnapshots(undefined, { maxPages: serverIds.length });
    found.accountPages = account.pages;
    // A walk that moved may lack any server's snapshots: each server's own list is read instead.
    if (account.pages <= serverIds.length && account.complete) {
      for (const id of serverIds) {
        found.byServer.set(id, []);
        found.provesAbsence.set(id, false);
      }
      for (const snapshot of account.snapshots) {
        found.byServer.get(snapshot.server.id)?.push(snapshot);
      }
      return { ...found, fromAccount: true };
    }
  }
  for (const [serverId, list] of await readServerLists(api, serverIds)) {
    if ("error" in list) {
      found.failed.set(serverId, list.error);
    } else {
      found.byServer.set(serverId, list.snapshots);
      found.provesAbsence.set(serverId, list.complete);
    }
  }
  return found;
}
