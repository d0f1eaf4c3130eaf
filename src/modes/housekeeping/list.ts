import { EndpointNotFoundError } from "../../api/answers/errors.js";
import type { Snapshot } from "../../api/answers/types.js";
import { Outputs } from "../../constants.js";
import { explainFailure } from "../../workflow/explain.js";
import type { ListSettings } from "../../workflow/inputs/settings.js";
import { serversNotFound } from "../../fleet/servers/server-checks.js";
import { snapshotsByServer } from "../../fleet/lists/snapshot-lists.js";
import { age, newestFirst } from "../../fleet/rules/retention.js";
import { type ModeReport, sizeText } from "../../workflow/summary.js";
import type { ModeContext } from "../context.js";

/** The snapshots of each server, newest first, as the `snapshots` output and a summary table. */
export async function runList(settings: ListSettings, context: ModeContext): Promise<ModeReport> {
  const { api, clock, log, setOutput } = context;
  // An unknown id would list as "0 snapshots": a success that hides the typo.
  const failures = await serverProblems(settings, context);
  let found: Snapshot[] = [];
  if (failures.length === 0) {
    await log.group(`Listing the snapshots of ${settings.serverIds.length} server(s)`, async () => {
      try {
        const lists = await snapshotsByServer(api, settings.serverIds, undefined);
        for (const serverId of settings.serverIds) {
          const error = lists.failed.get(serverId);
          if (error !== undefined) failures.push(explainFailure(error, { kind: "list", serverId }));
          const snapshots = lists.byServer.get(serverId) ?? [];
          if (error === undefined) log.info(`Server ${serverId}: ${snapshots.length} snapshot(s).`);
          found = found.concat(snapshots);
        }
      } catch (error) {
        failures.push(explainFailure(error, { kind: "list" }));
      }
    });
  }

  const snapshots = newestFirst(found);
  setOutput(Outputs.snapshots, JSON.stringify(snapshots));
  const now = clock.wallNow();
  return {
    title: "VPS snapshots",
    servers: settings.serverIds,
    columns: ["Server", "Snapshot", "Name", "Status", "Size", "Created", "Age"],
    rows: snapshots.map((s) => [
      String(s.server.id),
      String(s.id),
      s.name,
      s.status,
      sizeText(s),
      s.created_at,
      age(s, now),
    ]),
    failures,
    notes: snapshots.length === 0 && failures.length === 0 ? ["No snapshots."] : [],
  };
}

/**
 * Each named server that does not exist. When not one is found, a wrong `api-url` looks the same
 * from the servers' side: one list that every account has tells the two apart.
 */
async function serverProblems(settings: ListSettings, { api }: ModeContext): Promise<string[]> {
  const notFound = await serversNotFound(api, settings.serverIds);
  if (notFound.length < settings.serverIds.length) return notFound;
  const probe = await snapshotsByServer(api, settings.serverIds.slice(0, 1), undefined);
  const error = [...probe.failed.values()][0];
  return error instanceof EndpointNotFoundError
    ? [explainFailure(error, { kind: "list" })]
    : notFound;
}
