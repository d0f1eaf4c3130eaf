/**
 * What the runs of the action in the tests share, whether a run is the bundle's
 * (test/e2e/support.ts) or in-process (test/support/in-process.ts): both hand back the same
 * RunResult, which a test reads with the helpers here, and every run is checked the same way.
 */
import { afterEach } from "vitest";
import type { RunResult } from "../../scripts/run-action.js";
import type { Simulator } from "../../simulator/server.js";
import { type HealthService, healthService } from "./health-service.js";

const open: { close: () => Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

/** `server` (a simulator, a service), closed after the test, whatever happens in it. */
export function closedAfterTest<T extends { close: () => Promise<void> }>(server: T): T {
  open.push(server);
  return server;
}

/** The user's service behind a `health-url`, closed after the test like the simulator. */
export async function service(...args: Parameters<typeof healthService>): Promise<HealthService> {
  return closedAfterTest(await healthService(...args));
}

/**
 * The name a create step gives its snapshot when none is set: name-prefix, then the commit, the run
 * and the attempt that every run of the tests is handed (scripts/run-action.js: GITHUB_SHA,
 * GITHUB_RUN_ID, 1).
 */
export const SNAPSHOT_NAME = "pre-deploy-1a2b3c4-9876543210-1";

export type JobStatus = "success" | "failure" | "cancelled";

/** A step's inputs against `sim`, with its URL and token and a short poll interval. */
export function inputsFor(sim: Simulator, inputs: Record<string, string>): Record<string, string> {
  return { "api-url": sim.url, "api-token": sim.token, "poll-interval": "0.3s", ...inputs };
}

/**
 * What every run of every test is checked for: the raw token nowhere in what the action wrote,
 * nothing on stderr, and log groups that neither nest nor stay empty.
 */
export function checkRun(result: RunResult, token: string): void {
  assertNoToken(result, token);
  assertNoCrash(result);
  assertGroupsDoNotNestNorStayEmpty(result);
}

/**
 * The runner cannot nest log groups: a group opened inside another swallows its end. Nor may a
 * group be empty to a person: one that holds only debug lines (hidden without step debug) reads
 * as a step that said it would do something and then said nothing.
 */
function assertGroupsDoNotNestNorStayEmpty(result: RunResult): void {
  let open: string | undefined;
  let shown = 0;
  for (const line of result.stdout.split("\n")) {
    if (line.startsWith("::group::")) {
      if (open !== undefined)
        throw new Error(`A log group opens inside another:\n${result.stdout}`);
      open = line;
      shown = 0;
    } else if (line.startsWith("::endgroup::")) {
      if (shown === 0) throw new Error(`The log group ${open} is empty:\n${result.stdout}`);
      open = undefined;
    } else if (!line.startsWith("::debug::")) {
      shown++;
    }
  }
}

/** The titles of the log groups a run opened. */
export function groupsOf(result: RunResult): string[] {
  return result.stdout
    .split("\n")
    .filter((line) => line.startsWith("::group::"))
    .map((line) => line.slice("::group::".length));
}

/** The action speaks through workflow commands on stdout; anything on stderr is a crash. */
function assertNoCrash(result: RunResult): void {
  if (result.stderr.trim() !== "") {
    throw new Error(`The action wrote to stderr:\n${result.stderr}\nstdout:\n${result.stdout}`);
  }
}

/** The token may appear only in the runner's mask command, nowhere a person or a step can see. */
function assertNoToken(result: RunResult, token: string): void {
  if (everythingVisible(result).includes(token)) {
    throw new Error(`The raw token appears in what the action wrote:\n${result.stdout}`);
  }
}

/** The `::error::` annotation the step failed with, or "" when it did not fail. */
export function failureOf(result: RunResult): string {
  return result.stdout
    .split("\n")
    .filter((line) => line.startsWith("::error::"))
    .map((line) => line.slice("::error::".length).replace(/%0A/g, "\n").replace(/%25/g, "%"))
    .join("\n");
}

/** Everything a run wrote that a person or a later step can see, but the mask command itself. */
export function everythingVisible(result: RunResult): string {
  const log = `${result.stdout}\n${result.stderr}`
    .split("\n")
    .filter((line) => !line.startsWith("::add-mask::"))
    .join("\n");
  return [
    log,
    JSON.stringify(result.outputs),
    JSON.stringify(result.savedState),
    result.summary,
  ].join("\n");
}

/** The time the last progress line of a run says (`2s` of "... (2s elapsed)"). */
export function lastElapsed(result: RunResult): string | undefined {
  return [...result.stdout.matchAll(/\((\S+(?: \S+)?) elapsed\)$/gm)].at(-1)?.[1];
}

/** The ids of these snapshots, lowest first. */
export function sortedIds(snapshots: readonly { id: number }[]): number[] {
  return snapshots.map((s) => s.id).sort((a, b) => a - b);
}

export function json<T = unknown>(text: string | undefined): T {
  return JSON.parse(text ?? "null") as T;
}
