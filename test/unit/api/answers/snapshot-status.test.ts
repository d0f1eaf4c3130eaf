import { describe, expect, it } from "vitest";
import {
  hasFailed,
  isCompleted,
  isInProgress,
} from "../../../../src/api/answers/snapshot-status.js";
import { apiSnapshot } from "../../../support/fixtures.js";

const withStatus = (status: string) => apiSnapshot({ id: 1, server: { id: 1 }, status });

describe("snapshot status: one reading for every decision", () => {
  it.each([
    ["completed", { completed: true, inProgress: false, failed: false }],
    ["in_progress", { completed: false, inProgress: true, failed: false }],
    ["failed", { completed: false, inProgress: false, failed: true }],
    ["error", { completed: false, inProgress: false, failed: true }],
  ])("reads %s", (status, reading) => {
    const snapshot = withStatus(status);
    expect({
      completed: isCompleted(snapshot),
      inProgress: isInProgress(snapshot),
      failed: hasFailed(snapshot),
    }).toEqual(reading);
  });

  it.each(["pending", "queued", "Completed", "toString", ""])(
    "an undocumented status (%j) is neither success, nor worth waiting on, nor deletable as failed",
    (status) => {
      const snapshot = withStatus(status);
      expect([isCompleted(snapshot), isInProgress(snapshot), hasFailed(snapshot)]).toEqual([
        false,
        false,
        false,
      ]);
    },
  );
});
