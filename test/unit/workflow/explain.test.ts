import { describe, expect, it } from "vitest";
import { HttpStatusError } from "../../../src/api/errors.js";
import { explainFailure } from "../../../src/workflow/explain.js";

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
