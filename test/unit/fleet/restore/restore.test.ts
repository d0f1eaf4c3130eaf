import { describe, expect, it } from "vitest";
import { HttpStatusError } from "../../../../src/api/answers/errors.js";
import type { SnapshotsApi } from "../../../../src/api/answers/types.js";
import { Deadline } from "../../../../src/runner/time/clock.js";
import { waitForRestores } from "../../../../src/fleet/restore/restore.js";
import { FakeClock, recordingLogger } from "../../../support/fakes.js";

function options(totalMs: number, maxIntervalMs = 10_000) {
  const clock = new FakeClock();
  return { clock, deadline: new Deadline(clock, totalMs), maxIntervalMs, log: recordingLogger() };
}

describe("waitForRestores", () => {
  /** A fake servers API: each server's statuses in turn (the last repeats); null is a 404. */
  function servers(script: Record<number, Array<string | null>>) {
    const calls: number[] = [];
    const seen: Record<number, number> = {};
    const api = {
      getServer: async (id: number) => {
        calls.push(id);
        const steps = script[id] ?? [];
        const status = steps[Math.min((seen[id] = (seen[id] ?? -1) + 1), steps.length - 1)];
        if (status === null)
          throw new HttpStatusError(404, "Server not found.", `GET /servers/${id}/`, undefined);
        return { id, status };
      },
    } as unknown as SnapshotsApi;
    return { api, calls };
  }

  it("follows each server until it leaves restoring, checking only those still restoring", async () => {
    const { api, calls } = servers({ 1: ["restoring", "active"], 2: ["active"] });
    const results = await waitForRestores(api, [1, 2], options(600_000));
    expect(results.get(1)).toMatchObject({ kind: "finished", status: "active" });
    expect(results.get(2)).toMatchObject({ kind: "finished", status: "active" });
    expect(calls).toEqual([1, 2, 1]);
  });

  it("a server that disappears has vanished; one still restoring at the deadline timed out", async () => {
    const { api } = servers({ 1: [null], 2: ["restoring"] });
    const results = await waitForRestores(api, [1, 2], options(20_000));
    expect(results.get(1)).toMatchObject({ kind: "vanished", status: "gone" });
    expect(results.get(2)).toMatchObject({ kind: "timed-out", status: "restoring" });
  });
});
