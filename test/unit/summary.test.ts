import { describe, expect, it } from "vitest";
import { escapeCell, renderReport, writeReport } from "../../src/workflow/summary.js";
import { recordingLogger } from "../support/fakes.js";

describe("job summary", () => {
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

  it("a summary that cannot be written only warns", async () => {
    const log = recordingLogger();
    await writeReport(
      async () => {
        throw new Error("Unable to find environment variable for $GITHUB_STEP_SUMMARY");
      },
      { title: "t", columns: [], rows: [], failures: [], notes: [] },
      log,
    );
    expect(log.warnings[0]).toMatch(/Could not write the job summary/);
  });
});
