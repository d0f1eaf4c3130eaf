import { pruneServers } from "../../fleet/snapshots/delete.js";
import type { PruneSettings } from "../../workflow/inputs/settings.js";
import { publishDeleted } from "../../workflow/outputs.js";
import { Outputs } from "../../constants.js";
import { age, newestFirst } from "../../fleet/rules/retention.js";
import type { ModeReport } from "../../workflow/summary.js";
import type { ModeContext } from "../context.js";

/**
 * Per server: keeps the newest `keep` completed snapshots of ours (and, with `older-than`, every
 * younger one), deletes the rest of ours. Snapshots without the prefix and unfinished ones are
 * never touched.
 */
export async function runPrune(settings: PruneSettings, context: ModeContext): Promise<ModeReport> {
  const { api, log, setOutput, clock } = context;
  const now = clock.wallNow();
  const title = `${settings.dryRun ? "Dry run: pruning" : "Pruning"} ${settings.serverIds.length} server(s)`;
  const { fates, deletedIds, failures } = await log.group(title, () =>
    pruneServers(api, settings.serverIds, { ...settings, now }, log),
  );

  const all = newestFirst([...fates.keys()]);
  publishDeleted(setOutput, deletedIds);
  setOutput(
    Outputs.snapshots,
    JSON.stringify(all.filter((s) => !["deleted", "already gone"].includes(fates.get(s) ?? ""))),
  );
  return {
    title: settings.dryRun ? "VPS snapshots to prune (dry run)" : "VPS snapshots pruned",
    servers: settings.serverIds,
    columns: ["Server", "Snapshot", "Name", "Status", "Age", "Result"],
    rows: all.map((s) => [
      String(s.server.id),
      String(s.id),
      s.name,
      s.status,
      age(s, now),
      fates.get(s) ?? "",
    ]),
    failures,
    notes: [
      `Kept the newest ${settings.keep} completed snapshot(s) whose name starts with "${settings.namePrefix}"` +
        `${settings.olderThanMs === undefined ? "" : ", and every one younger than older-than"}; ` +
        "those of ours that failed are deleted whatever keep says (they can never be restored); " +
        "other snapshots are never deleted.",
      ...(settings.dryRun ? ["Dry run: nothing was deleted."] : []),
    ],
  };
}
