import { describe, expect, it } from "vitest";
import {
  type HealthCheck,
  healthText,
  unhealthySentence,
  waitUntilHealthy,
} from "../../../src/health/check.js";
import type { HealthAnswer, HealthProbe, HealthRequest } from "../../../src/health/probe.js";
import { Deadline } from "../../../src/runner/time/clock.js";
import { FakeClock, recordingLogger } from "../../support/fakes.js";

const URL = "http://web01.example.com/up";
const OK: HealthAnswer = { healthy: true, said: "HTTP 200: ok" };
const DOWN: HealthAnswer = { healthy: false, said: "HTTP 503: warming up" };

/** A probe that answers from a script (the last answer repeats), and keeps when it was asked. */
function scripted(clock: FakeClock, answers: HealthAnswer[], takesMs = 0) {
  const asked: { atMs: number; request: HealthRequest }[] = [];
  const probe: HealthProbe = async (request) => {
    asked.push({ atMs: clock.now(), request });
    clock.advance(takesMs);
    return answers[Math.min(asked.length - 1, answers.length - 1)] ?? DOWN;
  };
  return { probe, asked };
}

function check(fields: Partial<HealthCheck> = {}): HealthCheck {
  return { urlTemplate: URL, timeoutMs: 60_000, expect: undefined, successes: 1, ...fields };
}

function wait(clock: FakeClock, probe: HealthProbe, health: HealthCheck, stepMs = 3_600_000) {
  const log = recordingLogger();
  const options = { clock, deadline: new Deadline(clock, stepMs), maxIntervalMs: 10_000, log };
  return { log, done: waitUntilHealthy(URL, 12345, health, probe, options) };
}

describe("health-successes: answers in a row", () => {
  it("200, 503, 200, 200, 200 with 3 in a row is healthy only after the last", async () => {
    const clock = new FakeClock();
    const { probe, asked } = scripted(clock, [OK, DOWN, OK, OK, OK, DOWN]);
    const { done, log } = wait(clock, probe, check({ successes: 3 }));
    const end = await done;
    expect(asked).toHaveLength(5);
    expect(end).toMatchObject({ healthy: true, inARow: 3, afterMs: asked[4]?.atMs });
    expect(healthText(end)).toMatch(/^healthy after \d+s \(3 answers in a row\)$/);
    expect(log.lines[4]).toMatch(
      /answered HTTP 200: ok \(3 of 3 in a row, \d+s after its restore\)/,
    );
    expect(log.lines[1]).toMatch(/is not healthy yet: HTTP 503: warming up/);
  });

  it("one healthy answer is enough by default, and said without a count", async () => {
    const clock = new FakeClock();
    const { probe, asked } = scripted(clock, [DOWN, OK]);
    const end = await wait(clock, probe, check()).done;
    expect(asked).toHaveLength(2);
    expect(healthText(end)).toMatch(/^healthy after \d+s$/);
  });

  it("health-expect goes with every request", async () => {
    const clock = new FakeClock();
    const { probe, asked } = scripted(clock, [OK]);
    await wait(clock, probe, check({ expect: "ready" })).done;
    expect(asked.map((a) => a.request.expect)).toEqual(["ready"]);
  });
});

describe("the window: health-timeout, used whole", () => {
  it("asks at once, then at growing gaps up to poll-interval, the last request at the window's end", async () => {
    const clock = new FakeClock();
    const { probe, asked } = scripted(clock, [DOWN]);
    const end = await wait(clock, probe, check({ timeoutMs: 60_000 })).done;
    const times = asked.map((a) => a.atMs);
    expect(times.slice(0, 6)).toEqual([0, 1_000, 3_000, 7_000, 15_000, 25_000]);
    expect(times.at(-1)).toBe(59_000);
    expect(end).toMatchObject({ healthy: false, withinMs: 60_000, last: "HTTP 503: warming up" });
    expect(clock.now()).toBeLessThanOrEqual(60_000);
  });

  it("each request gets at most 10 s, and never more than what is left", async () => {
    const clock = new FakeClock();
    const { probe, asked } = scripted(clock, [DOWN], 10_000);
    await wait(clock, probe, check({ timeoutMs: 25_000 })).done;
    const timeouts = asked.map((a) => a.request.timeoutMs);
    expect(Math.max(...timeouts)).toBe(10_000);
    for (const { atMs, request } of asked)
      expect(atMs + request.timeoutMs).toBeLessThanOrEqual(25_000);
  });

  it("the step's deadline, when nearer, ends the window", async () => {
    const clock = new FakeClock();
    const { probe } = scripted(clock, [DOWN]);
    const end = await wait(clock, probe, check({ timeoutMs: 600_000 }), 30_000).done;
    expect(end).toMatchObject({ healthy: false, withinMs: 30_000 });
    expect(clock.now()).toBeLessThanOrEqual(30_000);
  });

  it("a service that is never healthy is named with what was wanted and the last answer", async () => {
    const clock = new FakeClock();
    const { probe } = scripted(clock, [
      OK,
      { healthy: false, said: 'HTTP 200 without "ready" in its first 64 KiB: Maintenance' },
    ]);
    const end = await wait(clock, probe, check({ timeoutMs: 5_000, expect: "ready", successes: 2 }))
      .done;
    expect(healthText(end)).toBe(
      'no 2xx with "ready", 2 in a row within 5s (last: HTTP 200 without "ready" in its first 64 KiB: Maintenance)',
    );
    expect(unhealthySentence(end, 12345, 801)).toBe(
      `Server 12345 was restored to snapshot 801, but ${URL} did not answer 2xx with "ready", 2 in a row ` +
        'within 5s (last: HTTP 200 without "ready" in its first 64 KiB: Maintenance).',
    );
  });
});
