import type { SnapshotsApi } from "../../api/answers/types.js";
import type { Logger } from "../../runner/toolkit/logger.js";
import { explainFailure } from "../../workflow/explain.js";
import type { NameSelection } from "../../workflow/inputs/settings.js";
import { serversNamed } from "../rules/server-selection.js";
import { readAgainIfMoved } from "../rules/moving-list.js";

/**
 * `server-id` and `server-name` as one list of ids, each server once: the names resolved once per
 * step, through every page of `GET /servers/` (read again once if it moved while it was read).
 */
export async function findServers(
  serverIds: readonly number[],
  selection: NameSelection,
  { api, log }: { api: SnapshotsApi; log: Logger },
): Promise<{ serverIds: number[]; problems: string[] }> {
  return log.group("Finding the servers by name", async () => {
    const found = await resolveServers(api, serverIds, selection);
    if (found.problems.length === 0) {
      log.info(`Servers: ${found.serverIds.map((id) => `server ${id}`).join(", ")}.`);
    }
    return found;
  });
}

async function resolveServers(
  api: SnapshotsApi,
  serverIds: readonly number[],
  selection: NameSelection,
): Promise<{ serverIds: number[]; problems: string[] }> {
  let listing;
  try {
    listing = await readAgainIfMoved(() => api.listServers({ location: selection.location }));
  } catch (error) {
    return { serverIds: [], problems: [explainFailure(error, { kind: "servers" })] };
  }
  if (!listing.complete) {
    return {
      serverIds: [],
      problems: [
        "The list of servers changed while it was read, twice, so which servers the names " +
          "match is not known for sure. Run the step again.",
      ],
    };
  }
  const named = serversNamed(selection, listing.servers);
  return {
    serverIds: [...new Set([...serverIds, ...named.serverIds])],
    problems: named.problems,
  };
}
