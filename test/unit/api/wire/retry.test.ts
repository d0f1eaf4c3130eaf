import { describe, expect, it } from "vitest";
import {
  HttpStatusError,
  isTransient,
  NoAnswerError,
  RetryAfterPastDeadlineError,
} from "../../../../src/api/answers/errors.js";
import { Deadline } from "../../../../src/runner/time/clock.js";
import {
  backoffDelayMs,
  RateLimitGate,
  type RetryPolicy,
  withRetries,
} from "../../../../src/api/wire/retry.js";
import { FakeClock } from "../../../support/fakes.js";

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 15_000 };

function setup(totalMs = 60_000, random = () => 1) {
  const clock = new FakeClock();
  const deadline = new Deadline(clock, totalMs);
  return { clock, deadline, gate: new RateLimitGate(clock), random };
}

/** An operation that fails with the given errors in turn, then succeeds. */
function failingThen(errors: unknown[]) {
  let calls = 0;
  const operation = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return "ok";
  };
  return { operation, calls: () => calls };
}

const unavailable = (retryAfterMs?: number) =>
  new HttpStatusError(503, "Service Unavailable", "GET /snapshots/", retryAfterMs);
const reset = () => new NoAnswerError("connection", "GET /snapshots/", true, "socket hang up");

describe("retry: which failures are transient", () => {
  it.each([408, 429, 500, 502, 503, 504])("HTTP %d is transient", (status) => {
    expect(isTransient(new HttpStatusError(status, "", "GET /x/", undefined))).toBe(true);
  });
  it.each([400, 401, 403, 404, 409])("HTTP %d is not", (status) => {
    expect(isTransient(new HttpStatusError(status, "", "GET /x/", undefined))).toBe(false);
  });
  it("a lost connection, a timeout, a non-JSON or truncated body are", () => {
    for (const reason of ["connection", "timeout", "not-json", "truncated"] as const) {
      expect(isTransient(new NoAnswerError(reason, "GET /x/", true, ""))).toBe(true);
    }
  });
});

describe("retry: backoff", () => {
  it("doubles the ceiling each try up to the maximum (full jitter below it)", () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffDelayMs(n, policy, () => 1))).toEqual([
      500, 1_000, 2_000, 4_000, 15_000,
    ]);
    expect(backoffDelayMs(3, policy, () => 0.25)).toBe(500);
  });

  it("retries transient failures and returns the success", async () => {
    const ctx = setup();
    const op = failingThen([unavailable(), reset()]);
    await expect(withRetries(op.operation, isTransient, policy, ctx)).resolves.toBe("ok");
    expect(op.calls()).toBe(3);
    expect(ctx.clock.sleeps).toEqual([500, 1_000]);
  });

  it("stops after maxAttempts and throws the last error", async () => {
    const ctx = setup();
    const errors = Array.from({ length: 10 }, () => unavailable());
    const op = failingThen(errors);
    await expect(withRetries(op.operation, isTransient, policy, ctx)).rejects.toBe(errors[4]);
    expect(op.calls()).toBe(5);
  });

  it("does not retry what shouldRetry refuses", async () => {
    const ctx = setup();
    const notFound = new HttpStatusError(404, "Not found.", "GET /x/", undefined);
    const op = failingThen([notFound]);
    await expect(withRetries(op.operation, isTransient, policy, ctx)).rejects.toBe(notFound);
    expect(op.calls()).toBe(1);
    expect(ctx.clock.sleeps).toEqual([]);
  });
});

describe("retry: Retry-After", () => {
  it("waits what Retry-After asks instead of the backoff", async () => {
    const ctx = setup();
    const op = failingThen([unavailable(7_000)]);
    await withRetries(op.operation, isTransient, policy, ctx);
    expect(ctx.clock.sleeps).toEqual([7_000]);
  });

  it("gives up at once when Retry-After would end past the deadline, saying so", async () => {
    const ctx = setup(5_000);
    const op = failingThen([unavailable(6_000)]);
    const error = await withRetries(op.operation, isTransient, policy, ctx).catch((e) => e);
    expect(error).toBeInstanceOf(RetryAfterPastDeadlineError);
    expect(isTransient(error)).toBe(false);
    expect(String(error)).toMatch(
      /asked to wait 6s before trying again, and the timeout leaves 5s/,
    );
    expect(ctx.clock.sleeps).toEqual([]);
    expect(ctx.clock.now()).toBe(0);
  });

  it("a 429 whose Retry-After ends past the deadline pauses no other request", async () => {
    const ctx = setup(5_000);
    const tooMany = new HttpStatusError(429, "Slow down", "POST /snapshots/", 3_600_000);
    await expect(
      withRetries(failingThen([tooMany]).operation, isTransient, policy, ctx),
    ).rejects.toBeInstanceOf(RetryAfterPastDeadlineError);
    const other = failingThen([]);
    await withRetries(other.operation, isTransient, policy, ctx);
    expect(ctx.clock.sleeps).toEqual([]);
    expect(other.calls()).toBe(1);
  });

  it("gives up at once when the backoff would end past the deadline", async () => {
    const ctx = setup(100);
    const error = new HttpStatusError(503, "busy", "GET /snapshots/", undefined);
    const op = failingThen([error]);
    await expect(withRetries(op.operation, isTransient, policy, ctx)).rejects.toBe(error);
    expect(ctx.clock.sleeps).toEqual([]);
  });

  it("a 429 pauses every other request of the step until its Retry-After", async () => {
    const ctx = setup();
    const tooMany = new HttpStatusError(429, "Slow down", "GET /snapshots/", 4_000);
    await withRetries(failingThen([tooMany]).operation, isTransient, policy, ctx);
    expect(ctx.clock.sleeps).toEqual([4_000]);
    // Another request that starts 1 s after the 429 (time rewound: the fake clock is sequential)
    // waits out the rest of the pause before it is sent.
    ctx.clock.elapsed = 1_000;
    const other = failingThen([]);
    await withRetries(other.operation, isTransient, policy, ctx);
    expect(ctx.clock.sleeps).toEqual([4_000, 3_000]);
    expect(other.calls()).toBe(1);
  });

  it("a 503 with Retry-After does not pause the other requests", async () => {
    const ctx = setup();
    await withRetries(failingThen([unavailable(4_000)]).operation, isTransient, policy, ctx);
    const before = ctx.clock.sleeps.length;
    ctx.clock.elapsed = 0;
    await withRetries(failingThen([]).operation, isTransient, policy, ctx);
    expect(ctx.clock.sleeps.length).toBe(before);
  });
});
