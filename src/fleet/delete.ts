import type { DeleteOutcome, SnapshotsApi } from "../api/types.js";
import { forEachConcurrently } from "./concurrency.js";

/** How one delete ended: the API's outcome (a 404 is `already-gone`), or why it failed. */
export type DeleteEnd = { outcome: DeleteOutcome } | { error: unknown };

/**
 * The one delete loop of delete mode, prune and `on-limit`: each snapshot deleted at most once,
 * each end told as soon as it is known. `concurrency` 1 deletes in order (a server's own, so its
 * log reads in order). `stopAtFailure`: the first failure ends the loop and is thrown, for a
 * deletion that what follows depends on (`on-limit`: without the room, no create); else a failure
 * is told like any end and stops nothing else.
 */
export async function deleteSnapshots(
  api: SnapshotsApi,
  snapshotIds: readonly number[],
  onEnd: (snapshotId: number, end: DeleteEnd) => void,
  { concurrency, stopAtFailure = false }: { concurrency: number; stopAtFailure?: boolean },
): Promise<void> {
  await forEachConcurrently(snapshotIds, concurrency, async (snapshotId) => {
    let outcome: DeleteOutcome;
    try {
      outcome = await api.deleteSnapshot(snapshotId);
    } catch (error) {
      if (stopAtFailure) throw error;
      onEnd(snapshotId, { error });
      return;
    }
    onEnd(snapshotId, { outcome });
  });
}
