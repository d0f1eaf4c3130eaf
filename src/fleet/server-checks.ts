import { isStatus } from "../api/errors.js";
import { RESTORING, type Server, type SnapshotsApi } from "../api/types.js";
import { Inputs } from "../constants.js";
import type { Logger } from "../runner/logger.js";
import { explainFailure } from "../workflow/explain.js";
import { forEachConcurrently, SERVER_CONCURRENCY } from "./concurrency.js";

export type ServerChange = "snapshot" | "restore";

/** Statuses the provider's own examples show a server taking a snapshot or a restore in. */
const READY_STATUSES: ReadonlySet<string> = new Set(["active", "stopped"]);

export interface ServerChecks {
  servers: Map<number, Server>;
  /** One sentence per server that must not be changed now; any of them stops the whole step. */
  problems: string[];
}

/**
 * Every server, before the first change to any: it exists and the token sees it, and its status
 * allows the change. One request per server, all at once; a server whose status the provider does
 * not document proceeds, with a warning, since refusing it could block a working server for good.
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
    const problem = statusProblem(server, change);
    if (problem) checks.problems.push(problem);
    else if (!READY_STATUSES.has(server.status)) {
      log.warning(
        `Server ${serverId} is "${server.status}", a status the provider does not document: ` +
          `going on with the ${change}.`,
      );
    }
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

/** Why the server must not be changed now, or undefined. */
export function statusProblem(server: Server, change: ServerChange): string | undefined {
  const what = change === "snapshot" ? "a snapshot of it" : "a restore";
  if (server.status === RESTORING) {
    return (
      `Server ${server.id} is restoring: ${what} must wait until that restore has finished ` +
      "(its status is active or stopped again)."
    );
  }
  if (server.status === "suspended") {
    return `Server ${server.id} is suspended: the provider allows ${what} only once it is active or stopped again.`;
  }
  return undefined;
}
