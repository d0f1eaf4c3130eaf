/**
 * What the drill rehearses: the job as it should go, then every step it cannot run for real (a
 * stand-in) failing in turn, then each of them cancelled in turn.
 */
import type { DrillStep } from "./workflow.js";

export interface Scenario {
  /** What happens, for the table: "all steps succeed", "Run ./deploy.sh fails". */
  name: string;
  /** The stand-in that does not succeed, and how. */
  target?: { id: string; way: "fail" | "cancel" };
}

export function scenariosFor(steps: readonly DrillStep[]): Scenario[] {
  const standIns = steps.filter((step) => step.kind === "stand-in");
  return [
    { name: "all steps succeed" },
    ...standIns.map((step) => ({
      name: `${step.displayName} ${step.timeoutMinutes === undefined ? "fails" : "times out"}`,
      target: { id: step.id, way: "fail" as const },
    })),
    ...standIns.map((step) => ({
      name: `${step.displayName} is cancelled`,
      target: { id: step.id, way: "cancel" as const },
    })),
  ];
}
