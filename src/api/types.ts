/** A snapshot as the API describes it; fields the API adds beyond these are kept as they came. */
export interface Snapshot {
  id: number;
  server: { id: number; name?: string };
  name: string;
  status: string;
  size_mb: number | null;
  created_at: string;
  description?: string | null;
}

export interface Server {
  id: number;
  name?: string;
  status: string;
}

export interface CreateSnapshotRequest {
  server_id: number;
  name: string;
  description?: string;
}

export interface RestoreAnswer {
  status?: string;
  message?: string;
  server?: { id: number; name?: string; status?: string };
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
}

export const SnapshotStatus = {
  inProgress: "in_progress",
  completed: "completed",
} as const;

/** The one server status the action relies on: a restore is under way. */
export const RESTORING = "restoring";
