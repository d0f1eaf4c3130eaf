import { describe, expect, it } from "vitest";
import { failureOf, groupsOf, run, simulator } from "../../support/in-process.js";

/**
 * A user's first hour: the mistakes a person makes while setting the step up (a wrong path in
 * `api-url`, a map typed by hand), each answered with a sentence that points at the fix.
 */
describe("a wrong api-url: one sentence with the URL asked, naming api-url, in every mode", () => {
  const wrongPath = (url: string) => url.replace("/api/v1", "/apii/v1");

  it.each([
    ["create", { "server-id": "12345" }, "?server_id=12345"],
    ["create, a fleet", { "server-id": "12345 12346" }, ""],
    ["restore latest", { mode: "restore", "snapshot-id": "latest", "server-id": "12345" }, "?"],
    ["restore a map", { mode: "restore", "snapshot-id": '{"12345":801}' }, "?server_id=12345"],
    ["restore ids", { mode: "restore", "snapshot-id": "801" }, ""],
    ["wait", { mode: "wait", "snapshot-id": '{"12345":801}' }, "?server_id=12345"],
    ["delete", { mode: "delete", "snapshot-id": "801" }, ""],
    ["list", { mode: "list", "server-id": "12345" }, "?server_id=12345"],
    ["prune", { mode: "prune", "server-id": "12345" }, "?server_id=12345"],
  ])("%s", async (_name, inputs, query) => {
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-x" }],
    });
    const apiUrl = wrongPath(sim.url);
    const result = await run(sim, { ...inputs, "api-url": apiUrl });
    expect(result.exitCode).toBe(1);
    const [first, ...rest] = failureOf(result).split("\n");
    expect(first).toContain(`The API URL looks wrong: GET ${apiUrl}/snapshots/${query}`);
    expect(first).toMatch(
      /answered HTTP 404 \(Not found\.\), though every account has that list\. Check api-url: /,
    );
    // Nothing that only repeats the wrong URL: no server that "does not exist", nothing "gone".
    expect(rest.join("\n")).not.toMatch(/does not exist|gone|HTTP 404/);
    expect(sim.snapshot(801)).toBeDefined();
    expect(result.summary).toContain("The API URL looks wrong");
  });
});

describe("a base URL without a path (https://host)", () => {
  it("is joined with each path whole, and errors name the path as the API has it", async () => {
    const sim = await simulator({ basePath: "" });
    const made = await run(sim, { "server-id": "12345" });
    expect(made.exitCode).toBe(0);
    expect(made.stdout).toContain("::debug::GET /servers/12345/ -> HTTP 200");
    const missing = await run(sim, { "server-id": "99999" });
    expect(failureOf(missing)).toContain("(HTTP 404 from GET /servers/99999/: Server not found.)");
  });
});

describe("a mistyped mode or input name: did you mean, in the same error", () => {
  it("mode restor: the mode meant, before any request", async () => {
    const sim = await simulator();
    const result = await run(sim, { mode: "restor", "snapshot-id": "801" });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toContain(
      'mode "restor" is not one of: create, wait, restore, prune, delete, list, confirm: did you mean restore?',
    );
    expect(sim.requests).toEqual([]);
  });

  it("server_id for server-id: the input meant, in the same error as the one it left missing", async () => {
    const sim = await simulator();
    const result = await run(sim, { server_id: "12345" });
    expect(result.exitCode).toBe(1);
    const problems = failureOf(result).split("\n");
    expect(problems).toContain(
      "- server_id is not an input of this action: did you mean server-id?",
    );
    expect(problems).toContain("- server-id or server-name is required in mode create");
    expect(sim.requests).toEqual([]);
  });

  it("dry_run for dry-run on a prune: refused, so that nothing is deleted by an unread guard", async () => {
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-a" }],
    });
    const result = await run(sim, {
      mode: "prune",
      "server-id": "12345",
      keep: "0",
      dry_run: "true",
    });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result)).toContain(
      "dry_run is not an input of this action: did you mean dry-run?",
    );
    expect(sim.deletions).toEqual([]);
    expect(sim.requests).toEqual([]);
  });
});

describe("snapshot-id: what a person mistypes", () => {
  it("a map that is not JSON: one problem, with the parser's position, in the log and the summary", async () => {
    const sim = await simulator();
    const result = await run(sim, { mode: "restore", "snapshot-id": '{"12345": 801' });
    expect(result.exitCode).toBe(1);
    const problem =
      /^- snapshot-id starts with "\{" but is not valid JSON \(.*position 13\b.*\): \{"12345": 801$/m;
    expect(failureOf(result).split("\n")).toEqual([
      "The step's inputs are not valid:",
      expect.stringMatching(problem),
    ]);
    expect(result.summary).toMatch(/^### VPS snapshot: the step's inputs are not valid$/m);
    expect(result.summary).toMatch(/^- :x: snapshot-id starts with .*position 13\b/m);
    expect(result.summary).toContain("Nothing was sent to the API");
    expect(sim.requests).toHaveLength(0);
  });

  it("wait, a map whose server does not exist: the server id is the likely typo", async () => {
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-x" }],
    });
    const result = await run(sim, { mode: "wait", "snapshot-id": '{"12345":801,"12364":818}' });
    expect(result.exitCode).toBe(1);
    expect(failureOf(result).split("\n")).toEqual([
      "Server 12364 does not exist, or this token cannot see it (HTTP 404 from GET /servers/12364/: Server not found.): is the server id in snapshot-id a typo?",
      "Nothing was waited for.",
    ]);
    // Only the server whose snapshot was not found is asked about.
    expect(sim.requestsFor("get-server").map((r) => r.path)).toEqual(["/api/v1/servers/12364/"]);
  });

  it("wait, a map whose snapshot is on no server of the map: the snapshot id, with the ids there", async () => {
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-x" }],
    });
    const result = await run(sim, { mode: "wait", "snapshot-id": '{"12345":818}' });
    expect(failureOf(result).split("\n")[0]).toBe(
      "Snapshot 818 is not on server web-server-01 (12345) (its snapshots: 801): is the snapshot id in snapshot-id a typo?",
    );
  });

  it("a map that is right costs no request about its servers", async () => {
    const sim = await simulator({
      snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-x" }],
    });
    const result = await run(sim, { mode: "wait", "snapshot-id": '{"12345":801}' });
    expect(result.exitCode).toBe(0);
    expect(sim.requestsFor("get-server")).toHaveLength(0);
    expect(groupsOf(result)).toEqual([]);
  });
});
