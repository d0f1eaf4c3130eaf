/**
 * Text from the API carries no workflow command into any mode's log, failure or summary, the
 * steps in-process. (A few representative cases run on the bundle: test/e2e/untrusted-text.)
 */
import { describe, expect, it } from "vitest";
import type { FaultSpec } from "../../../simulator/faults.js";
import { run, simulator } from "../../support/in-process.js";
import {
  DEFUSED,
  expectNoInjectedCommand,
  expectOnlyOurCommands,
  FORGED,
  hostile,
  hostileSnapshots,
} from "../../support/hostile-api-text.js";

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

describe("a server whose name is hostile: every line that names it is defused", () => {
  // Names go into a line before the line is made safe: a name put in after would reach the runner.
  const hostileServers = (name: string) => [
    { id: 12345, name },
    { id: 12346, name: "web-server-02" },
  ];
  const named = [hostile("web"), FORGED];

  it.each(named)("create and wait on a server named %j", async (name) => {
    const sim = await simulator({ servers: hostileServers(name) });
    const result = await run(sim, { "server-id": "12345 12346" });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("(12345)");
    expectNoInjectedCommand(result);
    expectOnlyOurCommands(result.stdout);
  });

  it.each(named)("restore, and its failure, on a server named %j", async (name) => {
    const sim = await simulator({
      servers: hostileServers(name),
      snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-a" }],
    });
    const restored = await run(sim, { mode: "restore", "snapshot-id": "801" });
    expect(restored.exitCode).toBe(0);
    expect(sim.restores).toHaveLength(1);
    sim.setServerStatus(12345, "suspended");
    const refused = await run(sim, { mode: "restore", "snapshot-id": "801" });
    expect(refused.exitCode).toBe(1);
    expect(sim.restores).toHaveLength(1);
    for (const result of [restored, refused]) {
      expect(result.stdout).toContain("(12345)");
      expectNoInjectedCommand(result);
      expectOnlyOurCommands(result.stdout);
    }
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
