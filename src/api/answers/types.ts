/**
 * A snapshot as the API describes it; fields the API adds beyond these are kept as they came. Only
 * the id, name, status and server id are checked on arrival, so the rest is whatever JSON came.
 */
export interface Snapshot {
  id: number;
  server: { id: number; name?: unknown };
  name: string;
  status: string;
  /** A number, or null while the snapshot is made, as documented. */
  size_mb?: unknown;
  /** An ISO 8601 date, as documented. */
  created_at?: unknown;
  description?: unknown;
}

/** A server as the servers API describes it; only `id` and `status` are checked on arrival. */
export interface Server {
  id: number;
  status: string;
  name?: unknown;
  hostname?: unknown;
  ip_address?: unknown;
  location?: unknown;
}

export interface CreateSnapshotRequest {
  server_id: number;
  name: string;
  description?: string;
}

/** The answer to a restore, as it came: none of it is checked on arrival. */
export interface RestoreAnswer {
  status?: unknown;
  message?: unknown;
  server?: { id?: unknown; name?: unknown; status?: unknown } | null;
}

export type DeleteOutcome = "deleted" | "already-gone";

/** One read of a list, all its pages, as it really went. */
export interface SnapshotList {
  snapshots: Snapshot[];
  /**
   * Every item of the list was seen exactly once: no page vanished or repeated items, and the
   * count did not change while the list was read. Only a complete list proves an absence.
   */
  complete: boolean;
  /** How many pages the list had, as its first page announced (1 when it is not paged). */
  pages: number;
}

/** One read of the servers' list, all its pages, as it really went. */
export interface ServerListing {
  servers: Server[];
  /** As for snapshots: every server seen exactly once while the list was read. */
  complete: boolean;
  pages: number;
}

export interface ServerFilter {
  /** Only servers in this data centre (`GET /servers/?location=`). */
  location?: string;
}

export interface ListOptions {
  /** Stop after the first page when the list announces more pages than this (complete: false). */
  maxPages?: number;
}

/** The provider's API as the modes use it. The one real implementation is `HttpSnapshotsApi`. */
export interface SnapshotsApi {
  /** Every snapshot, of one server or of the whole account, across all pages. */
  listSnapshots(serverId?: number, options?: ListOptions): Promise<SnapshotList>;
  /** Sent once: an error that may hide a created snapshot is the caller's to resolve. */
  createSnapshot(request: CreateSnapshotRequest): Promise<Snapshot>;
  /** Sent once: an error that may hide a started restore is the caller's to resolve. */
  restoreSnapshot(snapshotId: number): Promise<RestoreAnswer>;
  deleteSnapshot(snapshotId: number): Promise<DeleteOutcome>;
  getServer(serverId: number): Promise<Server>;
  /** Every server the token sees, across all pages. */
  listServers(filter?: ServerFilter): Promise<ServerListing>;
}

/** The one server status the action relies on: a restore is under way. */
export const RESTORING = "restoring";
