import { isStatus } from "../../api/answers/errors.js";
import { RESTORING, type Server, type SnapshotsApi } from "../../api/answers/types.js";
import { Inputs } from "../../constants.js";
import type { Logger } from "../../runner/toolkit/logger.js";
import { explainFailure } from "../../workflow/explain.js";
import { mapConcurrently, SERVER_CONCURRENCY } from "./concurrency.js";

export interface ServerChecks {
  servers: Map<number, Server>;
  /** One sentence per server that must not be changed now; any of them stops the whole step. */
  problems: string[];
  /** The servers that do not exist or that the token cannot see (HTTP 404), with the API's words. */
  missing: Map<number, string>;
}

/**
 * Every server, before the first change to any: it exists and the token sees it, and its status
 * allows the change. One request per server, all at once. `sayMissing: false` leaves the servers
 * that do not exist out of `problems`, for a caller that knows where their ids were written and
 * says so itself (a `snapshot-id` map).
 */
export async function checkServers(
  api: SnapshotsApi,
  serverIds: readonly number[],
  change: ServerChange,
  log: Logger,
  sayMissing = true,
): Promise<ServerChecks> {
  const checks: ServerChecks = { servers: new Map(), problems: [], missing: new Map() };
  const found = await readServers(api, serverIds);
  // In the order the user named them, whichever answered first.
  for (const serverId of serverIds) {
    const server = found.get(serverId);
    if (!isServer(server)) {
      if (isStatus(server, 404)) checks.missing.set(serverId, server.message);
      if (sayMissing || !isStatus(server, 404)) checks.problems.push(unreachable(server, serverId));
      continue;
    }
    checks.servers.set(serverId, server);
    const verdict = statusVerdict(server, change);
    if ("refused" in verdict) checks.problems.push(verdict.refused);
    if ("undocumented" in verdict) log.warning(verdict.undocumented);
  }
  return checks;
}

/**
 * Which of these servers do not exist, with the API's words: only to say which id of a
 * `snapshot-id` map is likely mistyped, so a server that could not be read is not counted.
 */
export async function missingServers(
  api: SnapshotsApi,
  serverIds: readonly number[],
): Promise<Map<number, string>> {
  const missing = new Map<number, string>();
  for (const [serverId, server] of await readServers(api, serverIds)) {
    if (isStatus(server, 404)) missing.set(serverId, server.message);
  }
  return missing;
}

/**
 * The servers that do not exist or that the token cannot see, each in the sentence the modes that
 * change servers say it with: enough for a mode that only reads (list), which refuses no status.
 */
export async function serversNotFound(
  api: SnapshotsApi,
  serverIds: readonly number[],
): Promise<string[]> {
  const missing = await missingServers(api, serverIds);
  return serverIds.flatMap((serverId) => {
    const answer = missing.get(serverId);
    return answer === undefined ? [] : [notFound(serverId, answer)];
  });
}

/** Each server, or the error that reading it ended with; all at once. */
function readServers(
  api: SnapshotsApi,
  serverIds: readonly number[],
): Promise<Map<number, unknown>> {
  return mapConcurrently(serverIds, SERVER_CONCURRENCY, (serverId) =>
    api.getServer(serverId).catch((error: unknown) => error),
  );
}

function isServer(value: unknown): value is Server {
  return !(value instanceof Error);
}

function unreachable(error: unknown, serverId: number): string {
  if (isStatus(error, 404)) return notFound(serverId, error.message);
  return explainFailure(error, { kind: "server", serverId });
}

/** A 404 for a server, in every mode's words; `answer` is what the API said. */
function notFound(serverId: number, answer: string): string {
  return (
    `Server ${serverId} does not exist, or this token cannot see it (${answer}). ` +
    `Check ${Inputs.serverId}.`
  );
}

export type ServerChange = "snapshot" | "restore";

/** Statuses the provider's own examples show a server taking a snapshot or a restore in. */
const READY_STATUSES: ReadonlySet<string> = new Set(["active", "stopped"]);

/**
 * What a server's status means for a change: refused (why), ready, or a status the provider does
 * not document, which goes on with a warning: refusing it could block a working server for good.
 */
function statusVerdict(
  server: Server,
  change: ServerChange,
): { refused: string } | { ready: true } | { undocumented: string } {
  const what = change === "snapshot" ? "a snapshot of it" : "a restore";
  if (server.status === RESTORING) {
    return {
      refused:
        `Server ${server.id} is restoring: ${what} must wait until that restore has finished ` +
        "(its status is active or stopped again).",
    };
  }
  if (server.status === "suspended") {
    return {
      refused: `Server ${server.id} is suspended: the provider allows ${what} only once it is active or stopped again.`,
    };
  }
  if (READY_STATUSES.has(server.status)) return { ready: true };
  return {
    undocumented:
      `Server ${server.id} is "${server.status}", a status the provider does not document: ` +
      `going on with the ${change}.`,
  };
}
