import { Inputs, RESTORE_TIMEOUT_MS } from "./constants.js";
import { formatDuration } from "./duration.js";
import { type Mode, parseBoolean, parseInputs, type Settings } from "./workflow/inputs.js";
import type { ActionIO } from "./runner/io.js";
import type { ModeContext } from "./modes/context.js";
import { type ActionDeps, actionDeps, createModeContext, maskToken, runStep } from "./step.js";
import { describeSelection } from "./fleet/restore-plan.js";
import {
  prepareRestores,
  RESTORE_COLUMNS,
  restoreRow,
  restoreServers,
} from "./fleet/restore-servers.js";
import { readRollbackState, type RollbackState } from "./workflow/rollback-state.js";
import type { ServerSnapshotPair } from "./workflow/snapshot-selection.js";
import { finishStep } from "./workflow/summary.js";

const TITLE = "VPS rollback";

/** The post step, as the bundle's entry and `@github/local-action` start it. */
export function run(deps: ActionDeps = actionDeps()): Promise<void> {
  return runStep(runPost, deps);
}

/**
 * The post step, which the runner starts only when the job has failed (`post-if: failure()`):
 * with `rollback-on-failure: true`, and only after a main step that succeeded (every snapshot
 * completed, so the deploy after it ran on top of them), it restores every server to the snapshot
 * that step made or waited for, unless a `mode: confirm` step has declared the deploy good since.
 * It never restores anything else.
 */
export async function runPost(deps: ActionDeps): Promise<void> {
  const { io } = deps;
  maskToken(deps);
  const enabled = parseBoolean(
    Inputs.rollbackOnFailure,
    io.getInput(Inputs.rollbackOnFailure).trim(),
    false,
    [],
  );
  if (!enabled) {
    io.log.info("Rollback is off (rollback-on-failure: false): nothing was restored.");
    return;
  }
  const state = readRollbackState(io.getState, io.getEnv);
  if (state.problems.length > 0) {
    io.setFailed(
      `Rollback: the saved state is unreadable (${state.problems.join("; ")}); nothing was restored.`,
    );
    return;
  }
  if (!state.targets) {
    io.log.info("Rollback: this step made no snapshot, so there is nothing to roll back.");
    return;
  }
  if (!state.succeeded) {
    await reportNoRollback(
      io,
      "this step did not succeed (it failed, timed out or was cancelled), so the steps after it, " +
        "the deploy among them, never ran",
      state,
    );
    return;
  }
  if (state.confirmed) {
    await reportNoRollback(
      io,
      `the deploy was confirmed by a step with ${Inputs.mode}: confirm after this step, so the ` +
        "job failed after the deploy was known to be good",
      state,
    );
    return;
  }

  const { settings } = parseInputs(io.getInput, deps.runContext());
  const context = createModeContext({ ...settings, timeoutMs: RESTORE_TIMEOUT_MS }, deps);
  // Not a group of its own: the restores group their lines, and groups cannot nest.
  io.log.info("Rolling back: the job failed after this step, and rollback-on-failure is true.");
  await rollBack(state.targets, settings, context, io);
}

/** Why nothing is restored, and the input that restores by hand all the same. */
async function reportNoRollback(io: ActionIO, why: string, state: RollbackState): Promise<void> {
  const sentence =
    `Nothing was rolled back: ${why}. To restore by hand anyway, run this action with ` +
    `${Inputs.mode}: restore and ${Inputs.snapshotId}: ${state.targetsText} ` +
    "(the snapshot-ids output of this step).";
  io.log.info(sentence);
  await finishStep(io, { title: TITLE, columns: [], rows: [], failures: [], notes: [sentence] });
}

async function rollBack(
  pairs: ServerSnapshotPair[],
  settings: Settings,
  context: ModeContext,
  io: ActionIO,
): Promise<void> {
  const selection = { kind: "by-server", pairs } as const;
  const plan = await prepareRestores(selection, [], settings.namePrefix, context);
  const notRestored = (p: ServerSnapshotPair) => [
    p.serverId,
    p.snapshotId,
    "",
    "",
    "not restored",
    "",
  ];
  if (plan.problems.length > 0) {
    await finishStep(io, {
      title: TITLE,
      columns: RESTORE_COLUMNS,
      rows: pairs.map(notRestored),
      failures: [
        ...plan.problems.map((p) => `Not rolled back: ${p}`),
        `Rollback failed before any restore, so nothing was restored (${describeSelection(selection, [])}): ` +
          "every server and snapshot is checked first.",
      ],
      notes: [],
    });
    return;
  }
  const results = await restoreServers(
    plan.targets,
    { wait: true, pollIntervalMs: settings.pollIntervalMs, announce: true },
    context,
  );
  const restored = results.filter((r) => !r.failure);
  for (const result of restored) {
    io.log.info(
      `Rolled back server ${result.snapshot.server.id} to snapshot ${result.snapshot.id} ` +
        `(${result.snapshot.name}); server status ${result.serverStatus}.`,
    );
  }
  await finishStep(io, {
    title: TITLE,
    columns: RESTORE_COLUMNS,
    rows: results.map(restoreRow),
    failures: results.flatMap((r) => (r.failure ? [`Rollback: ${r.failure}`] : [])),
    notes: [rollbackSentence(restored.length, pairs.length, settings.mode)],
  });
}

/** What the summary says happened, and nothing more: a restore that did not finish is not counted. */
function rollbackSentence(restored: number, total: number, mode: Mode): string {
  const servers = `${restored} of ${total} server${total === 1 ? "" : "s"}`;
  const snapshot =
    mode === "wait" ? "the snapshot this step waited for" : "the snapshot this step made";
  const done =
    `Restored ${servers} to ${snapshot}, because the job failed after it ` +
    `(waited up to ${formatDuration(RESTORE_TIMEOUT_MS)} for the restores).`;
  return restored === total ? done : `${done} The others were not: see why above.`;
}
