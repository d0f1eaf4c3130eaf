// @actions/github's own Context class, from its context module, so that the bundle carries the run
// context and not Octokit and the http-client 3.x that the package's entry point loads with it. Its
// "exports" map names only "." and "./lib/utils" (both load Octokit), so the module is reached by its
// path (actions/toolkit#430); test/unit/runner/toolkit/run-context.test.ts checks it against `context`.
import { Context } from "../../../node_modules/@actions/github/lib/context.js";

/** Built once, at load, as `@actions/github` builds its `context`. */
const context = new Context();

/** The facts about the workflow run that the default snapshot name and description use. */
export interface RunContext {
  repository: string;
  workflow: string;
  sha: string;
  runId: number;
  runNumber: number;
  runAttempt: number;
  serverUrl: string;
}

export function currentRunContext(): RunContext {
  return {
    repository: process.env.GITHUB_REPOSITORY ?? "",
    workflow: context.workflow ?? "",
    sha: context.sha ?? "",
    runId: context.runId || 0,
    runNumber: context.runNumber || 0,
    runAttempt: context.runAttempt || 1,
    serverUrl: context.serverUrl,
  };
}
