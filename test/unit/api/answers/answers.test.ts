import { describe, expect, it } from "vitest";
import { apiMessageFrom, parseRetryAfter } from "../../../../src/api/answers/answers.js";

describe("the API's own message", () => {
  it.each([
    ['{"detail": "Server not found."}', "Server not found."],
    ['{"error": "Snapshot limit reached"}', "Snapshot limit reached"],
    ['{"message": "Bad things"}', "Bad things"],
    [
      '{"name": ["Only letters."], "server_id": ["Required."]}',
      "name: Only letters.; server_id: Required.",
    ],
    ['{"non_field_errors": ["Nope"]}', "Nope"],
    ["<html><body>502 Bad Gateway</body></html>", "(the body is not JSON)"],
    ["Service down", "Service down"],
    ["", ""],
  ])("%s -> %s", (body, message) => {
    expect(apiMessageFrom(body)).toBe(message);
  });

  it("cuts a very long body", () => {
    expect(apiMessageFrom("x".repeat(5000)).length).toBeLessThanOrEqual(300);
  });
});

describe("Retry-After", () => {
  const now = new Date("2026-11-22T12:00:00Z");
  it("reads seconds and HTTP dates, ignores nonsense", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Sun, 22 Nov 2026 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Sun, 22 Nov 2026 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
