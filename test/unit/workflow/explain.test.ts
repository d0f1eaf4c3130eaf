import { describe, expect, it } from "vitest";
import { EndpointNotFoundError, HttpStatusError } from "../../../src/api/errors.js";
import { explainFailure, wrongApiUrl } from "../../../src/workflow/explain.js";

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

  it("404 from a list that every account has: the API URL looks wrong, with the URL asked", () => {
    const url = "https://vps.example/apii/v1/snapshots/?server_id=12345";
    const error = new EndpointNotFoundError(http(404, "Not found."), url);
    const sentence =
      `The API URL looks wrong: GET ${url} answered HTTP 404 (Not found.), though every account ` +
      "has that list. Check api-url: it is the base that /snapshots/ and /servers/ are added " +
      "to, such as https://admin.vps.org/api/v1.";
    // Whatever the operation: a wrong base URL fails them all alike, and is said once.
    expect(explainFailure(error, { kind: "create", serverId: 12345 })).toBe(sentence);
    expect(explainFailure(error, { kind: "list", serverId: 12345 })).toBe(sentence);
    expect(wrongApiUrl([http(404, "Server not found."), error])).toBe(sentence);
    expect(wrongApiUrl([http(404, "Server not found.")])).toBeUndefined();
  });
});
