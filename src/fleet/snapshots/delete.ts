import type { DeleteOutcome, Snapshot, SnapshotsApi } from "../../api/answers/types.js";
import type { Logger } from "../../runner/toolkit/logger.js";
import { describeSnapshot, explainDeleteFailures, explainFailure } from "../../workflow/explain.js";
import { forEachConcurrently, SERVER_CONCURRENCY } from "../servers/concurrency.js";
import { age, type PrunePolicy, snapshotsToPrune } from "../rules/retention.js";
import { snapshotsByServer } from "../lists/snapshot-lists.js";

/** How one delete ended: the API's outcome (a 404 is `already-gone`), or why it failed. */
export type DeleteEnd = { outcome: DeleteOutcome } | { error: unknown };

/**
 * The one delete loop of delete mode, prune and `on-limit`: each snapshot deleted at most once,
 * each end told as soon as it is known. `concurrency` 1 deletes in order (a server's own, so its
 * log reads in order). `stopAtFailure`: the first failure ends the loop and is thrown, for a
 * deletion that what follows depends on (`on-limit`: without the room, no create); else a failure
 * is told like any end and stops nothing else.
 */
export async function deleteSnapshots<T>(
  api: SnapshotsApi,
  items: readonly T[],
  idOf: (item: T) => number,
  onEnd: (item: T, end: DeleteEnd) => void,
  { concurrency, stopAtFailure = false }: { concurrency: number; stopAtFailure?: boolean },
): Promise<void> {
  await forEachConcurrently(items, concurrency, async (item) => {
    let outcome: DeleteOutcome;
    try {
      outcome = await api.deleteSnapshot(idOf(item));
    } catch (error) {
      if (stopAtFailure) throw error;
      onEnd(item, { error });
      return;
    }
    onEnd(item, { outcome });
  });
}

type PruneFate = "kept" | "deleted" | "already gone" | "would be deleted" | "delete failed";

/** What a prune came to: each snapshot it saw with its fate, what was deleted, what failed. */
interface Pruned {
  fates: Map<Snapshot, PruneFate>;
  deletedIds: number[];
  failures: string[];
}

/**
 * Per server, as `snapshotsToPrune` decides: keeps what it keeps, deletes the rest of ours, one at
 * a time per server, so that a failing delete stops nothing else and the log stays in order.
 */
export async function pruneServers(
  api: SnapshotsApi,
  serverIds: readonly number[],
  policy: PrunePolicy & { dryRun: boolean },
  log: Logger,
): Promise<Pruned> {
  const pruned: Pruned = { fates: new Map(), deletedIds: [], failures: [] };
  const failedDeletes: { snapshotId: number; error: unknown }[] = [];
  const fateOf = (snapshot: Snapshot, end: DeleteEnd): PruneFate => {
    if ("error" in end) {
      failedDeletes.push({ snapshotId: snapshot.id, error: end.error });
      return "delete failed";
    }
    const what = `snapshot ${describeSnapshot(snapshot)}, ${age(snapshot, policy.now)} old`;
    log.info(end.outcome === "deleted" ? `Deleted ${what}.` : `Found ${what} already gone.`);
    if (end.outcome === "deleted") pruned.deletedIds.push(snapshot.id);
    return end.outcome === "deleted" ? "deleted" : "already gone";
  };
  const pruneServer = async ([serverId, snapshots]: [number, Snapshot[]]) => {
    const decision = snapshotsToPrune(snapshots, policy);
    for (const snapshot of decision.kept) pruned.fates.set(snapshot, "kept");
    log.info(
      `Server ${serverId}: ${snapshots.length} snapshot(s), ${decision.deleted.length} to delete.`,
    );
    if (policy.dryRun) {
      for (const snapshot of decision.deleted) pruned.fates.set(snapshot, "would be deleted");
      return;
    }
    await deleteSnapshots(
      api,
      decision.deleted,
      (s) => s.id,
      (s, end) => pruned.fates.set(s, fateOf(s, end)),
      { concurrency: 1 },
    );
  };
  try {
    const lists = await snapshotsByServer(api, serverIds, undefined);
    for (const [serverId, error] of lists.failed) {
      pruned.failures.push(explainFailure(error, { kind: "list", serverId }));
    }
    await forEachConcurrently([...lists.byServer], SERVER_CONCURRENCY, pruneServer);
  } catch (error) {
    pruned.failures.push(explainFailure(error, { kind: "list" }));
  }
  pruned.failures.push(...explainDeleteFailures(failedDeletes));
  return pruned;
}
