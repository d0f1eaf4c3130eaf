import { isStatus } from "./api/errors.js";
import type { Server, SnapshotsApi } from "./api/types.js";
import { formatDuration } from "./duration.js";
import { pollUntil, type PollOptions } from "./wait.js";

export interface ServerWaitResult {
  kind: "finished" | "vanished" | "timed-out";
  /** The last status seen: `restoring` when timed out. */
  status: string;
  elapsedMs: number;
  /** Timed out: why the last check failed, if it did. */
  lastFailure?: string;
}

export const RESTORING = "restoring";

/**
 * Waits until no server is `restoring` any more. The provider documents no way to see a restore
 * finish; the servers API's status is the closest fact there is.
 */
export async function waitForRestores(
  api: SnapshotsApi,
  serverIds: number[],
  options: PollOptions,
): Promise<Map<number, ServerWaitResult>> {
  const results = new Map<number, ServerWaitResult>();
  const pending = new Set(serverIds);

  const outcome = await pollUntil(async () => {
    const checked = await Promise.all([...pending].map((id) => serverStatus(api, id)));
    const elapsedMs = options.deadline.elapsedMs();
    for (const [serverId, server] of checked) {
      if (server && server.status === RESTORING) continue;
      pending.delete(serverId);
      results.set(serverId, {
        kind: server ? "finished" : "vanished",
        status: server?.status ?? "gone",
        elapsedMs,
      });
    }
    options.log.info(
      checked
        .map(([id, server]) => `Server ${id}: ${server?.status ?? "gone"}`)
        .join("; ")
        .concat(` (${formatDuration(elapsedMs)} elapsed)`),
    );
    return pending.size === 0 ? results : undefined;
  }, options);

  if (!outcome.done) {
    const elapsedMs = options.deadline.elapsedMs();
    for (const id of pending) {
      results.set(id, {
        kind: "timed-out",
        status: RESTORING,
        elapsedMs,
        lastFailure: outcome.lastFailure,
      });
    }
  }
  return results;
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
