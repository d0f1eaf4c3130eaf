/**
 * The drill's tests run it in-process on real workflow files (test/drill/fixtures/ and the
 * README's own blocks): this action's steps run for real, the committed bundle against a
 * simulator per scenario, as `npm run drill` runs them.
 */
import path from "node:path";
import { expect } from "vitest";
import {
  type DrillOptions,
  drillScenario,
  drillWorkflow,
  planDrill,
} from "../../scripts/drill/drill.js";
import type { ScenarioReport } from "../../scripts/drill/report.js";

export const fixture = (name: string) => path.join("test", "drill", "fixtures", name);

/** Every scenario of the file's job. */
export async function drill(file: string, options: Partial<DrillOptions> = {}) {
  return (await drillWorkflow({ file, inputs: {}, ...options }, () => {})).reports;
}

/** The one scenario of the file's job named `scenario` ("Deploy fails"). */
export async function drillOne(
  file: string,
  scenario: string,
  options: Partial<DrillOptions> = {},
): Promise<ScenarioReport> {
  const full = { file, inputs: {}, ...options };
  const plan = await planDrill(full);
  const n = plan.scenarios.findIndex((s) => s.name === scenario);
  expect(n, `scenarios: ${plan.scenarios.map((s) => s.name).join("; ")}`).toBeGreaterThanOrEqual(0);
  return drillScenario(plan, plan.scenarios[n]!, n, full);
}

/** A scenario's row, as the table shows it, for a test's failure message. */
export function row(report: ScenarioReport): string {
  return `${report.job.scenario.name}: ${report.verdict.mark} ${report.verdict.reason}`;
}
