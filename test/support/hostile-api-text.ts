/**
 * Text the API may send that the runner would take for workflow commands, and the check that no
 * line the action writes carries one: shared by the in-process and the bundle's injection tests.
 */
import { expect } from "vitest";
import type { RunResult } from "../../scripts/run-action.js";
import { daysAgo } from "./fixtures.js";
import { runnerCommand } from "./runner-commands.js";
import { failureOf } from "./runs.js";

/**
 * Both of the runner's command forms, mid-line and after a line break with a space .NET trims,
 * each steering an output or stopping the log's commands if the runner took it.
 */
const PAYLOAD =
  "##[set-output name=snapshot-id;]666 ::set-output name=snapshot-id::667 " +
  "###[stop-commands]t0k3n\n\u2003::set-output name=snapshot-id::668 ##[warning]pwned";
export const hostile = (text: string) => `${text} ${PAYLOAD}`;
const STEERED = ["666", "667", "668"];
export const DEFUSED = "# #[set-output name=snapshot-id;]666";

/** Server 12345, full (5 snapshots), its older ones named, described and marked by the API. */
export function hostileSnapshots() {
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
export function expectNoInjectedCommand(result: RunResult) {
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

/** A command after a plain line break, and markup for the summary. */
export const FORGED = "evil\n::set-output name=snapshot-id::666\r\n::warning::pwned | <b>bold</b>";

/** Every line of the log that the runner would take as a command is one the action meant. */
export function expectOnlyOurCommands(stdout: string) {
  for (const line of stdout.split("\n")) {
    if (!/^\s*(::|##\[)/.test(line)) continue;
    expect(line).toMatch(/^::(group|endgroup|add-mask|debug|error|warning|notice)::/);
    expect(line).not.toMatch(/^::warning::pwned|^::set-output/);
  }
}
