/**
 * The drill's table, in Markdown: the same text on the terminal and in the job summary.
 */
import type { JobRecord } from "./job.js";
import type { Restore } from "./restored.js";
import { failedStepText, restoredText, type Verdict } from "./verdict.js";

export interface ScenarioReport {
  job: JobRecord;
  restores: Restore[];
  verdict: Verdict;
}

/** A cell of a Markdown table: one line, no column break. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

export function drillTable(reports: readonly ScenarioReport[]): string {
  const rows = reports.map(({ job, restores, verdict }) =>
    [
      job.scenario.name,
      failedStepText(job),
      job.status,
      restoredText(restores),
      `${verdict.mark} ${verdict.reason}`,
    ]
      .map(cell)
      .join(" | "),
  );
  return [
    "| scenario | failed step | job | restored | verdict |",
    "|---|---|---|---|---|",
    ...rows.map((row) => `| ${row} |`),
  ].join("\n");
}
