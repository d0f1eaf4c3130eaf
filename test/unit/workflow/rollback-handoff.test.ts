import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../../src/api/answers/types.js";
import { JobEnv, State } from "../../../src/constants.js";
import {
  armRollback,
  confirmRollbacks,
  readRollbackHandoff,
  saveRollbackTargets,
} from "../../../src/workflow/rollback-handoff.js";
import type { HealthCheck } from "../../../src/health/check.js";
import { apiSnapshot } from "../../support/fixtures.js";

/** One job: the saved state of one step, and the environment every step of the job shares. */
function job(inputs: Record<string, string> = { "rollback-on-failure": "true" }) {
  const env: Record<string, string> = {};
  const state: Record<string, string> = {};
  return {
    env,
    state,
    io: {
      getEnv: (name: string) => env[name] ?? "",
      exportVariable: (name: string, value: string) => {
        env[name] = value;
      },
      saveState: (name: string, value: string) => {
        state[name] = value;
      },
      getState: (name: string) => state[name] ?? "",
      getInput: (name: string) => inputs[name] ?? "",
    },
  };
}

const snapshot = (id: number, serverId: number) => apiSnapshot({ id, server: { id: serverId } });

/** A main step that made its snapshots and succeeded. */
function succeed(
  io: ReturnType<typeof job>["io"],
  mode: string,
  snapshots: Snapshot[],
  health: HealthCheck | undefined = undefined,
) {
  saveRollbackTargets(io.saveState, snapshots);
  armRollback(io, {
    mode,
    apiUrl: "https://api.test/v1",
    pollIntervalMs: 1_000,
    health,
    targets: snapshots,
  });
}

describe("the rollback hand-off", () => {
  it("an armed rollback stands until a confirm step disarms it", () => {
    const { io } = job();
    succeed(io, "create", [snapshot(801, 12345)]);
    expect(readRollbackHandoff(io)).toMatchObject({
      kind: "due",
      targets: [{ serverId: 12345, snapshotId: 801 }],
      mode: "create",
      apiUrl: "https://api.test/v1",
      pollIntervalMs: 1_000,
    });
    const { disarmed } = confirmRollbacks(io);
    expect(disarmed).toEqual([expect.objectContaining({ targets: { 12345: 801 } })]);
    expect(readRollbackHandoff(io).kind).toBe("confirmed");
  });

  it("the post step checks the service as the arming step was told to: url, timeout, expect, successes", () => {
    const { io, state } = job();
    const health = {
      urlTemplate: "https://{hostname}/up",
      timeoutMs: 60_000,
      expect: "ready",
      successes: 3,
    };
    succeed(io, "wait", [snapshot(801, 12345)], health);
    expect(readRollbackHandoff(io)).toMatchObject({ kind: "due", health });
    const plain = { ...health, expect: undefined, successes: 1 };
    succeed(io, "wait", [snapshot(801, 12345)], plain);
    expect(readRollbackHandoff(io)).toMatchObject({ kind: "due", health: plain });
    // A record whose check cannot be read for sure restores nothing.
    const armed = JSON.parse(state[State.armedRollback] ?? "{}");
    state[State.armedRollback] = JSON.stringify({ ...armed, health: { ...health, successes: 0 } });
    expect(readRollbackHandoff(io).kind).toBe("unreadable");
  });

  it("a second confirm step disarms only what was armed since the first", () => {
    const { io, state } = job();
    succeed(io, "create", [snapshot(801, 12345)]);
    confirmRollbacks(io);
    succeed({ ...io, saveState: () => {} }, "wait", [snapshot(802, 12346)]);
    expect(confirmRollbacks(io).disarmed.map((r) => r.targets)).toEqual([{ 12346: 802 }]);
    expect(state[State.mainSucceeded]).toBe("true");
  });

  it("the environment can only disarm: a forged confirmation of another key changes nothing", () => {
    const { io, env } = job();
    succeed(io, "create", [snapshot(801, 12345)]);
    env[JobEnv.confirmedRollbacks] = JSON.stringify(["someone-else"]);
    expect(readRollbackHandoff(io).kind).toBe("due");
  });

  it("a success without an armed record is never taken as confirmed, nor restored", () => {
    const { io, env } = job();
    io.saveState(State.rollbackTargets, '{"12345":801}');
    io.saveState(State.mainSucceeded, "true");
    env[JobEnv.confirmedRollbacks] = JSON.stringify([""]);
    expect(readRollbackHandoff(io).kind).toBe("unreadable");
  });

  it("says what the post step must do in every other case", () => {
    expect(readRollbackHandoff(job({}).io).kind).toBe("off");
    const { io } = job();
    expect(readRollbackHandoff(io).kind).toBe("nothing-made");
    saveRollbackTargets(io.saveState, [snapshot(801, 12345)]);
    expect(readRollbackHandoff(io)).toEqual({
      kind: "not-succeeded",
      targetsText: '{"12345":801}',
    });
  });

  it("what another step wrote that is not ours to read is set aside, and said", () => {
    const { io, env } = job();
    env[JobEnv.armedRollbacks] = "not json";
    env[JobEnv.confirmedRollbacks] = '{"a":1}';
    const { disarmed, problems } = confirmRollbacks(io);
    expect(disarmed).toEqual([]);
    expect(problems).toHaveLength(2);
  });
});
