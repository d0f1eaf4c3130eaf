import { describe, expect, it } from "vitest";
import { HttpStatusError, isTransient, NoAnswerError } from "../../../../src/api/answers/errors.js";
import { Deadline } from "../../../../src/runner/time/clock.js";
import { waitUntil } from "../../../../src/runner/time/poll.js";
import { FakeClock, recordingLogger } from "../../../support/fakes.js";

function options(totalMs: number, maxIntervalMs = 10_000) {
  const clock = new FakeClock();
  // The API's passing failures, as the fleet's waits poll with them.
  return {
    clock,
    deadline: new Deadline(clock, totalMs),
    maxIntervalMs,
    log: recordingLogger(),
    isPassing: isTransient,
  };
}

describe("waitUntil: gaps", () => {
  it("starts at 1 s and doubles up to the poll interval", async () => {
    const opts = options(600_000);
    let checks = 0;
    await waitUntil(async () => (++checks === 7 ? "done" : undefined), opts);
    expect(opts.clock.sleeps).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000]);
  });

  it("never sleeps longer than the poll interval, even a short one", async () => {
    const opts = options(600_000, 300);
    let checks = 0;
    await waitUntil(async () => (++checks === 3 ? "done" : undefined), opts);
    expect(opts.clock.sleeps).toEqual([300, 300, 300]);
  });

  it("sees completion within one poll interval of it happening", async () => {
    const opts = options(600_000);
    const completesAt = 123_456;
    const outcome = await waitUntil(
      async () => (opts.clock.now() >= completesAt ? opts.clock.now() : undefined),
      opts,
    );
    expect(outcome.done).toBe(true);
    if (outcome.done) expect(outcome.value - completesAt).toBeLessThanOrEqual(10_000);
  });
});

describe("waitUntil: the deadline", () => {
  it("makes its last check just before the deadline, not one interval before it", async () => {
    const opts = options(25_000);
    const checkedAt: number[] = [];
    const outcome = await waitUntil(async () => {
      checkedAt.push(opts.clock.now());
      return undefined;
    }, opts);
    expect(outcome.done).toBe(false);
    expect(checkedAt.at(-1)).toBe(24_000);
    expect(opts.clock.now()).toBeLessThanOrEqual(25_000);
  });

  it("finds work that completes right before the deadline", async () => {
    const opts = options(25_000);
    const outcome = await waitUntil(
      async () => (opts.clock.now() >= 23_500 ? "done" : undefined),
      opts,
    );
    expect(outcome.done).toBe(true);
  });
});

describe("waitUntil: failures", () => {
  it("a transient failure costs one check, with a warning", async () => {
    const opts = options(600_000);
    let checks = 0;
    const outcome = await waitUntil(async () => {
      checks++;
      if (checks === 1) throw new NoAnswerError("connection", "GET /snapshots/", true, "reset");
      return "done";
    }, opts);
    expect(outcome).toEqual({ done: true, value: "done" });
    expect(opts.log.warnings.join("\n")).toMatch(/status check failed.*reset/);
  });

  it("a wait that times out says why its last check failed", async () => {
    const opts = options(10_000);
    const outcome = await waitUntil(async () => {
      throw new HttpStatusError(502, "Bad Gateway", "GET /snapshots/", undefined);
    }, opts);
    expect(outcome).toEqual({
      done: false,
      lastFailure: "HTTP 502 from GET /snapshots/: Bad Gateway",
    });
  });

  it("any other error ends the wait at once", async () => {
    const opts = options(600_000);
    const refused = new HttpStatusError(401, "Invalid token.", "GET /snapshots/", undefined);
    await expect(
      waitUntil(async () => {
        throw refused;
      }, opts),
    ).rejects.toBe(refused);
    expect(opts.clock.now()).toBe(1_000);
  });
});
