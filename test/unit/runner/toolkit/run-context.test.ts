import * as github from "@actions/github";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Context } from "../../../../node_modules/@actions/github/lib/context.js";

// run-context.ts builds @actions/github's Context from the package's context module, not from its
// entry point (which loads Octokit). These tests hold it to what `context` from "@actions/github"
// gives under the same environment, so an upgrade that moves or changes that module fails here.

const RUN_ENV = {
  GITHUB_REPOSITORY: "acme/shop",
  GITHUB_WORKFLOW: "Deploy",
  GITHUB_SHA: "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b",
  GITHUB_RUN_ID: "9876543210",
  GITHUB_RUN_NUMBER: "42",
  GITHUB_RUN_ATTEMPT: "2",
  GITHUB_SERVER_URL: "https://ghe.example.com",
};

/** The class of the `context` that "@actions/github" exports. */
const PublicContext = github.context.constructor as new () => typeof github.context;

/**
 * run-context.ts loaded afresh and a context built as "@actions/github" builds its own, both from
 * the environment set now (the package itself stays cached across vi.resetModules).
 */
async function loadBoth(env: Record<string, string | undefined>) {
  for (const name of [...Object.keys(RUN_ENV), "GITHUB_EVENT_PATH"]) vi.stubEnv(name, undefined);
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  const { currentRunContext } = await import("../../../../src/runner/toolkit/run-context.js");
  return { context: new PublicContext(), run: currentRunContext() };
}

describe("currentRunContext", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    ["a workflow run", RUN_ENV],
    ["no run at all", {}],
  ])("gives what @actions/github's context gives for %s", async (_, env) => {
    const { context, run } = await loadBoth(env);
    expect(run).toEqual({
      repository: process.env.GITHUB_REPOSITORY ?? "",
      workflow: context.workflow ?? "",
      sha: context.sha ?? "",
      runId: context.runId || 0,
      runNumber: context.runNumber || 0,
      runAttempt: context.runAttempt || 1,
      serverUrl: context.serverUrl,
    });
  });

  it("builds @actions/github's own Context class", () => {
    expect(Context).toBe(PublicContext);
  });

  it("reads the run from the environment", async () => {
    const { run } = await loadBoth(RUN_ENV);
    expect(run).toEqual({
      repository: "acme/shop",
      workflow: "Deploy",
      sha: RUN_ENV.GITHUB_SHA,
      runId: 9876543210,
      runNumber: 42,
      runAttempt: 2,
      serverUrl: "https://ghe.example.com",
    });
  });
});
