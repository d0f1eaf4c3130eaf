import type { Snapshot, SnapshotsApi } from "../api/types.js";

/**
 * The snapshots of each server, in as few requests as the API allows: the server's own list for
 * one server, the account's list (all its pages) for several. A fleet of 50 costs one list, not 50.
 */
export async function snapshotsByServer(
  api: SnapshotsApi,
  serverIds: readonly number[],
): Promise<Map<number, Snapshot[]>> {
  const [only] = serverIds;
  const listed = await api.listSnapshots(serverIds.length === 1 ? only : undefined);
  const byServer = new Map(serverIds.map((id) => [id, [] as Snapshot[]]));
  for (const snapshot of listed) byServer.get(snapshot.server.id)?.push(snapshot);
  return byServer;
}
