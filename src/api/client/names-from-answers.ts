import type { SnapshotsApi } from "../answers/types.js";

/**
 * The API, telling `learn` every server name its answers carry (servers, the server of each
 * snapshot, the server a restore answer names), so that what a person reads can name servers.
 */
export function withServerNames(
  api: SnapshotsApi,
  learn: (serverId: number, name: unknown) => void,
): SnapshotsApi {
  return {
    listSnapshots: async (serverId, options) => {
      const list = await api.listSnapshots(serverId, options);
      for (const snapshot of list.snapshots) learn(snapshot.server.id, snapshot.server.name);
      return list;
    },
    createSnapshot: async (request) => {
      const snapshot = await api.createSnapshot(request);
      learn(snapshot.server.id, snapshot.server.name);
      return snapshot;
    },
    restoreSnapshot: async (snapshotId) => {
      const answer = await api.restoreSnapshot(snapshotId);
      if (typeof answer.server?.id === "number") learn(answer.server.id, answer.server.name);
      return answer;
    },
    deleteSnapshot: (snapshotId) => api.deleteSnapshot(snapshotId),
    getServer: async (serverId) => {
      const server = await api.getServer(serverId);
      learn(server.id, server.name);
      return server;
    },
    listServers: async (filter) => {
      const listing = await api.listServers(filter);
      for (const server of listing.servers) learn(server.id, server.name);
      return listing;
    },
  };
}
