import { StepFailure } from "../workflow/explain.js";
import type { Snapshot, SnapshotsApi } from "../api/types.js";
import { Inputs, SNAPSHOT_LIMIT_PER_SERVER } from "../constants.js";
import type { Settings } from "../workflow/inputs.js";
import type { Logger } from "../runner/logger.js";
import { snapshotsToMakeRoom } from "./retention.js";
import { age, newestFirst } from "./snapshots.js";

/** What is left on a server after preparing it for a new snapshot. */
export interface Prepared {
  /** `if-exists: reuse` found this one: no new snapshot is made. */
  reuse?: Snapshot;
  remaining: Snapshot[];
}

export interface SlotContext {
  api: SnapshotsApi;
  log: Logger;
  now: Date;
  /** Told at once of each deletion, so the output holds it even if the step fails later. */
  onDeleted: (snapshotId: number) => void;
}

/**
 * Applies `if-exists` to the snapshots that already have this step's name on the server:
 * fail before creating, reuse the newest one, or delete them all to make a new one.
 */
export async function applyIfExists(
  serverId: number,
  existing: Snapshot[],
  settings: Pick<Settings, "name" | "ifExists">,
  context: SlotContext,
): Promise<Prepared> {
  const sameName = newestFirst(existing.filter((s) => s.name === settings.name));
  const [newest] = sameName;
  if (!newest) return { remaining: existing };
  switch (settings.ifExists) {
    case "fail":
      throw new StepFailure(
        `Server ${serverId} already has snapshot ${newest.id} named ${settings.name} ` +
          `(${newest.status}, ${age(newest, context.now)} old). Set ${Inputs.ifExists}: reuse to use ` +
          "it, or replace to delete it and make a new one.",
      );
    case "reuse":
      context.log.info(
        `Server ${serverId}: reusing snapshot ${newest.id} (${newest.name}, ${newest.status}).`,
      );
      return { reuse: newest, remaining: existing };
    case "replace": {
      const gone = await deleteAll(sameName, context, `replaced (${Inputs.ifExists}: replace)`);
      return { remaining: existing.filter((s) => !gone.has(s.id)) };
    }
  }
}

/**
 * Applies `on-limit` when the server already holds the provider's maximum: fail, or delete just
 * enough of ours, failed ones first, then the oldest completed. When not enough of ours may go,
 * nothing is deleted.
 */
export async function makeRoom(
  serverId: number,
  existing: Snapshot[],
  settings: Pick<Settings, "onLimit" | "namePrefix">,
  context: SlotContext,
): Promise<Prepared> {
  const needed = existing.length - SNAPSHOT_LIMIT_PER_SERVER + 1;
  if (needed <= 0) return { remaining: existing };
  const atLimit =
    `Server ${serverId} already has ${existing.length} snapshots, the provider's limit is ` +
    `${SNAPSHOT_LIMIT_PER_SERVER}: ${listing(existing, context.now)}.`;
  if (settings.onLimit === "fail") {
    throw new StepFailure(
      `${atLimit} ${Inputs.onLimit} is fail, so nothing was deleted. Delete one (mode: delete), ` +
        `or set ${Inputs.onLimit}: delete-oldest to let this action delete its failed or oldest completed snapshot.`,
    );
  }
  const chosen = snapshotsToMakeRoom(existing, needed, {
    namePrefix: settings.namePrefix,
    protectedIds: new Set(),
  });
  if (!chosen) {
    throw new StepFailure(
      `${atLimit} Too few of them may be deleted by this action (only completed or failed snapshots whose ` +
        `name starts with "${settings.namePrefix}"), so nothing was deleted. Delete one yourself ` +
        "(mode: delete with its id) to make room.",
    );
  }
  const gone = await deleteAll(chosen, context, `to make room (${Inputs.onLimit}: delete-oldest)`);
  return { remaining: existing.filter((s) => !gone.has(s.id)) };
}

/** Deletes one by one, so that a failure stops the deleting; returns the ids now gone. */
async function deleteAll(
  snapshots: Snapshot[],
  context: SlotContext,
  why: string,
): Promise<Set<number>> {
  const gone = new Set<number>();
  for (const snapshot of snapshots) {
    const outcome = await context.api.deleteSnapshot(snapshot.id);
    context.log.info(
      `Server ${snapshot.server.id}: ${outcome === "deleted" ? "deleted" : "found already gone"} ` +
        `snapshot ${snapshot.id} (${snapshot.name}, ${snapshot.status}, ${age(snapshot, context.now)} old): ${why}.`,
    );
    gone.add(snapshot.id);
    if (outcome === "deleted") context.onDeleted(snapshot.id);
  }
  return gone;
}

function listing(snapshots: Snapshot[], now: Date): string {
  return newestFirst(snapshots)
    .map((s) => `${s.id} ${s.name} (${s.status}, ${age(s, now)} old)`)
    .join(", ");
}
