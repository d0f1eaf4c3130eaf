import { describe, expect, it } from "vitest";
import { nearMiss } from "../../../../src/workflow/inputs/near-miss.js";

const MODES = ["create", "wait", "restore", "prune", "delete", "list", "confirm"];
const INPUTS = ["server-id", "server-name", "snapshot-id", "api-token", "dry-run", "keep"];

describe("did you mean", () => {
  it.each([
    ["restor", "restore"],
    ["Restore", "restore"],
    ["creat", "create"],
    ["prnue", "prune"],
    ["confrim", "confirm"],
    ["lst", "list"],
  ])("mode %s: %s", (given, meant) => {
    expect(nearMiss(given, MODES)).toBe(meant);
  });

  it.each([
    ["server_id", "server-id"],
    ["SERVER_ID", "server-id"],
    ["server-ids", "server-id"],
    ["snapshot_id", "snapshot-id"],
    ["api_token", "api-token"],
    ["dryrun", "dry-run"],
  ])("input %s: %s", (given, meant) => {
    expect(nearMiss(given, INPUTS)).toBe(meant);
  });

  it.each(["backup", "snapshot", "", "kept-all"])("%j is too far from any to guess", (given) => {
    expect(nearMiss(given, [...MODES, ...INPUTS])).toBeUndefined();
  });
});
