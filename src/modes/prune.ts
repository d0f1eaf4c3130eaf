import type { Snapshot } from "../api/types.js";
import { forEachConcurrently, SERVER_CONCURRENCY } from "../fleet/concurrency.js";
import { type DeleteEnd, deleteSnapshots } from "../fleet/delete.js";
import { describeSnapshot, explainFailure } from "../workflow/explain.js";
import type { PruneSettings } from "../workflow/inputs/settings.js";
import { publishDeleted } from "../workflow/outputs.js";
import { Outputs } from "../constants.js";
import { snapshotsToPrune } from "../fleet/rules/retention.js";
import { snapshotsByServer } from "../fleet/snapshot-lists.js";
import { age, newestFirst } from "../fleet/rules/retention.js";
import type { ModeReport } from "../workflow/summary.js";
import type { ModeContext } from "./context.js";

type Fate = "kept" | "deleted" | "already gone" | "would be deleted" | "delete failed";

/**
 * Per server: keeps the newest `keep` completed snapshots of ours (and, with `older-than`, every
 * younger one), deletes the rest of ours. Snapshots without the prefix and unfinished ones are
 * never touched.
 */
export async function runPrune(settings: PruneSettings, context: ModeContext): Promise<ModeReport> {
  const { api, log, setOutput, clock } = context;
  const now = clock.wallNow();
  const fates = new Map<Snapshot, Fate>();
  const failures: string[] = [];
  const deletedIds: number[] = [];

  const fateOf = (snapshot: Snapshot, end: DeleteEnd): Fate => {
    if ("error" in end) {
      failures.push(explainFailure(end.error, { kind: "delete", snapshotId: snapshot.id }));
      return "delete failed";
    }
    const what = `snapshot ${describeSnapshot(snapshot)}, ${age(snapshot, now)} old`;
    log.info(end.outcome === "deleted" ? `Deleted ${what}.` : `Found ${what} already gone.`);
    if (end.outcome === "deleted") deletedIds.push(snapshot.id);
    return end.outcome === "deleted" ? "deleted" : "already gone";
  };

  const pruneServer = async ([serverId, snapshots]: [number, Snapshot[]]) => {
    const decision = snapshotsToPrune(snapshots, {
      namePrefix: settings.namePrefix,
      keep: settings.keep,
      olderThanMs: settings.olderThanMs,
      now,
    });
    for (const snapshot of decision.kept) fates.set(snapshot, "kept");
    log.info(
      `Server ${serverId}: ${snapshots.length} snapshot(s), ${decision.deleted.length} to delete.`,
    );
    if (settings.dryRun) {
      for (const snapshot of decision.deleted) fates.set(snapshot, "would be deleted");
      return;
    }
    const byId = new Map(decision.deleted.map((s) => [s.id, s]));
    // One at a time per server: a failing delete stops nothing else, and the log stays in order.
    await deleteSnapshots(
      api,
      [...byId.keys()],
      (id, end) => {
        const snapshot = byId.get(id) as Snapshot;
        fates.set(snapshot, fateOf(snapshot, end));
      },
      { concurrency: 1 },
    );
  };

  const title = `${settings.dryRun ? "Dry run: pruning" : "Pruning"} ${settings.serverIds.length} server(s)`;
  await log.group(title, async () => {
    try {
      const lists = await snapshotsByServer(api, settings.serverIds, undefined);
      for (const [serverId, error] of lists.failed) {
        failures.push(explainFailure(error, { kind: "list", serverId }));
      }
      await forEachConcurrently([...lists.byServer], SERVER_CONCURRENCY, pruneServer);
    } catch (error) {
      failures.push(explainFailure(error, { kind: "list" }));
    }
  });

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
