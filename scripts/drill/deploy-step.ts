/**
 * Which step is the deploy: the one `--deploy` names (its id or name), else the first whose id or
 * name (as the runner shows it: `Run ./deploy.sh` for a nameless `run:`) says "deploy". Only a
 * stand-in can be it: this action's own steps snapshot, wait, restore or confirm.
 */
import { WorkflowError, type DrillJob } from "./workflow.js";

/** @returns the deploy step's id, or undefined for a job of this action's steps alone */
export function deployStepOf(job: DrillJob, named?: string): string | undefined {
  const standIns = job.steps.filter((step) => step.kind === "stand-in");
  if (named !== undefined) {
    const step = standIns.find((s) => s.contextName === named || s.displayName === named);
    if (step) return step.id;
    throw new WorkflowError(
      `--deploy "${named}" names no step of job "${job.id}" that the drill stands in for (steps: ${standIns.map((s) => s.contextName ?? s.displayName).join(", ")})`,
    );
  }
  if (standIns.length === 0) return undefined;
  // "deploy@host" is a login (ssh deploy@web01), not a deploy.
  const step = standIns.find((s) => /deploy(?!@)/i.test(`${s.contextName ?? ""} ${s.displayName}`));
  if (step) return step.id;
  throw new WorkflowError(
    `Job "${job.id}" has no deploy step: no step's id or name contains "deploy". Name it with --deploy STEP (its id or name).`,
  );
}
