import type { Snapshot } from "../api/types.js";
import { Outputs } from "../constants.js";
import { explainFailure } from "../workflow/explain.js";
import type { ListSettings } from "../workflow/inputs/settings.js";
import { snapshotsByServer } from "../fleet/snapshot-lists.js";
import { age, newestFirst } from "../fleet/rules/retention.js";
import { type ModeReport, sizeText } from "../workflow/summary.js";
import type { ModeContext } from "./context.js";

/** The snapshots of each server, newest first, as the `snapshots` output and a summary table. */
export async function runList(settings: ListSettings, context: ModeContext): Promise<ModeReport> {
  const { api, clock, log, setOutput } = context;
  const failures: string[] = [];
  let found: Snapshot[] = [];
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
    notes: snapshots.length === 0 ? ["No snapshots."] : [],
  };
}
