import { afterEach } from "vitest";
import { type RunResult, runAction } from "../../scripts/run-action.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../simulator/server.js";

const open: Simulator[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((sim) => sim.close()));
});

/** A simulator that is closed after the test, whatever happens in it. */
export async function simulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ snapshotDurationMs: 600, ...options });
  open.push(sim);
  return sim;
}

/**
 * Runs the committed bundle against the simulator with the runner's environment. Every run of
 * every end-to-end test is also checked for the raw token in all that the action wrote.
 */
export async function run(
  sim: Simulator,
  inputs: Record<string, string>,
  extra: Partial<Parameters<typeof runAction>[0]> = {},
): Promise<RunResult> {
  const result = await runAction({
    inputs: { "api-url": sim.url, "api-token": sim.token, "poll-interval": "0.3s", ...inputs },
    timeoutMs: 60_000,
    ...extra,
  });
  assertNoToken(result, sim.token);
  assertNoCrash(result);
  assertGroupsDoNotNest(result);
  return result;
}

/** The runner cannot nest log groups: a group opened inside another swallows its end. */
export function assertGroupsDoNotNest(result: RunResult): void {
  let open = false;
  for (const line of result.stdout.split("\n")) {
    if (line.startsWith("::group::")) {
      if (open) throw new Error(`A log group opens inside another:\n${result.stdout}`);
      open = true;
    } else if (line.startsWith("::endgroup::")) {
      open = false;
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
export function assertNoCrash(result: RunResult): void {
  if (result.stderr.trim() !== "") {
    throw new Error(`The action wrote to stderr:\n${result.stderr}\nstdout:\n${result.stdout}`);
  }
}

/** The token may appear only in the runner's mask command, nowhere a person or a step can see. */
export function assertNoToken(result: RunResult, token: string): void {
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

export function json<T = unknown>(text: string | undefined): T {
  return JSON.parse(text ?? "null") as T;
}
