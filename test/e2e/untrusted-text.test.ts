/**
 * Text from the API carries no workflow command into the log, as the runner parses the bundle's
 * stdout: a few representative cases on the bundle. The other injection cases run in-process
 * (test/modes/untrusted-text.test.ts), whose log is the bundle's (in-process-parity.test.ts).
 */
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../scripts/run-action.js";
import { daysAgo } from "../support/fixtures.js";
import { runnerCommand } from "../support/runner-commands.js";
import { failureOf, run, simulator } from "./support.js";

/**
 * Both of the runner's command forms, mid-line and after a line break with a space .NET trims,
 * each steering an output or stopping the log's commands if the runner took it.
 */
const PAYLOAD =
  "##[set-output name=snapshot-id;]666 ::set-output name=snapshot-id::667 " +
  "###[stop-commands]t0k3n\n\u2003::set-output name=snapshot-id::668 ##[warning]pwned";
const hostile = (text: string) => `${text} ${PAYLOAD}`;
const STEERED = ["666", "667", "668"];
const DEFUSED = "# #[set-output name=snapshot-id;]666";
/** Snapshot 901's name in a summary table: Markdown-escaped, its line break made a space. */
const NAME_IN_SUMMARY =
  "pre-deploy-old ##\\[set-output name=snapshot-id;\\]666 ::set-output name=snapshot-id::667 " +
  "###\\[stop-commands\\]t0k3n \u2003::set-output name=snapshot-id::668 ##\\[warning\\]pwned";

/** Server 12345, full (5 snapshots), its older ones named, described and marked by the API. */
function hostileSnapshots() {
  return [
    { id: 901, name: hostile("pre-deploy-old"), status: "completed", createdAt: daysAgo(5) },
    { id: 902, name: hostile("pre-deploy-bad"), status: "failed", createdAt: daysAgo(4) },
    { id: 903, name: hostile("manual"), status: hostile("odd"), createdAt: daysAgo(3) },
    { id: 904, name: "pre-deploy-a", status: "completed", createdAt: daysAgo(2) },
    { id: 905, name: "pre-deploy-b", status: "completed", createdAt: daysAgo(1) },
  ].map((s) => ({ ...s, serverId: 12345, description: hostile("description") }));
}

/** The commands the action means to write; set-output never (outputs go to GITHUB_OUTPUT). */
const OURS = /^::(group|endgroup|add-mask|debug|error|warning|notice)::/;

/** Each line the runner would read is plain text or one of our own commands; none is steered. */
function expectNoInjectedCommand(result: RunResult) {
  for (const line of result.stdout.split(/\r\n|\r|\n/)) {
    expect(line).not.toContain("##[");
    if (runnerCommand(line) !== null || line.trimStart().startsWith("::")) {
      expect(line).toMatch(OURS);
    }
  }
  for (const line of failureOf(result).split("\n")) {
    expect(line).not.toContain("##[");
    expect(runnerCommand(line)).toBeNull();
  }
  for (const value of Object.values(result.outputs)) expect(STEERED).not.toContain(value);
}

describe("text from the API carries no workflow command into any mode's log", () => {
  it.each([
    ["list: the names are in the summary only", { mode: "list", "server-id": "12345" }, 0, false],
    [
      "prune, dry run: the names are in the summary only",
      { mode: "prune", "server-id": "12345", keep: "0", "dry-run": "true" },
      0,
      false,
    ],
    ["prune: each deletion named", { mode: "prune", "server-id": "12345", keep: "0" }, 0, true],
    [
      "delete, dry run: each snapshot named",
      { mode: "delete", "snapshot-id": "901, 903", "dry-run": "true" },
      0,
      true,
    ],
    [
      "wait: the failure quotes the hostile status",
      { mode: "wait", "snapshot-id": "901, 903" },
      1,
      true,
    ],
  ])("%s", async (_case, inputs, exitCode, logged) => {
    const sim = await simulator({ snapshots: hostileSnapshots() });
    const result = await run(sim, inputs);
    expect(result.exitCode).toBe(exitCode);
    expectNoInjectedCommand(result);
    // The hostile names reached what the step wrote, whole: its log, or else its summary (as
    // Markdown escapes them, on one line), so that the checks above had something to check.
    if (logged) expect(result.stdout).toContain(DEFUSED);
    else expect(result.summary).toContain(`| 901 | ${NAME_IN_SUMMARY} |`);
  });
});

/** The same, for a command after a plain line break, and for markup in the summary. */
describe("untrusted text from the API: line breaks and markup", () => {
  const FORGED = "evil\n::set-output name=snapshot-id::666\r\n::warning::pwned | <b>bold</b>";

  /** Every line of the log that the runner would take as a command is one the action meant. */
  function expectOnlyOurCommands(stdout: string) {
    for (const line of stdout.split("\n")) {
      if (!/^\s*(::|##\[)/.test(line)) continue;
      expect(line).toMatch(/^::(group|endgroup|add-mask|debug|error|warning|notice)::/);
      expect(line).not.toMatch(/^::warning::pwned|^::set-output/);
    }
  }

  it("an API error message is one line, never a command", async () => {
    const sim = await simulator();
    sim.addFault({
      route: "create-snapshot",
      fault: { type: "status", status: 400, message: FORGED },
    });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(1);
    expectOnlyOurCommands(result.stdout);
    expect(failureOf(result)).toMatch(/evil ::set-output name=snapshot-id::666 ::warning::pwned/);
  });
});
