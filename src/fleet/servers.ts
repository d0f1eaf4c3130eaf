import type { SnapshotsApi } from "../api/types.js";
import { explainFailure } from "../workflow/explain.js";
import type { NameSelection } from "../workflow/inputs.js";
import { serversNamed } from "./rules/server-selection.js";

/**
 * `server-id` and `server-name` as one list of ids, each server once: the names resolved once per
 * step, through every page of `GET /servers/` (read again once if it moved while it was read).
 */
export async function resolveServers(
  api: SnapshotsApi,
  serverIds: readonly number[],
  selection: NameSelection | undefined,
): Promise<{ serverIds: number[]; problems: string[] }> {
  if (!selection) return { serverIds: [...serverIds], problems: [] };
  let listing;
  try {
    const filter = { location: selection.location };
    const first = await api.listServers(filter);
    listing = first.complete ? first : await api.listServers(filter);
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
