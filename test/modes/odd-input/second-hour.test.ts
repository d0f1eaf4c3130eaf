import { describe, expect, it } from "vitest";
import { failureOf, run, simulator } from "../../support/in-process.js";

describe("the second hour's mistakes, each caught or said plainly", () => {
  it.each([
    [{ timeout: "10" }, 'timeout "10" needs a unit: 10m, 600s or 1h'],
    [{ "poll-interval": "10" }, 'poll-interval "10" needs a unit: 10s or 10m'],
    [{ mode: "prune", "older-than": "7", keep: "0" }, 'older-than "7" needs a unit: 7d or 7h'],
  ])("a duration without a unit is refused before any request: %o", async (inputs, problem) => {
    const sim = await simulator();
    const result = await run(sim, { "server-id": "12345", ...inputs });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toContain(problem);
    expect(sim.requests).toEqual([]);
  });

  it.each(["create", "list", "prune"])(
    "a refused token with three servers is said once in the log and once in the summary (%s)",
    async (mode) => {
      const sim = await simulator();
      const result = await run(sim, {
        mode,
        "server-id": "12345 12346 12347",
        "api-token": "wrong",
      });
      expect(result.exitCode).toBe(1);
      const refused = /The API refused the token/g;
      expect(result.stdout.match(refused)).toHaveLength(1);
      expect(result.summary.match(refused)).toHaveLength(1);
    },
  );

  it("a refused token on a delete of three ids: said once, and no delete is sent", async () => {
    const sim = await simulator();
    const result = await run(sim, {
      mode: "delete",
      "snapshot-id": "801 802 803",
      "api-token": "wrong",
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout.match(/The API refused the token/g)).toHaveLength(1);
    expect(sim.requestsFor("delete-snapshot")).toEqual([]);
  });

  it("server-name node-? names a server whose last character is outside the Basic Multilingual Plane", async () => {
    const sim = await simulator({
      servers: [
        { id: 20001, name: "node-😀" },
        { id: 20002, name: "node-10" },
      ],
    });
    const result = await run(sim, { mode: "list", "server-name": "node-?" });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("Servers: server node-😀 (20001).");
  });
});
