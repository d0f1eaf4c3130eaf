import type { Snapshot } from "../api/answers/types.js";
import { Inputs, RESTORE_TIMEOUT_MS } from "../constants.js";
import { formatDuration } from "../duration.js";
import {
  type HealthCheck,
  type HealthEnd,
  healthText,
  unhealthySentence,
} from "../health/check.js";
import { asText } from "../runner/text/untrusted.js";
import { describeSnapshot } from "./explain.js";
import { describeSelection, type ServerSnapshotPair } from "./inputs/snapshot-selection.js";
import type { RollbackHandoff } from "./rollback-handoff.js";
import { type ModeReport, sizeText } from "./summary.js";

/*
 * What the fleet's operations come to, server by server, and what the summary and the log say of
 * them: the fleet hands back results, and their words are built here, beside their rendering.
 */

/** What happened on one server, as it becomes known: made (or reused, or waited for), then its end. */
export interface SnapshotResult {
  serverId: number;
  snapshot?: Snapshot;
  adopted?: boolean;
  reused?: boolean;
  /**
   * When it ended, on the deadline's clock: from the step's start, the one measure of time that
   * the progress lines and the summary share.
   */
  endedAtMs?: number;
  failure?: string;
}

/** The table of create mode and of wait mode, which waits exactly as create does. */
export const SNAPSHOT_COLUMNS = ["Server", "Snapshot", "Name", "Status", "Size", "Took"];

export function snapshotRow(result: SnapshotResult): unknown[] {
  const { snapshot } = result;
  const took = result.endedAtMs === undefined ? "" : formatDuration(result.endedAtMs);
  const status = result.failure && !snapshot ? "failed" : (snapshot?.status ?? "");
  const how = result.adopted ? " (found after a lost answer)" : result.reused ? " (reused)" : "";
  return [
    result.serverId,
    snapshot?.id ?? "",
    snapshot?.name ?? "",
    `${status}${how}`,
    snapshot ? sizeText(snapshot) : "",
    took,
  ];
}

/** One server's restore, as it becomes known. */
export interface RestoreResult {
  snapshot: Snapshot;
  serverStatus?: string;
  /** When it ended, from the step's start: the measure the progress lines say too. */
  endedAtMs?: number;
  /** The restore did not happen, or did not end well. */
  failure?: string;
  /** With `health-url`: whether the service answered after the restore. */
  health?: HealthEnd;
}

/** What a restore came to: refused before any change, planned (a dry run), or carried out. */
export type RestoreOutcome =
  | { kind: "refused"; problems: string[] }
  | { kind: "planned"; targets: Snapshot[] }
  | { kind: "restored"; results: RestoreResult[] };

/** What went wrong, server by server: a restore that did not end well, or a service not back. */
export function restoreFailures(results: readonly RestoreResult[]): string[] {
  return results.flatMap((r) => {
    const unhealthy = r.health && unhealthySentence(r.health, r.snapshot.server.id, r.snapshot.id);
    return [r.failure, unhealthy].filter((f) => f !== undefined);
  });
}

/** The table of restore mode and of the rollback post step; a health column with `health-url`. */
const RESTORE_COLUMNS = ["Server", "Snapshot", "Name", "Created", "Server status", "Took"];

export function restoreColumns(health: HealthCheck | undefined): string[] {
  return health ? [...RESTORE_COLUMNS, "Health"] : RESTORE_COLUMNS;
}

export function restoreRow(result: RestoreResult, health: HealthCheck | undefined): unknown[] {
  const { snapshot } = result;
  const status =
    result.failure && !result.serverStatus ? "not restored" : (result.serverStatus ?? "");
  const took = result.endedAtMs === undefined ? "" : formatDuration(result.endedAtMs);
  const row = [...plannedRow(snapshot, status).slice(0, 5), took];
  return health ? [...row, result.health ? healthText(result.health) : "not checked"] : row;
}

/** A snapshot found and checked, but not (or not yet) restored. */
export function plannedRow(snapshot: Snapshot, status: string): unknown[] {
  return [snapshot.server.id, snapshot.id, snapshot.name, snapshot.created_at, status, ""];
}

/** A server and snapshot that a check stopped before they were even found. */
function pairRow(pair: ServerSnapshotPair, status: string): unknown[] {
  return [pair.serverId, pair.snapshotId, "", "", status, ""];
}

/** The dry run's lines: what would be restored, and to what. */
export function planLines(targets: readonly Snapshot[]): string[] {
  return targets.map(
    (target) =>
      `Dry run: would restore server ${target.server.id} to snapshot ${describeSnapshot(target)}, ` +
      `made ${asText(target.created_at) || "at a time the API did not give"}.`,
  );
}

const ROLLBACK_TITLE = "VPS rollback";

type DueRollback = Extract<RollbackHandoff, { kind: "due" }>;
type NoRollback = Extract<RollbackHandoff, { kind: "not-succeeded" | "confirmed" }>;

/** The rollback's summary: exactly what was restored and why, or why nothing was. */
export function rollbackReport(rollback: DueRollback, restore: RestoreOutcome): ModeReport {
  if (restore.kind !== "restored") {
    const problems = restore.kind === "refused" ? restore.problems : [];
    return {
      title: ROLLBACK_TITLE,
      columns: restoreColumns(undefined),
      rows: rollback.targets.map((pair) => pairRow(pair, "not restored")),
      failures: [
        ...problems.map((p) => `Not rolled back: ${p}`),
        `Rollback failed before any restore, so nothing was restored (${describeSelection(
          { kind: "by-server", pairs: rollback.targets },
          [],
        )}): every server and snapshot is checked first.`,
      ],
      notes: [],
    };
  }
  const { results } = restore;
  return {
    title: ROLLBACK_TITLE,
    columns: restoreColumns(rollback.health),
    rows: results.map((r) => restoreRow(r, rollback.health)),
    failures: restoreFailures(results).map((f) => `Rollback: ${f}`),
    notes: [rollbackSentence(results.filter((r) => !r.failure).length, rollback)],
  };
}

/** Why nothing is restored, and the input that restores by hand all the same. */
export function noRollbackReport(handoff: NoRollback): ModeReport {
  const why =
    handoff.kind === "confirmed"
      ? `the deploy was confirmed by a step with ${Inputs.mode}: confirm after this step, so the ` +
        "job failed after the deploy was known to be good"
      : "this step did not succeed (it failed, timed out or was cancelled), so the steps after " +
        "it, the deploy among them, never ran";
  const sentence =
    `Nothing was rolled back: ${why}. To restore by hand anyway, run this action with ` +
    `${Inputs.mode}: restore and ${Inputs.snapshotId}: ${handoff.targetsText} ` +
    "(the snapshot-ids output of this step).";
  return { title: ROLLBACK_TITLE, columns: [], rows: [], failures: [], notes: [sentence] };
}

/** What the summary says happened, and nothing more: a restore that did not finish is not counted. */
function rollbackSentence(restored: number, rollback: DueRollback): string {
  const total = rollback.targets.length;
  const servers = `${restored} of ${total} server${total === 1 ? "" : "s"}`;
  const snapshot =
    rollback.mode === "wait" ? "the snapshot this step waited for" : "the snapshot this step made";
  const done =
    `Restored ${servers} to ${snapshot}, because the job failed after it ` +
    `(waited up to ${formatDuration(RESTORE_TIMEOUT_MS)} for the restores).`;
  return restored === total ? done : `${done} The others were not: see why above.`;
}
