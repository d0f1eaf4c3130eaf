/**
 * The verdict on one scenario: was restoring (or not) right for what failed? Restoring is right
 * when the deploy itself failed; not restoring is right when the deploy never started, was
 * confirmed before the failure, or the job succeeded. A failure after the deploy with no confirm
 * before it depends on what that step is, which only its author knows: a warning that says so.
 * A job cancelled once the deploy started gets no rollback from the runner at all: shown as such.
 */
import { Inputs } from "../../src/constants.js";
import type { JobRecord, StepRecord } from "./job.js";
import type { Restore } from "./restored.js";

/** ⊘: a cancelled job after the deploy started, which the runner gives no rollback. */
type Mark = "✓" | "⚠" | "✗" | "⊘";

export interface Verdict {
  mark: Mark;
  /** The verdict in a person's words. */
  reason: string;
}

/** The deploy already has its own timeout: only a person cancelling the run gets here. */
const BOUNDED_ON_CANCEL =
  "the deploy's own `timeout-minutes` fails it instead of cancelling, so only a run cancelled by hand ends here: restore by hand then (mode: restore)";
const ADVICE_ON_CANCEL =
  "bound the deploy with a step `timeout-minutes`, not the job's: a step that times out fails, and the rollback runs";

function serverList(restores: readonly Restore[]): string {
  return [...new Set(restores.map((restore) => restore.server))].join(", ");
}

/** "writes since 12:01 would be lost": the earliest snapshot restored, in UTC. */
function loss(restores: readonly Restore[]): string {
  const times = restores
    .flatMap((r) => (r.takenAt ? [Date.parse(r.takenAt)] : []))
    .filter(Number.isFinite);
  if (times.length === 0) return "writes since their snapshots would be lost";
  return `writes since ${new Date(Math.min(...times)).toISOString().slice(11, 16)} UTC would be lost`;
}

function isConfirm(record: StepRecord): boolean {
  return record.inputs?.[Inputs.mode] === "confirm" && record.outcome === "success";
}

/** The step the scenario is about, as the table names it. */
export function failedStepText(job: JobRecord): string {
  const target = job.steps.find((record) => record.step.id === job.scenario.target?.id);
  const failed = job.failedStep ?? (job.status === "cancelled" ? target : undefined);
  if (failed) return `${failed.step.displayName} (${failed.detail ?? failed.outcome})`;
  if (target?.outcome === "failure") {
    return `${target.step.displayName} (${target.detail ?? "failed"}; continue-on-error: the job goes on)`;
  }
  if (target?.outcome === "skipped") return `${target.step.displayName} (skipped: it did not run)`;
  return "—";
}

export function restoredText(restores: readonly Restore[]): string {
  if (restores.length === 0) return "nothing";
  return restores
    .map(
      (r) =>
        `${r.server} → snapshot ${r.snapshotId}${r.by === "restore step" ? " (restore step)" : ""}`,
    )
    .join(", ");
}

/**
 * @param deployId the deploy step's id; undefined for a job of this action's steps alone (an
 * "undo" job), which is judged on its own status: it restores what it was asked to.
 */
export function verdictOn(
  job: JobRecord,
  deployId: string | undefined,
  restores: readonly Restore[],
): Verdict {
  const restored = restores.length > 0;
  const servers = serverList(restores);
  if (deployId === undefined) {
    return job.status === "success"
      ? {
          mark: "✓",
          reason: restored ? `the job restored ${servers}, as its steps ask` : "the job succeeded",
        }
      : {
          mark: "✗",
          reason: `the job ${job.status === "cancelled" ? "was cancelled" : `failed at ${failedStepText(job)}`}`,
        };
  }
  const deploy = job.steps.find((record) => record.step.id === deployId);
  const deployStarted = deploy !== undefined && deploy.outcome !== "skipped";
  const deployName = deploy?.step.displayName ?? deployId;

  if (job.status === "success") {
    return restored
      ? {
          mark: "✗",
          reason: `the job succeeded, and servers ${servers} were restored: ${loss(restores)}`,
        }
      : { mark: "✓", reason: "nothing restored: the job succeeded" };
  }
  if (job.status === "cancelled") {
    if (!deployStarted) {
      return restored
        ? {
            mark: "✗",
            reason: `the job was cancelled before the deploy, and servers ${servers} were restored: ${loss(restores)}`,
          }
        : {
            mark: "✓",
            reason: "nothing restored: the job was cancelled before the deploy started",
          };
    }
    const cancelled = job.steps.findIndex((r) => r.step.id === job.scenario.target?.id);
    const confirm = job.steps.slice(0, cancelled === -1 ? undefined : cancelled).find(isConfirm);
    if (confirm && !restored) {
      return {
        mark: "✓",
        reason: `nothing restored: ${confirm.step.displayName} confirmed the deploy before the job was cancelled`,
      };
    }
    return restored
      ? { mark: "✓", reason: "restored: the job was cancelled once the deploy had started" }
      : {
          mark: "⊘",
          reason: `the job was cancelled once ${deployName} had started, and nothing was restored: the runner skips \`post-if: failure()\` on a cancelled job; ${deploy?.step.timeoutMinutes ? BOUNDED_ON_CANCEL : ADVICE_ON_CANCEL}`,
        };
  }

  const cause = job.failedStep;
  const causeName = cause?.step.displayName ?? "a step";
  if (cause?.step.kind === "action") {
    // No scenario fails this action's steps: they ran for real, and the workflow is what failed.
    return {
      mark: "✗",
      reason: `${causeName} ${cause.detail ?? "failed"}: this step fails as the workflow is written, so the rollback cannot be rehearsed`,
    };
  }
  if (!deployStarted) {
    return restored
      ? {
          mark: "✗",
          reason: `${causeName} failed before the deploy, and servers ${servers} were restored: ${loss(restores)}`,
        }
      : { mark: "✓", reason: "nothing restored: the deploy never started" };
  }
  if (cause?.step.id === deployId) {
    const how = cause.detail?.startsWith("timed out") ? "timed out" : "failed";
    return restored
      ? { mark: "✓", reason: `restored: the deploy ${how}` }
      : { mark: "✗", reason: `the deploy ${how} and nothing was restored` };
  }
  const causeAt = cause ? job.steps.indexOf(cause) : job.steps.length;
  const confirm = job.steps.slice(0, causeAt).find(isConfirm);
  if (confirm) {
    return restored
      ? {
          mark: "✗",
          reason: `${causeName} failed after ${confirm.step.displayName} confirmed the deploy, and servers ${servers} were restored: ${loss(restores)}`,
        }
      : {
          mark: "✓",
          reason: `nothing restored: ${confirm.step.displayName} confirmed the deploy before ${causeName} failed`,
        };
  }
  return restored
    ? {
        mark: "⚠",
        reason: `${causeName} failed after the deploy, with no confirm before it, and servers ${servers} were restored: right if ${causeName} checks the deploy (a smoke test), wrong if it is a notification; then put a \`mode: confirm\` step before it`,
      }
    : {
        mark: "⚠",
        reason: `${causeName} failed after the deploy, and nothing was restored: right if it is a notification, wrong if it checks the deploy (a smoke test)`,
      };
}
