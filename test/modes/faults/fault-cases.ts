import { describe, expect, it } from "vitest";
import type { RunResult } from "../../../scripts/run-action.js";
import { faultLetsRequestApply } from "../../../simulator/faults.js";
import type { Fault, Simulator } from "../../../simulator/server.js";
import { failureOf, run, simulator } from "../../support/in-process.js";

/**
 * The fault suite: every route the action uses, every fault the network and the API can throw, over
 * real loopback sockets, the steps in-process (test/support/in-process.ts). A request is tried at
 * most 5 times, so one transient fault costs at most a few requests more than a clean run (BOUND
 * below). The retries' waits pass at once on the virtual clock; a fault that takes real time (a
 * hang, a trickle) is ridden out on the real clock, since a request's own timeout is real.
 *
 * Each route's suite runs from a file of its own, faults-<route>.test.ts, which only calls
 * faultSuite(route): vitest runs the tests of one file one after another, and files side by side on
 * its workers (maxWorkers in vitest.config.ts), so the real seconds of each route's hang and
 * trickle add up only within its file. A route's file also holds the fault that is never ridden
 * out, a 503 on every try; the other faults that are not ridden out are in faults.test.ts.
 */
export const STEP = { timeout: "20s", "poll-interval": "0.5s" };
/** Requests a whole scenario may make with one fault in it: a clean run needs 3 to 8. */
const BOUND = 20;

const httpDate = () => new Date(Date.now() + 1_000).toUTCString();

/** A request that hangs, trickles or is held ends on its own timeout, which is real time. */
export const takesRealTime = (fault: Fault): boolean =>
  ["hang", "apply-then-hang", "trickle", "delay"].includes(fault.type);
const transientFaults: Array<[string, () => Fault]> = [
  ["500", () => ({ type: "status", status: 500 })],
  ["502", () => ({ type: "status", status: 502 })],
  ["503", () => ({ type: "status", status: 503 })],
  ["504", () => ({ type: "status", status: 504 })],
  ["429, Retry-After in seconds", () => ({ type: "status", status: 429, retryAfter: "1" })],
  [
    "429, Retry-After as an HTTP date",
    () => ({ type: "status", status: 429, retryAfter: httpDate() }),
  ],
  ["a reset before any answer", () => ({ type: "reset" })],
  ["a hang", () => ({ type: "hang" })],
  ["a slow trickle", () => ({ type: "trickle", intervalMs: 300 })],
  ["a 2xx that is not JSON", () => ({ type: "non-json", status: 200 })],
  ["a truncated body", () => ({ type: "truncated" })],
];

interface Scenario {
  route:
    "list-snapshots" | "create-snapshot" | "restore-snapshot" | "delete-snapshot" | "get-server";
  /** Runs the step that uses the route, with the fault already armed. */
  run: (sim: Simulator) => Promise<RunResult>;
  /** What must be true of the world afterwards, whatever the fault was. */
  check: (sim: Simulator, result: RunResult) => void;
  /** The failure when the route answers 503 to every try. */
  alwaysFails?: RegExp;
}

export const seeded = { snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-seed" }] };

const scenarios: Scenario[] = [
  {
    route: "list-snapshots",
    run: (sim) => run(sim, { "server-id": "12345", ...STEP }),
    check: (sim, result) => {
      expect(sim.snapshots().filter((s) => s.name.startsWith("pre-deploy-1a2b3c4"))).toHaveLength(
        1,
      );
      expect(result.outputs["snapshot-status"]).toBe("completed");
    },
    alwaysFails: /Could not list the snapshots.*HTTP 503/,
  },
  {
    route: "create-snapshot",
    run: (sim) => run(sim, { "server-id": "12345", ...STEP }),
    check: (sim, result) => {
      const made = sim.snapshotsOf(12345).filter((s) => s.id !== 801);
      expect(made).toHaveLength(1);
      expect(result.outputs["snapshot-id"]).toBe(String(made[0]?.id));
      expect(result.outputs["snapshot-status"]).toBe("completed");
    },
    alwaysFails: /Could not create a snapshot of server web-server-01 \(12345\): HTTP 503/,
  },
  {
    route: "restore-snapshot",
    run: (sim) => run(sim, { mode: "restore", "snapshot-id": "801", ...STEP }),
    check: (sim, result) => {
      expect(sim.restores).toHaveLength(1);
      expect(result.outputs["server-status"]).toBe("active");
    },
    alwaysFails: /Could not restore server web-server-01 \(12345\) from snapshot 801: HTTP 503/,
  },
  {
    route: "get-server",
    run: (sim) => run(sim, { mode: "restore", "snapshot-id": "801", ...STEP }),
    check: (sim, result) => {
      expect(sim.restores).toHaveLength(1);
      expect(result.outputs["server-status"]).toBe("active");
    },
  },
  {
    route: "delete-snapshot",
    run: (sim) => run(sim, { mode: "delete", "snapshot-id": "801", ...STEP }),
    check: (sim, result) => {
      expect(sim.snapshot(801)).toBeUndefined();
      expect(result.outputs["deleted-snapshot-ids"]).toBe("[801]");
    },
    alwaysFails: /Could not delete snapshot 801: HTTP 503/,
  },
];

/** The fault suite of one route: each transient fault, once, must be ridden out. */
export function faultSuite(route: Scenario["route"]): void {
  const scenario = scenarios.find((s) => s.route === route) as Scenario;
  describe(`fault suite: ${route}`, () => {
    it.each(transientFaults)("survives %s", async (_name, fault) => {
      const armed = fault();
      // A restore whose answer is lost after it started must outlast the check of the server's
      // status after it, as the provider's 5 to 15 minutes do; elsewhere its length does not
      // matter, and the simulator's short default keeps the suite quick.
      const startedThenLost = scenario.route === "restore-snapshot" && faultLetsRequestApply(armed);
      const sim = await simulator(
        { ...seeded, ...(startedThenLost && { restoreDurationMs: 4_000 }) },
        { clock: takesRealTime(armed) ? "real" : "virtual" },
      );
      // get-server is first used by the wait, after the restore; the others on their first call.
      sim.addFault({ route: scenario.route, fault: armed });
      const result = await scenario.run(sim);
      expect(failureOf(result)).toBe("");
      expect(result.exitCode).toBe(0);
      expect(sim.faultsInjected).toBe(1);
      scenario.check(sim, result);
      expect(sim.requests.length).toBeLessThanOrEqual(BOUND);
    });

    const { alwaysFails } = scenario;
    if (!alwaysFails) return;
    it("a 503 on every try fails clearly, within the deadline, without a storm", async () => {
      const sim = await simulator(seeded);
      sim.addFault({
        route: scenario.route,
        times: Number.POSITIVE_INFINITY,
        fault: { type: "status", status: 503 },
      });
      const result = await scenario.run(sim);
      expect(result.exitCode).toBe(1);
      expect(failureOf(result)).toMatch(alwaysFails);
      // 5 tries of the failing request (and for create/restore, the check after each lost answer).
      expect(sim.requestsFor(scenario.route).length).toBeLessThanOrEqual(5);
      expect(sim.requests.length).toBeLessThanOrEqual(12);
      expect(result.durationMs).toBeLessThan(20_000);
      expect(sim.snapshotsOf(12345).filter((s) => s.id !== 801)).toHaveLength(0);
      expect(sim.restores).toHaveLength(0);
    });
  });
}
