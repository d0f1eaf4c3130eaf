import type { Snapshot } from "../api/types.js";
import { State } from "../constants.js";
import { snapshotIdsByServer } from "./outputs.js";
import { parseSnapshotSelection, type ServerSnapshotPair } from "./snapshot-selection.js";

/**
 * The hand-off from the main step to the rollback post step, kept in the runner's saved state.
 * The snapshots are saved as soon as each is known, so that even a main step that fails can tell
 * the user what to restore by hand; `succeeded` is saved last, and only by a main step that saw
 * every snapshot complete. The post step restores only when it is there: without it, the steps
 * after the main step (the deploy) never ran.
 */
export interface RollbackState {
  /** Server to snapshot, as `snapshot-ids` has it; undefined when no snapshot was known. */
  targets: ServerSnapshotPair[] | undefined;
  /** The saved text of `targets`, for a person to paste into `snapshot-id`. */
  targetsText: string;
  succeeded: boolean;
  /** Why the saved targets cannot be read (never expected from our own main step). */
  problems: string[];
}

type SaveState = (name: string, value: string) => void;
type GetState = (name: string) => string;

export function saveRollbackTargets(saveState: SaveState, snapshots: Snapshot[]): void {
  saveState(State.rollbackTargets, JSON.stringify(snapshotIdsByServer(snapshots)));
}

/** The last thing a main step with `rollback-on-failure` does, and only when it succeeded. */
export function saveMainSucceeded(saveState: SaveState): void {
  saveState(State.mainSucceeded, "true");
}

export function readRollbackState(getState: GetState): RollbackState {
  const targetsText = getState(State.rollbackTargets);
  const problems: string[] = [];
  const selection = targetsText ? parseSnapshotSelection(targetsText, problems, []) : undefined;
  if (selection && selection.kind !== "by-server") problems.push("not a server-to-snapshot map");
  return {
    targets: selection?.kind === "by-server" && problems.length === 0 ? selection.pairs : undefined,
    targetsText,
    succeeded: getState(State.mainSucceeded) === "true",
    problems,
  };
}
