import { describe, expect, it } from "vitest";
import { apiMessageFrom, parseRetryAfter } from "../../src/api/answers.js";
import { HttpStatusError, mayHaveTakenEffect, NoAnswerError } from "../../src/api/errors.js";
import { explainFailure } from "../../src/workflow/explain.js";

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

describe("which failures may hide a processed request", () => {
  it("5xx and lost answers may; 4xx and refused connections may not", () => {
    expect(mayHaveTakenEffect(new HttpStatusError(500, "", "POST /snapshots/", undefined))).toBe(
      true,
    );
    expect(mayHaveTakenEffect(new HttpStatusError(502, "", "POST /snapshots/", undefined))).toBe(
      true,
    );
    expect(mayHaveTakenEffect(new NoAnswerError("timeout", "POST /snapshots/", true, ""))).toBe(
      true,
    );
    expect(mayHaveTakenEffect(new NoAnswerError("not-json", "POST /snapshots/", true, ""))).toBe(
      true,
    );
    expect(mayHaveTakenEffect(new NoAnswerError("connection", "POST /snapshots/", false, ""))).toBe(
      false,
    );
    expect(mayHaveTakenEffect(new HttpStatusError(429, "", "POST /snapshots/", 1000))).toBe(false);
    expect(mayHaveTakenEffect(new HttpStatusError(400, "", "POST /snapshots/", undefined))).toBe(
      false,
    );
  });
});

describe("explaining failures in a person's words", () => {
  const http = (status: number, message: string) =>
    new HttpStatusError(status, message, "POST /snapshots/", undefined);

  it("401: the token was refused, check the secret", () => {
    const text = explainFailure(http(401, "Invalid token."), { kind: "create", serverId: 1 });
    expect(text).toMatch(
      /refused the token \(HTTP 401: Invalid token\.\)\. Check the secret passed as api-token/,
    );
  });

  it("404 on create: the server does not exist", () => {
    expect(
      explainFailure(http(404, "Server not found."), { kind: "create", serverId: 777 }),
    ).toMatch(/^Server 777 does not exist.*HTTP 404.*Server not found\..*Check server-id/);
  });

  it("400 on create: the API's reason, with the 5-snapshot limit named", () => {
    expect(explainFailure(http(400, "name: Only letters."), { kind: "create", serverId: 1 })).toBe(
      "The API refused to create a snapshot of server 1 (HTTP 400 from POST /snapshots/: name: Only letters.).",
    );
    const limit = explainFailure(http(400, "Snapshot limit reached."), {
      kind: "create",
      serverId: 1,
    });
    expect(limit).toMatch(/already has 5 snapshots, the provider's limit/);
    const byCount = explainFailure(http(400, "Bad request"), {
      kind: "create",
      serverId: 1,
      snapshotsOnServer: 5,
    });
    expect(byCount).toMatch(/already has 5 snapshots/);
  });
});
