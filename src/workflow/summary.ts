import { errorMessage } from "../api/answers/errors.js";
import type { Snapshot } from "../api/answers/types.js";
import type { RollbackToArm } from "./rollback-handoff.js";
import type { ActionIO } from "../runner/toolkit/io.js";
import type { Logger } from "../runner/toolkit/logger.js";
import type { ServerNames } from "../runner/text/server-names.js";
import { asText, oneLine } from "../runner/text/untrusted.js";

/** What a mode did, as the job summary shows it. */
export interface ModeReport {
  title: string;
  columns: string[];
  /** Each cell any JSON value, as the API sent it or as the mode put it: rendering makes it text. */
  rows: unknown[][];
  /** One sentence per thing that went wrong; the step fails when there is any. */
  failures: string[];
  /** Lines under the table that are not failures (a dry run's disclaimer, ...). */
  notes: string[];
  /** The servers the step acted on: the `server-names` output names them. */
  servers?: readonly number[];
  /**
   * create and wait with `rollback-on-failure`: the rollback to arm, once the step has ended
   * without a failure.
   */
  rollback?: RollbackToArm;
}

/** A step that stopped before it did anything: only what stopped it. */
export function failedReport(title: string, failures: string[]): ModeReport {
  return { title, columns: [], rows: [], failures, notes: [] };
}

/** Text from the API (names, descriptions, messages) must not break the table or inject markup. */
export function escapeCell(value: unknown): string {
  // A table row is one line: any line break would end it.
  return oneLine(asText(value))
    .replace(/\\/g, "\\\\")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/[`*_[\]]/g, (c) => `\\${c}`);
}

/**
 * The runner refuses a step summary over 1 MiB, and the whole summary is lost then. The table
 * (a list or a prune across thousands of servers) gets what the rest leaves of this, and says how
 * many rows it could not show: the outputs still hold everything.
 */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 16 * 1024;

export function renderReport(report: ModeReport): string {
  const head = [`### ${report.title}`, ""];
  // Each distinct problem once, however many servers or requests met it.
  const tail = [
    ...[...new Set(report.failures)].map((failure) => `- :x: ${escapeCell(failure)}`),
    ...report.notes.map((note) => `- ${escapeCell(note)}`),
  ];
  const table: string[] = [];
  if (report.rows.length > 0) {
    table.push(`| ${report.columns.map(escapeCell).join(" | ")} |`);
    table.push(`|${report.columns.map(() => " --- ").join("|")}|`);
    let budget = SUMMARY_LIMIT_BYTES - byteLength([...head, ...table, ...tail]) - 200;
    for (const [i, row] of report.rows.entries()) {
      const line = `| ${row.map(escapeCell).join(" | ")} |`;
      budget -= Buffer.byteLength(line) + 1;
      if (budget < 0) {
        table.push("", `${report.rows.length - i} more rows: the step's outputs hold them all.`);
        break;
      }
      table.push(line);
    }
    table.push("");
  }
  return `${[...head, ...table, ...tail].join("\n")}\n`;
}

function byteLength(lines: readonly string[]): number {
  return lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
}

/**
 * A summary that cannot be written (no GITHUB_STEP_SUMMARY, a full disk) never fails the step, and
 * what it would have said goes to the log instead: what was restored or deleted is never lost.
 */
export async function writeReport(
  write: (markdown: string) => Promise<void>,
  report: ModeReport,
  log: Logger,
): Promise<void> {
  try {
    await write(renderReport(report));
  } catch (error) {
    log.warning(
      `Could not write the job summary (${errorMessage(error)}); what it would have said follows.`,
    );
    for (const line of reportLines(report)) log.info(line);
  }
}

/** The report as plain log lines: each row as `column: value` pairs. */
function reportLines(report: ModeReport): string[] {
  return [
    report.title,
    ...report.rows.map((row) =>
      report.columns.map((column, i) => `${column}: ${asText(row[i])}`).join("; "),
    ),
    ...[...new Set(report.failures)].map((failure) => `Failed: ${failure}`),
    ...report.notes,
  ];
}

/**
 * Ends a step: the summary first, then one failure naming each distinct problem. A fleet can fail
 * the same way on every server (a refused token), which is said once. Servers are named as people
 * know them: `web-server-01 (12345)` in the Server column and in every sentence.
 */
export async function finishStep(
  io: Pick<ActionIO, "writeSummary" | "setFailed" | "log" | "names">,
  report: ModeReport,
): Promise<void> {
  const named = labelServers(report, io.names);
  await writeReport(io.writeSummary, named, io.log);
  // The failure goes to the runner's IO, which names the servers of every line it writes.
  if (report.failures.length > 0) io.setFailed([...new Set(report.failures)].join("\n"));
}

/** A server's id, in a cell as a number or as its digits, becomes `name (id)`. */
function serverCell(cell: unknown, names: ServerNames): unknown {
  const text = asText(cell);
  return /^\d+$/.test(text) ? names.label(Number(text)) : cell;
}

/** The report as people read it: each server by its name as well as its id. */
function labelServers(report: ModeReport, names: ServerNames): ModeReport {
  const serverColumn = report.columns.indexOf("Server");
  return {
    ...report,
    rows: report.rows.map((row) =>
      row.map((cell, i) => (i === serverColumn ? serverCell(cell, names) : cell)),
    ),
    failures: report.failures.map((failure) => names.inText(failure)),
    notes: report.notes.map((note) => names.inText(note)),
  };
}

/** `2048 MB`; a size the API sent as something else than a number, as it came. */
export function sizeText(snapshot: Snapshot): string {
  return typeof snapshot.size_mb === "number" ? `${snapshot.size_mb} MB` : asText(snapshot.size_mb);
}
