import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RunContext } from "../../../src/runner/toolkit/run-context.js";
import {
  commitsOf,
  defaultDescription,
  defaultSnapshotName,
  isMadeForCommit,
  isValidName,
  parseCommitWord,
  readDefaultName,
} from "../../../src/workflow/snapshot-name.js";
import { apiSnapshot } from "../../support/fixtures.js";

const run = (fields: Partial<RunContext> = {}): RunContext => ({
  repository: "octo/site",
  workflow: "Deploy",
  sha: "3f2a9c1d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
  runId: 9876543210,
  runNumber: 42,
  runAttempt: 1,
  serverUrl: "https://github.com",
  ...fields,
});

const prefixes = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const shas = fc.oneof(fc.constant(""), fc.stringMatching(/^[0-9a-f]{7,40}$/));

describe("snapshot name: what is written is read back", () => {
  it("reads every default name back to its prefix, commit, run id and attempt", () => {
    fc.assert(
      fc.property(
        prefixes,
        shas,
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 99 }),
        (prefix, sha, runId, runAttempt) => {
          const name = defaultSnapshotName(prefix, run({ sha, runId, runAttempt }));
          expect(isValidName(name)).toBe(true);
          expect(readDefaultName(name, prefix)).toEqual({
            prefix,
            commit: sha === "" ? undefined : sha.slice(0, 7),
            runId,
            attempt: runAttempt,
          });
        },
      ),
    );
  });

  it("finds the commit of the default name and description, for any prefix", () => {
    fc.assert(
      fc.property(prefixes, fc.stringMatching(/^[0-9a-f]{7,40}$/), (prefix, sha) => {
        const context = run({ sha });
        const snapshot = apiSnapshot({
          name: defaultSnapshotName(prefix, context),
          description: defaultDescription(context),
        });
        expect(commitsOf(snapshot, prefix)).toEqual([sha.slice(0, 7), sha.slice(0, 7)]);
        expect(isMadeForCommit(snapshot, prefix, sha)).toBe(true);
      }),
    );
  });

  it("reads no commit from a name without the prefix, nor from the run id", () => {
    expect(readDefaultName("manual-3f2a9c1-1-1", "pre-deploy-")).toBeUndefined();
    expect(readDefaultName("pre-deploy-local-9876543210-1", "pre-deploy-")?.commit).toBeUndefined();
    expect(
      commitsOf(apiSnapshot({ name: "pre-deploy-x-9876543210-1", description: "" }), "pre-deploy-"),
    ).toEqual([]);
  });

  it("reads the commit of a name in the default shape that someone wrote by hand", () => {
    expect(readDefaultName("pre-deploy-3F2A9C1-hotfix", "pre-deploy-")).toEqual({
      prefix: "pre-deploy-",
      commit: "3f2a9c1",
      runId: undefined,
      attempt: undefined,
    });
  });
});

describe("snapshot name: commit:<sha>", () => {
  it.each([
    ["commit:3F2A9C1", { sha: "3f2a9c1", valid: true }],
    ["Commit: 3f2a9c1d", { sha: "3f2a9c1d", valid: true }],
    ["commit:xyz", { sha: "xyz", valid: false }],
    ["latest", undefined],
  ])("reads %j", (text, parsed) => {
    expect(parseCommitWord(text)).toEqual(parsed);
  });
});
