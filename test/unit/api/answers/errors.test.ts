import { describe, expect, it } from "vitest";
import {
  HttpStatusError,
  mayHaveTakenEffect,
  NoAnswerError,
} from "../../../../src/api/answers/errors.js";

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
