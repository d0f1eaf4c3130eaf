import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  escapeCell,
  type ModeReport,
  renderReport,
  SUMMARY_LIMIT_BYTES,
  writeReport,
} from "../../../src/workflow/summary.js";
import { recordingLogger } from "../../support/fakes.js";
import { hostileText } from "../../support/runner-commands.js";

const report = (rows: unknown[][], columns = ["Server", "Snapshot"]): ModeReport => ({
  title: "VPS snapshots",
  columns,
  rows,
  failures: [],
  notes: [],
});

/** What any JSON value (or a field left out) reads as in a cell, before escaping. */
const asCellText = (value: unknown): string =>
  typeof value === "string"
    ? value
    : value === null || value === undefined
      ? ""
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);

/** The `|` that separate cells, once escaped backslashes and escaped pipes are taken out. */
const liveSeparators = (line: string) =>
  line.replace(/\\\\/g, "").replace(/\\\|/g, "").split("|").length - 1;

const anyCell = fc.oneof(fc.jsonValue(), fc.constant(undefined));

describe("job summary", () => {
  it("a summary cell stays one cell of one row (generated cases)", () => {
    fc.assert(
      fc.property(fc.oneof(hostileText, fc.string()), (text) => {
        const cell = escapeCell(text);
        expect(cell).not.toMatch(/[\r\n\u2028\u2029\u0085]/);
        // What is left once escaped backslashes and escaped pipes are taken out: no live pipe.
        expect(cell.replace(/\\\\/g, "").replace(/\\\|/g, "")).not.toContain("|");
        expect(cell).not.toMatch(/<[a-z]/i);
      }),
      { numRuns: 2_000 },
    );
  });

  it("renders a table, failures and notes", () => {
    const text = renderReport({
      title: "VPS snapshots",
      columns: ["Server", "Snapshot"],
      rows: [["12345", "801"]],
      failures: ["Server 9 does not exist"],
      notes: ["Not waited for"],
    });
    expect(text).toBe(
      "### VPS snapshots\n\n| Server | Snapshot |\n| --- | --- |\n| 12345 | 801 |\n\n- :x: Server 9 does not exist\n- Not waited for\n",
    );
  });

  it("escapes what the API says so it cannot break the table or inject markup", () => {
    expect(escapeCell("a|b<script>x</script>\nnext `code` *bold* [link](u) & _")).toBe(
      "a\\|b&lt;script&gt;x&lt;/script&gt; next \\`code\\` \\*bold\\* \\[link\\](u) &amp; \\_",
    );
  });
});

describe("job summary: any JSON value in a cell", () => {
  it("shows null and a missing field as empty, numbers and booleans as text, objects as JSON", () => {
    const text = renderReport(
      report(
        [[null, undefined, 2024, false, { at: "x|y" }, ["<b>", 1], "2026-11-22T12:00:00Z"]],
        ["a", "b", "c", "d", "e", "f", "g"],
      ),
    );
    expect(text).toContain(
      '|  |  | 2024 | false | {"at":"x\\|y"} | \\["&lt;b&gt;",1\\] | 2026-11-22T12:00:00Z |',
    );
  });

  it("renders every row, each cell its value's text escaped, one line of one cell each (generated cases)", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((width) =>
            fc.tuple(
              fc.constant(width),
              fc.array(fc.array(anyCell, { minLength: width, maxLength: width }), { maxLength: 5 }),
            ),
          ),
        ([width, rows]) => {
          const columns = Array.from({ length: width }, (_, i) => `Column ${i + 1}`);
          const lines = renderReport(report(rows, columns)).split("\n");
          const rowLines = lines.slice(4, 4 + rows.length);
          expect(rowLines).toHaveLength(rows.length);
          rows.forEach((row, i) => {
            const line = rowLines[i] as string;
            expect(line).toBe(`| ${row.map((v) => escapeCell(asCellText(v))).join(" | ")} |`);
            expect(liveSeparators(line)).toBe(width + 1);
          });
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe("job summary that cannot be written", () => {
  const cannotWrite = async () => {
    throw new Error("Unable to access summary file: '/nowhere/summary.md'");
  };

  it("warns, and logs the rows as column: value, the failures and the notes", async () => {
    const log = recordingLogger();
    await writeReport(
      cannotWrite,
      {
        title: "VPS snapshots pruned",
        columns: ["Server", "Snapshot", "Created", "Result"],
        rows: [
          ["12345", "902", "2026-11-13T12:00:00Z", "deleted"],
          ["12345", "905", null, "kept"],
        ],
        failures: ["Snapshot 903 could not be deleted (HTTP 500)."],
        notes: ["Dry run: nothing was deleted."],
      },
      log,
    );
    expect(log.warnings).toEqual([
      "Could not write the job summary (Unable to access summary file: '/nowhere/summary.md'); what it would have said follows.",
    ]);
    expect(log.lines.slice(1)).toEqual([
      "VPS snapshots pruned",
      "Server: 12345; Snapshot: 902; Created: 2026-11-13T12:00:00Z; Result: deleted",
      "Server: 12345; Snapshot: 905; Created: ; Result: kept",
      "Failed: Snapshot 903 could not be deleted (HTTP 500).",
      "Dry run: nothing was deleted.",
    ]);
  });

  it("logs every row whatever JSON its cells hold (generated cases)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(anyCell, anyCell), { maxLength: 5 }), async (rows) => {
        const log = recordingLogger();
        await writeReport(cannotWrite, report(rows), log);
        expect(log.lines.slice(2)).toEqual(
          rows.map(([a, b]) => `Server: ${asCellText(a)}; Snapshot: ${asCellText(b)}`),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe("job summary: each problem once, and under the runner's 1 MiB", () => {
  it("a problem that every server met is said once", () => {
    const refused = "The API refused the token (HTTP 401): check the secret.";
    const text = renderReport({ ...report([]), failures: [refused, refused, "Other", refused] });
    expect(text.split(refused)).toHaveLength(2);
    expect(text).toContain("- :x: Other");
  });

  it("a table longer than the limit ends with how many rows it left out; what is under it stays", () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => [
      String(20_000 + i),
      `snapshot-${i}-${"x".repeat(30)}`,
    ]);
    const text = renderReport({ ...report(rows), failures: ["One failure"], notes: ["A note"] });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES);
    expect(Buffer.byteLength(text)).toBeGreaterThan(SUMMARY_LIMIT_BYTES - 1024);
    const shown = text.split("\n").filter((line) => /^\| \d+ \|/.test(line)).length;
    expect(text).toContain(`${rows.length - shown} more rows: the step's outputs hold them all.`);
    expect(text).toMatch(/- :x: One failure\n- A note\n$/);
  });

  it("a table that fits is whole, with no such line", () => {
    const text = renderReport(report([["1", "2"]]));
    expect(text).not.toContain("more rows");
  });
});
