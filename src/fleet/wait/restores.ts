import { isStatus } from "../../api/errors.js";
import { RESTORING, type Server, type SnapshotsApi } from "../../api/types.js";
import { formatDuration } from "../../duration.js";
import { waitForEach } from "./each.js";
import type { WaitOptions } from "./until.js";

export interface ServerWaitResult {
  kind: "finished" | "vanished" | "timed-out";
  /** The last status seen: `restoring` when timed out, `gone` when vanished. */
  status: string;
  elapsedMs: number;
  /** Timed out: why the last check failed, if it did. */
  lastFailure?: string;
}

/**
 * Waits until no server is `restoring` any more. The provider documents no way to see a restore
 * finish; the servers API's status is the closest fact there is.
 */
export async function waitForRestores(
  api: SnapshotsApi,
  serverIds: number[],
  options: WaitOptions,
  /** Told of each server as soon as it is no longer restoring (not when it vanished). */
  onFinished?: (server: Server) => void,
): Promise<Map<number, ServerWaitResult>> {
  const waited = await waitForEach<number, Server | undefined>(
    new Map(serverIds.map((id) => [id, { id, status: RESTORING }])),
    {
      look: async (pending) =>
        new Map(await Promise.all(pending.map((id) => serverStatus(api, id)))),
      isSettled: (server) => server?.status !== RESTORING,
      onSettled: (_, server) => {
        if (server) onFinished?.(server);
      },
      progress: (states, elapsedMs) =>
        [...states]
          .map(([id, server]) => `Server ${id}: ${server?.status ?? "gone"}`)
          .join("; ")
          .concat(` (${formatDuration(elapsedMs)} elapsed)`),
    },
    options,
  );
  return new Map(
    [...waited].map(([id, end]) => [
      id,
      {
        kind: !end.settled ? "timed-out" : end.state ? "finished" : "vanished",
        status: end.state?.status ?? "gone",
        elapsedMs: end.elapsedMs,
        lastFailure: end.lastFailure,
      },
    ]),
  );
}

async function serverStatus(
  api: SnapshotsApi,
  serverId: number,
): Promise<[number, Server | undefined]> {
  try {
    return [serverId, await api.getServer(serverId)];
  } catch (error) {
    if (isStatus(error, 404)) return [serverId, undefined];
    throw error;
  }
}
