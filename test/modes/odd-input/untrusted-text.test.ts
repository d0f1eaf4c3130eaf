/**
 * Text from the API carries no workflow command into any mode's log, failure or summary, the
 * steps in-process. (A few representative cases run on the bundle: test/e2e/untrusted-text.)
 */
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../../scripts/run-action.js";
import type { FaultSpec } from "../../../simulator/faults.js";
import { daysAgo } from "../../support/fixtures.js";
import { runnerCommand } from "../../support/runner-commands.js";
import { failureOf, run, simulator } from "../../support/in-process.js";

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
  it("restore, dry run: the line naming the snapshot is defused, snapshot-id is the one asked", async () => {
    const sim = await simulator({ snapshots: hostileSnapshots() });
    const result = await run(sim, { mode: "restore", "snapshot-id": "901", "dry-run": "true" });
    expect(result.exitCode).toBe(0);
    const line = result.stdout.split("\n").find((l) => l.startsWith("Dry run: would restore"));
    expect(line).toMatch(
      /^Dry run: would restore server web-server-01 \(12345\) to snapshot 901 \(pre-deploy-old /,
    );
    expect(line).toContain(DEFUSED);
    expect(line).toContain("## #[stop-commands]t0k3n");
    expect(result.outputs["snapshot-id"]).toBe("901");
    expectNoInjectedCommand(result);
  });

  it("create: snapshot-id is the snapshot made, whatever the deleted one was called", async () => {
    const sim = await simulator({ snapshots: hostileSnapshots() });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(0);
    expect(sim.deletions.map((d) => d.snapshotId)).toEqual([902]);
    expect(result.stdout).toMatch(
      /^Server web-server-01 \(12345\): deleted snapshot 902 \(pre-deploy-bad # #\[/m,
    );
    expect(result.outputs["snapshot-id"]).toBe(String(sim.creations[0]));
    expectNoInjectedCommand(result);
  });
});

describe("an API error message carries no workflow command into the log or the failure", () => {
  const refused = (route: FaultSpec["route"]): FaultSpec => ({
    route,
    fault: { type: "status", status: 400, message: hostile("refused") },
  });
  it.each([
    ["create", { "server-id": "12345" }, refused("create-snapshot")],
    ["list", { mode: "list", "server-id": "12345" }, refused("list-snapshots")],
    ["prune", { mode: "prune", "server-id": "12345", keep: "0" }, refused("delete-snapshot")],
    [
      "delete, dry run",
      { mode: "delete", "snapshot-id": "901", "dry-run": "true" },
      refused("list-snapshots"),
    ],
    ["restore", { mode: "restore", "snapshot-id": "901" }, refused("restore-snapshot")],
    ["wait", { mode: "wait", "snapshot-id": "904" }, refused("list-snapshots")],
  ])("%s", async (_case, inputs, fault) => {
    const sim = await simulator({ snapshots: hostileSnapshots() });
    sim.addFault(fault);
    const result = await run(sim, inputs);
    expect(result.stdout).toContain(`refused ${DEFUSED}`);
    expectNoInjectedCommand(result);
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

  it("names, descriptions and statuses never start a workflow command or break the summary", async () => {
    const sim = await simulator({
      snapshots: [
        { id: 901, serverId: 12345, name: FORGED, description: FORGED, status: "completed" },
        { id: 902, serverId: 12345, name: "pre-deploy-x", status: "\n::notice::odd" },
      ],
    });
    const modes: Record<string, string>[] = [
      { mode: "list", "server-id": "12345" },
      { mode: "restore", "snapshot-id": "901", "dry-run": "true" },
      { mode: "delete", "snapshot-id": "901", "dry-run": "true" },
      { mode: "prune", "server-id": "12345", keep: "0", "dry-run": "true", "name-prefix": "evil" },
    ];
    for (const inputs of modes) {
      const result = await run(sim, inputs);
      expectOnlyOurCommands(result.stdout);
      expect(result.outputs["snapshot-id"]).not.toBe("666");
      expect(result.summary).not.toMatch(/<b>/);
      for (const line of result.summary.split("\n").filter((l) => l.startsWith("|"))) {
        expect(line).toMatch(/\|$/);
      }
    }
  });
});
