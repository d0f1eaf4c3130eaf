import { isStatus } from "../api/errors.js";
import type { Server, SnapshotsApi } from "../api/types.js";
import { Inputs } from "../constants.js";
import type { Logger } from "../runner/logger.js";
import { explainFailure } from "../workflow/explain.js";
import { forEachConcurrently, SERVER_CONCURRENCY } from "./concurrency.js";
import { type ServerChange, statusVerdict } from "./rules/server-status.js";

export interface ServerChecks {
  servers: Map<number, Server>;
  /** One sentence per server that must not be changed now; any of them stops the whole step. */
  problems: string[];
}

/**
 * Every server, before the first change to any: it exists and the token sees it, and its status
 * allows the change. One request per server, all at once.
 */
export async function checkServers(
  api: SnapshotsApi,
  serverIds: readonly number[],
  change: ServerChange,
  log: Logger,
): Promise<ServerChecks> {
  const checks: ServerChecks = { servers: new Map(), problems: [] };
  const found = new Map<number, Server | string>();
  await forEachConcurrently(serverIds, SERVER_CONCURRENCY, async (serverId) => {
    try {
      found.set(serverId, await api.getServer(serverId));
    } catch (error) {
      found.set(serverId, unreachable(error, serverId));
    }
  });
  // In the order the user named them, whichever answered first.
  for (const serverId of serverIds) {
    const server = found.get(serverId) as Server | string;
    if (typeof server === "string") {
      checks.problems.push(server);
      continue;
    }
    checks.servers.set(serverId, server);
    const verdict = statusVerdict(server, change);
    if ("refused" in verdict) checks.problems.push(verdict.refused);
    if ("undocumented" in verdict) log.warning(verdict.undocumented);
  }
  return checks;
}

function unreachable(error: unknown, serverId: number): string {
  if (isStatus(error, 404)) {
    return (
      `Server ${serverId} does not exist, or this token cannot see it (${error.message}). ` +
      `Check ${Inputs.serverId}.`
    );
  }
  return explainFailure(error, { kind: "server", serverId });
}
