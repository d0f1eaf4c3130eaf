/**
 * Text from the API carries no workflow command into the log, as the runner parses the bundle's
 * stdout: a few representative cases on the bundle. The other injection cases run in-process
 * (test/modes/odd-input/untrusted-text.test.ts), whose log is the bundle's (in-process-parity.test.ts).
 */
import { describe, expect, it } from "vitest";
import { failureOf, run, simulator } from "./support.js";
import {
  DEFUSED,
  expectNoInjectedCommand,
  expectOnlyOurCommands,
  FORGED,
  hostileSnapshots,
} from "../support/hostile-api-text.js";

/** Snapshot 901's name in a summary table: Markdown-escaped, its line break made a space. */
const NAME_IN_SUMMARY =
  "pre-deploy-old ##\\[set-output name=snapshot-id;\\]666 ::set-output name=snapshot-id::667 " +
  "###\\[stop-commands\\]t0k3n \u2003::set-output name=snapshot-id::668 ##\\[warning\\]pwned";

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
