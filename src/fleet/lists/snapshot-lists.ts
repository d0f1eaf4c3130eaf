import type { Snapshot, SnapshotList, SnapshotsApi } from "../../api/answers/types.js";
import { StepFailure } from "../../workflow/explain.js";
import type {
  NamedSelection,
  SnapshotSelection,
} from "../../workflow/inputs/snapshot-selection.js";
import { readAgainIfMoved } from "../rules/moving-list.js";
import { findNamed, type Named } from "../rules/restore-plan.js";
import { missingServers } from "../servers/server-checks.js";
import { mapConcurrently, SERVER_CONCURRENCY } from "../servers/concurrency.js";

/**
 * A server's own list (`?server_id=`), as one read of it went: its snapshots, and whether every
 * item was seen exactly once (only then does it prove an absence), or why it could not be read.
 * The one rule for every reader: a failure concerns that server alone, and it is for the caller
 * to decide what an unreadable or moving list means for its work.
 */
export type ServerList = SnapshotList | { error: unknown };

/** The server's snapshots, read again once if the list moved while it was read. */
export function readServerList(api: SnapshotsApi, serverId: number): Promise<SnapshotList> {
  return readAgainIfMoved(() => api.listSnapshots(serverId));
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
function readServerLists(
  api: SnapshotsApi,
  serverIds: readonly number[],
): Promise<Map<number, ServerList>> {
  return mapConcurrently(serverIds, SERVER_CONCURRENCY, (serverId) => readOwnList(api, serverId));
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
  if (selection.kind === "ids") return accountSnapshots(api, selection.ids);
  return serversSnapshots(api, serversNamedBy(selection, serverIds) ?? []);
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
    case "commit":
      return [...serverIds];
    case "ids":
      return undefined;
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
  const missingFrom = (list: SnapshotList) =>
    ids.filter((id) => !list.snapshots.some((s) => s.id === id));
  const trusted = (list: SnapshotList) => list.complete || missingFrom(list).length === 0;
  const account = await readAgainIfMoved(() => api.listSnapshots(), trusted);
  if (trusted(account)) return account.snapshots;
  throw new StepFailure(
    `Snapshot ${missingFrom(account).join(", ")} could not be found for sure: the account's list changed ` +
      "while it was read, twice. Run the step again, or name each snapshot with its server " +
      "(the snapshot-ids map of the create step), which reads only that server's list.",
  );
}

/**
 * Each snapshot of ids or a `snapshot-ids` map that a person wrote, found or said why not
 * (`findNamed`, as restore's plan finds them): the snapshots to wait for.
 */
export async function findSelected(api: SnapshotsApi, selection: NamedSelection): Promise<Named[]> {
  const listed = await snapshotsForSelection(api, selection, []);
  return findNamed(selection, listed, await missingServersOfMap(api, selection, listed));
}

/**
 * The servers of a map whose snapshot is not on them, and that do not exist: the likely typo. Only
 * those are asked about, so a map that is right costs no request more.
 */
async function missingServersOfMap(
  api: SnapshotsApi,
  selection: NamedSelection,
  listed: readonly Snapshot[],
): Promise<Map<number, string> | undefined> {
  if (selection.kind !== "by-server") return undefined;
  const unfound = selection.pairs.filter(
    (pair) => !listed.some((s) => s.id === pair.snapshotId && s.server.id === pair.serverId),
  );
  return missingServers(
    api,
    unfound.map((pair) => pair.serverId),
  );
}
