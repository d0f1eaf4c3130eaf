import type {
  RestoredServer,
  RollbackHandoff,
  RollbackOutcome,
} from "../../workflow/rollback-handoff.js";
import { healthText } from "../../health/check.js";
import type { RestoreOutcome, RestoreResult } from "../../workflow/results.js";
import { type RestoreContext, restoreServers } from "./restore.js";

type DueRollback = Extract<RollbackHandoff, { kind: "due" }>;

/** What the rollback came to: for the job's environment, and for the summary to say. */
export interface RollbackEnd {
  outcome: RollbackOutcome;
  restored: RestoredServer[];
  restore: RestoreOutcome;
}

/**
 * Restore mode's path (check everything, then restore and wait), with each restore announced on
 * the run's page: nobody asked for it in that run.
 */
export async function rollBack(
  rollback: DueRollback,
  context: RestoreContext,
): Promise<RollbackEnd> {
  const { health, pollIntervalMs } = rollback;
  const restore = await restoreServers(
    {
      selection: { kind: "by-server", pairs: rollback.targets },
      serverIds: [],
      namePrefix: "",
      mapSource: "rollback",
      health,
      wait: true,
      pollIntervalMs,
      dryRun: false,
      announceEach: true,
    },
    context,
  );
  if (restore.kind !== "restored") return { outcome: "failed", restored: [], restore };
  const restored = restore.results.filter((r) => !r.failure);
  for (const result of restored) {
    context.log.info(
      `Rolled back server ${result.snapshot.server.id} to snapshot ${result.snapshot.id} ` +
        `(${result.snapshot.name}); server status ${result.serverStatus}` +
        `${result.health ? `; ${healthText(result.health)}` : ""}.`,
    );
  }
  return { outcome: outcomeOf(restore.results), restored: restored.map(restoredServer), restore };
}

function outcomeOf(results: readonly RestoreResult[]): RollbackOutcome {
  if (results.some((r) => r.failure)) return "failed";
  return results.some((r) => r.health && !r.health.healthy) ? "unhealthy" : "rolled-back";
}

function restoredServer({ snapshot, health }: RestoreResult): RestoredServer {
  const said = health ? (health.healthy ? "healthy" : "unhealthy") : "not checked";
  return { server: snapshot.server.id, snapshot: snapshot.id, health: said };
}
