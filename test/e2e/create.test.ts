/**
 * A create step as the runner runs the bundle: its outputs read back from GITHUB_OUTPUT. The rest of
 * create mode is tested in-process (test/modes/create/).
 */
import { describe, expect, it } from "vitest";
import { failureOf, json, run, SNAPSHOT_NAME, simulator } from "./support.js";

describe("create: success", () => {
  it("creates one snapshot, waits for it, and sets every output", async () => {
    const sim = await simulator();
    const result = await run(sim, { "server-id": "12345" });

    expect(result.exitCode).toBe(0);
    expect(failureOf(result)).toBe("");
    const [made] = sim.snapshotsOf(12345);
    expect(sim.snapshotsOf(12345)).toHaveLength(1);
    expect(made).toMatchObject({ name: SNAPSHOT_NAME, status: "completed" });
    expect(result.outputs).toMatchObject({
      "snapshot-id": String(made?.id),
      "snapshot-ids": JSON.stringify({ 12345: made?.id }),
      "snapshot-name": SNAPSHOT_NAME,
      "snapshot-status": "completed",
      "snapshot-size-mb": String(made?.size_mb),
      "snapshot-created-at": made?.created_at,
    });
    expect(json(result.outputs.snapshots)).toEqual([made]);
    expect(made?.description).toContain("https://github.com/octo-org/shop/actions/runs/9876543210");
  });
});
