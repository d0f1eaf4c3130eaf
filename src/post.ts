import { Inputs, State } from "./constants.js";
import { formatDuration } from "./duration.js";
import { explainFailure } from "./explain.js";
import { parseInputs, type Settings } from "./inputs.js";
import type { ActionIO } from "./io.js";
import {
  type ActionDeps,
  createModeContext,
  maskToken,
  type ModeContext,
} from "./modes/context.js";
import { planRestore } from "./restore-plan.js";
import { RESTORE_COLUMNS, restoreRow, restoreServers } from "./restore-servers.js";
import { parseSnapshotSelection, type SnapshotSelection } from "./snapshot-selection.js";
import { finishStep } from "./summary.js";

/** The provider's restores take 5 to 15 minutes; a rollback waits for them this long in all. */
export const ROLLBACK_TIMEOUT_MS = 45 * 60_000;

/**
 * The post step, which the runner starts only when the job has failed (`post-if: failure()`):
 * with `rollback-on-failure: true`, it restores every server to the snapshot this step made, if
 * that snapshot completed. It never restores anything else.
 */
export async function runPost(deps: ActionDeps): Promise<void> {
  const { io } = deps;
  maskToken(deps);
  const saved = io.getState(State.rollbackTargets);
  if (!saved) {
    const enabled = /^true$/i.test(io.getInput(Inputs.rollbackOnFailure).trim());
    io.log.info(
      enabled
        ? "Rollback: this step made no snapshot, so there is nothing to roll back."
        : "Rollback is off (rollback-on-failure: false): nothing was restored.",
    );
    return;
  }

  const { settings } = parseInputs(io.getInput, deps.runContext());
  const problems: string[] = [];
  const selection = parseSnapshotSelection(saved, problems, []);
  if (!selection || problems.length > 0) {
    io.setFailed(
      `Rollback: the saved state is unreadable (${problems.join("; ")}); nothing was restored.`,
    );
    return;
  }
  const context = createModeContext({ ...settings, timeoutMs: ROLLBACK_TIMEOUT_MS }, deps);

  // Not a group of its own: the restores group their lines, and groups cannot nest.
  io.log.info("Rolling back: the job failed and rollback-on-failure is true.");
  await rollBack(selection, settings, context, io);
}

async function rollBack(
  selection: SnapshotSelection,
  settings: Settings,
  context: ModeContext,
  io: ActionIO,
): Promise<void> {
  let plan;
  try {
    plan = planRestore(selection, [], settings.namePrefix, await context.api.listSnapshots());
  } catch (error) {
    io.setFailed(
      `Rollback failed, nothing was restored: ${explainFailure(error, { kind: "list" })}`,
    );
    return;
  }
  const cannot = plan.problems.map((p) => `Not rolled back: ${p}`);
  for (const line of cannot) io.log.info(line);
  const results = await restoreServers(
    plan.targets,
    { wait: true, pollIntervalMs: settings.pollIntervalMs },
    context,
  );
  for (const result of results.filter((r) => !r.failure)) {
    io.log.info(
      `Rolled back server ${result.snapshot.server.id} to snapshot ${result.snapshot.id} ` +
        `(${result.snapshot.name}); server status ${result.serverStatus}.`,
    );
  }
  const failures = [
    ...cannot,
    ...results.flatMap((r) => (r.failure ? [`Rollback: ${r.failure}`] : [])),
  ];
  await finishStep(io, {
    title: "VPS rollback",
    columns: RESTORE_COLUMNS,
    rows: results.map(restoreRow),
    failures,
    notes: [
      `The job failed, so the servers were restored to the snapshots this step made (waited up to ${formatDuration(ROLLBACK_TIMEOUT_MS)}).`,
    ],
  });
}
