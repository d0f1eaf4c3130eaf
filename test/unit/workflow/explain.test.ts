import { describe, expect, it } from "vitest";
import { EndpointNotFoundError, HttpStatusError } from "../../../src/api/answers/errors.js";
import {
  explainDeleteFailures,
  explainFailure,
  wrongApiUrl,
} from "../../../src/workflow/explain.js";

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

describe("failed deletes: each distinct answer once", () => {
  const refused = (id: number) =>
    new HttpStatusError(403, "You do not have permission.", `DELETE /snapshots/${id}/`, undefined);
  it("the same answer to three deletes is one line naming all their ids", () => {
    expect(
      explainDeleteFailures(
        [801, 802, 803].map((snapshotId) => ({ snapshotId, error: refused(snapshotId) })),
      ),
    ).toEqual(["Could not delete snapshots 801, 802, 803: HTTP 403: You do not have permission."]);
  });

  it("different answers stay apart; one delete keeps its own sentence with its request", () => {
    const busy = new HttpStatusError(
      409,
      "Snapshot is in use.",
      "DELETE /snapshots/804/",
      undefined,
    );
    expect(
      explainDeleteFailures([
        { snapshotId: 801, error: refused(801) },
        { snapshotId: 804, error: busy },
        { snapshotId: 802, error: refused(802) },
        { snapshotId: 805, error: new Error("socket hang up") },
      ]),
    ).toEqual([
      "Could not delete snapshots 801, 802: HTTP 403: You do not have permission.",
      "Could not delete snapshot 804: HTTP 409 from DELETE /snapshots/804/: Snapshot is in use.",
      "Could not delete snapshot 805: socket hang up",
    ]);
  });

  it("a refused token is said once, the way every mode says it", () => {
    const token = (id: number) =>
      new HttpStatusError(401, "Invalid token.", `DELETE /snapshots/${id}/`, undefined);
    expect(
      explainDeleteFailures([
        { snapshotId: 801, error: token(801) },
        { snapshotId: 802, error: token(802) },
      ]),
    ).toEqual([
      "The API refused the token (HTTP 401: Invalid token.). Check the secret passed as api-token.",
    ]);
  });
});
