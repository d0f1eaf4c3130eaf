import { describe, expect, it } from "vitest";
import type { Snapshot } from "../../src/api/types.js";
import { JobEnv, State } from "../../src/constants.js";
import {
  armRollback,
  confirmRollbacks,
  readRollbackState,
} from "../../src/workflow/rollback-state.js";

/** One job: the saved state of one step, and the environment every step of the job shares. */
function job() {
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
    },
  };
}

const snapshot = (id: number, serverId: number) =>
  ({ id, server: { id: serverId }, name: "pre-deploy-x", status: "completed" }) as Snapshot;

describe("the rollback hand-off", () => {
  it("an armed rollback stands until a confirm step disarms it", () => {
    const { io } = job();
    armRollback(io, "create", [snapshot(801, 12345)]);
    expect(readRollbackState(io.getState, io.getEnv)).toMatchObject({
      succeeded: true,
      confirmed: false,
    });
    const { disarmed } = confirmRollbacks(io);
    expect(disarmed).toEqual([expect.objectContaining({ targets: { 12345: 801 } })]);
    expect(readRollbackState(io.getState, io.getEnv).confirmed).toBe(true);
  });

  it("a second confirm step disarms only what was armed since the first", () => {
    const { io, state } = job();
    armRollback(io, "create", [snapshot(801, 12345)]);
    confirmRollbacks(io);
    armRollback({ ...io, saveState: () => {} }, "wait", [snapshot(802, 12346)]);
    expect(confirmRollbacks(io).disarmed.map((r) => r.targets)).toEqual([{ 12346: 802 }]);
    expect(state[State.mainSucceeded]).toBe("true");
  });

  it("the environment can only disarm: a forged confirmation of another key changes nothing", () => {
    const { io, env } = job();
    armRollback(io, "create", [snapshot(801, 12345)]);
    env[JobEnv.confirmedRollbacks] = JSON.stringify(["someone-else"]);
    expect(readRollbackState(io.getState, io.getEnv).confirmed).toBe(false);
  });

  it("a state with no key (a step from before confirm existed) is never taken as confirmed", () => {
    const { io, env } = job();
    io.saveState(State.rollbackTargets, '{"12345":801}');
    io.saveState(State.mainSucceeded, "true");
    env[JobEnv.confirmedRollbacks] = JSON.stringify([""]);
    expect(readRollbackState(io.getState, io.getEnv).confirmed).toBe(false);
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
