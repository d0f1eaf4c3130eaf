// Exactly once, a create or a restore whose outcome a fault leaves unknown, in a file of its own so
// that vitest runs it beside the other fault files: see fault-cases.ts.
import { describe, expect, it } from "vitest";
import type { Fault } from "../../../simulator/server.js";
import { seeded, STEP, takesRealTime } from "./fault-cases.js";
import { run, simulator } from "../../support/in-process.js";

describe("exactly-once create: the server ends with one snapshot, and snapshot-id names it", () => {
  it.each<[string, Fault]>([
    ["a reset after the snapshot was made", { type: "apply-then-reset" }],
    ["a timeout after the snapshot was made", { type: "apply-then-hang" }],
    ["a 500 after the snapshot was made", { type: "apply-then-status", status: 500 }],
    ["a 500 before anything was made", { type: "status", status: 500 }],
    [
      "a 502 from a proxy after the snapshot was made",
      { type: "apply-then-status", status: 502, body: "<html>Bad Gateway</html>" },
    ],
    [
      "a 502 from a proxy before anything was made",
      { type: "status", status: 502, body: "<html>Bad Gateway</html>" },
    ],
  ])("%s", async (_name, fault) => {
    const clock = takesRealTime(fault) ? "real" : "virtual";
    const sim = await simulator({ snapshotDurationMs: 600 }, { clock });
    sim.addFault({ route: "create-snapshot", fault });
    const result = await run(sim, { "server-id": "12345", ...STEP });
    expect(result.exitCode).toBe(0);
    const made = sim.snapshotsOf(12345);
    expect(made).toHaveLength(1);
    expect(result.outputs["snapshot-id"]).toBe(String(made[0]?.id));
  });
});

describe("restore is never sent twice by accident", () => {
  it.each<[string, Fault]>([
    ["a reset after it started", { type: "apply-then-reset" }],
    ["a timeout after it started", { type: "apply-then-hang" }],
    ["a 500 after it started", { type: "apply-then-status", status: 500 }],
  ])("%s: the status shows restoring, so it is not sent again", async (_name, fault) => {
    const clock = takesRealTime(fault) ? "real" : "virtual";
    const sim = await simulator({ ...seeded, restoreDurationMs: 3_000 }, { clock });
    sim.addFault({ route: "restore-snapshot", fault });
    const result = await run(sim, { mode: "restore", "snapshot-id": "801", ...STEP });
    expect(result.exitCode).toBe(0);
    expect(sim.requestsFor("restore-snapshot")).toHaveLength(1);
    expect(sim.restores).toHaveLength(1);
  });
});
