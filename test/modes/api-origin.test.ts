/**
 * Paging and redirects stay on the API's origin: no request, and so no token, goes elsewhere.
 */
import { describe, expect, it } from "vitest";
import { snapshotsOn } from "../support/fixtures.js";
import { failureOf, run, simulator } from "../support/in-process.js";

describe("paging and redirects stay on the API's origin", () => {
  it("follows next links on the API's own origin across pages", async () => {
    const sim = await simulator({
      pageSize: 2,
      snapshots: snapshotsOn(12345, 4, { prefix: "pre-deploy-" }),
    });
    const result = await run(sim, { mode: "list", "server-id": "12345 12346" });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs.snapshots ?? "[]")).toHaveLength(4);
    expect(sim.requestsFor("list-snapshots").map((r) => r.query.page ?? "1")).toEqual(["1", "2"]);
  });

  it("refuses a next link to another origin, which never receives the token", async () => {
    const other = await simulator();
    const sim = await simulator({
      pageSize: 1,
      nextLinkOrigin: other.origin,
      snapshots: [
        { serverId: 12345, name: "a" },
        { serverId: 12345, name: "b" },
      ],
    });
    const result = await run(sim, { mode: "list", "server-id": "12345" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(
      new RegExp(`Refused to follow ${other.origin} .*not on the API's origin ${sim.origin}`),
    );
    expect(other.requests).toHaveLength(0);
  });

  it("refuses a redirect to another origin, which never receives the token", async () => {
    const other = await simulator();
    const sim = await simulator();
    sim.addFault({
      route: "list-snapshots",
      fault: { type: "redirect", status: 302, location: `${other.url}/snapshots/?server_id=12345` },
    });
    const result = await run(sim, { "server-id": "12345" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toMatch(/Refused to follow/);
    expect(other.requests).toHaveLength(0);
    expect(sim.requestsFor("create-snapshot")).toHaveLength(0);
  });
});
