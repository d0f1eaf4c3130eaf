import type { Snapshot } from "../../api/types.js";
import { Inputs, SNAPSHOT_LIMIT_PER_SERVER } from "../../constants.js";
import { StepFailure } from "../../workflow/explain.js";
import type { CreateSettings } from "../../workflow/inputs.js";
import { snapshotsToMakeRoom } from "./retention.js";
import { age, newestFirst } from "./snapshots.js";

/** What a server needs before its new snapshot: decided before anything is changed anywhere. */
export interface SlotPlan {
  /** `if-exists: reuse` found this one: no new snapshot is made. */
  reuse?: Snapshot;
  /** Deleted before the create, in this order. */
  deletions: Deletion[];
  /** What is left on the server once the deletions are done. */
  remaining: Snapshot[];
}

interface Deletion {
  snapshot: Snapshot;
  why: string;
}

type SlotSettings = Pick<CreateSettings, "name" | "ifExists" | "onLimit" | "namePrefix">;

/**
 * Applies `if-exists` (fail before creating, reuse the newest one with the step's name, or delete
 * them all to make a new one), then `on-limit`. Pure: it throws, naming the server, what the step
 * could not do on it, and changes nothing.
 */
export function planSlot(
  serverId: number,
  existing: Snapshot[],
  settings: SlotSettings,
  now: Date,
): SlotPlan {
  const sameName = newestFirst(existing.filter((s) => s.name === settings.name));
  const [newest] = sameName;
  if (!newest) return planRoom(serverId, existing, settings, now);
  switch (settings.ifExists) {
    case "fail":
      throw new StepFailure(
        `Server ${serverId} already has snapshot ${newest.id} named ${settings.name} ` +
          `(${newest.status}, ${age(newest, now)} old). Set ${Inputs.ifExists}: reuse to use ` +
          "it, or replace to delete it and make a new one.",
      );
    case "reuse":
      return { reuse: newest, deletions: [], remaining: existing };
    case "replace": {
      const room = planRoom(
        serverId,
        existing.filter((s) => s.name !== settings.name),
        settings,
        now,
      );
      const why = `replaced (${Inputs.ifExists}: replace)`;
      return {
        ...room,
        deletions: [...sameName.map((snapshot) => ({ snapshot, why })), ...room.deletions],
      };
    }
  }
}

/**
 * Applies `on-limit` when the server already holds the provider's maximum: fail, or delete just
 * enough of ours, failed ones first, then the oldest completed. When not enough of ours may go,
 * nothing is deleted.
 */
export function planRoom(
  serverId: number,
  existing: Snapshot[],
  settings: Pick<CreateSettings, "onLimit" | "namePrefix">,
  now: Date,
): SlotPlan {
  const needed = existing.length - SNAPSHOT_LIMIT_PER_SERVER + 1;
  if (needed <= 0) return { deletions: [], remaining: existing };
  const atLimit =
    `Server ${serverId} already has ${existing.length} snapshots, the provider's limit is ` +
    `${SNAPSHOT_LIMIT_PER_SERVER}: ${listing(existing, now)}.`;
  if (settings.onLimit === "fail") {
    throw new StepFailure(
      `${atLimit} ${Inputs.onLimit} is fail, so nothing was deleted. Delete one (mode: delete), ` +
        `or set ${Inputs.onLimit}: delete-oldest to let this action delete its failed or oldest completed snapshot.`,
    );
  }
  const chosen = snapshotsToMakeRoom(existing, needed, {
    namePrefix: settings.namePrefix,
  });
  if (!chosen) {
    throw new StepFailure(
      `${atLimit} Too few of them may be deleted by this action (only completed or failed snapshots whose ` +
        `name starts with "${settings.namePrefix}"), so nothing was deleted. Delete one yourself ` +
        "(mode: delete with its id) to make room.",
    );
  }
  const why = `to make room (${Inputs.onLimit}: delete-oldest)`;
  const gone = new Set(chosen.map((s) => s.id));
  return {
    deletions: chosen.map((snapshot) => ({ snapshot, why })),
    remaining: existing.filter((s) => !gone.has(s.id)),
  };
}

function listing(snapshots: Snapshot[], now: Date): string {
  return newestFirst(snapshots)
    .map((s) => `${s.id} ${s.name} (${s.status}, ${age(s, now)} old)`)
    .join(", ");
}
