import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { InputDefaults, Inputs } from "../../../../src/constants.js";
import type { RunContext } from "../../../../src/runner/toolkit/run-context.js";
import { InputError, parseInputs } from "../../../../src/workflow/inputs/parse.js";
import {
  GUARDS,
  inputsOutOfPlace,
  MODE_TABLE,
  MODES,
  STEP_INPUTS,
} from "../../../../src/workflow/inputs/modes.js";

const action = parse(readFileSync("action.yml", "utf8")) as {
  inputs: Record<string, { default?: string }>;
};
const run: RunContext = {
  repository: "octo-org/shop",
  workflow: "Deploy",
  sha: "1a2b3c4d5e6f7a8b9c0d",
  runId: 1,
  runNumber: 1,
  runAttempt: 1,
  serverUrl: "https://github.com",
};

/** A value of each input that is valid on its own and differs from its default. */
const SAMPLE: Record<string, string> = {
  [Inputs.serverId]: "12345",
  [Inputs.serverName]: "web-*",
  [Inputs.serverLocation]: "us-west",
  [Inputs.maxServers]: "5",
  [Inputs.snapshotId]: "801",
  [Inputs.name]: "pre-deploy-x",
  [Inputs.namePrefix]: "rel-",
  [Inputs.description]: "before the migration",
  [Inputs.ifExists]: "reuse",
  [Inputs.onLimit]: "fail",
  [Inputs.wait]: "false",
  [Inputs.keep]: "3",
  [Inputs.olderThan]: "7d",
  [Inputs.dryRun]: "true",
  [Inputs.rollbackOnFailure]: "true",
  [Inputs.healthUrl]: "https://{hostname}/up",
  [Inputs.healthTimeout]: "5m",
  [Inputs.healthExpect]: "ok",
  [Inputs.healthSuccesses]: "2",
};

/** What parsing says of one input given to one mode: the problems, or the notes when it passed. */
function parsed(mode: string, input: string): { problems: string[]; notes: string[] } {
  const inputs: Record<string, string> = {
    "api-token": "tok-1",
    mode,
    [input]: SAMPLE[input] ?? "",
  };
  try {
    return { problems: [], notes: parseInputs((name) => inputs[name] ?? "", run).notes };
  } catch (error) {
    return { problems: (error as InputError).problems, notes: [] };
  }
}

const problemsWith = (mode: string, input: string) => parsed(mode, input).problems;

describe("the mode table: what each mode takes, refuses, and only notes", () => {
  const modeInputs = Object.values(Inputs).filter((i) => !STEP_INPUTS.includes(i));

  it("every input of action.yml is read by every mode, or by the modes the table names", () => {
    for (const input of Object.keys(action.inputs)) {
      const takenBy = MODES.filter((m) => MODE_TABLE[m].takes.includes(input as never));
      expect(STEP_INPUTS.includes(input as never) || takenBy.length > 0, input).toBe(true);
    }
  });

  it("a guard given to a mode that does not take it is refused; any other input is said to have no effect", () => {
    for (const mode of MODES) {
      for (const input of modeInputs) {
        const { refused, ignored } = inputsOutOfPlace(mode, [input]);
        const taken = MODE_TABLE[mode].takes.includes(input);
        // Confirm takes nothing and refuses all; the mode that only waits refuses `wait`.
        const guarded =
          mode === "confirm" ||
          GUARDS.includes(input) ||
          (mode === "wait" && input === Inputs.wait);
        const where = `${input} in mode ${mode}`;
        expect(refused.length, where).toBe(!taken && guarded ? 1 : 0);
        expect(ignored.length, where).toBe(!taken && !guarded ? 1 : 0);
        // And the parser says it: a refusal among its problems.
        if (!taken && guarded) expect(problemsWith(mode, input), where).toContain(refused[0]);
      }
    }
  });

  it("an input the runner filled with its default is never refused", () => {
    for (const mode of MODES) {
      const inputs: Record<string, string> = {
        "api-token": "tok-1",
        mode,
        "server-id": "1",
        "snapshot-id": "2",
      };
      for (const [key, value] of Object.entries(InputDefaults))
        inputs[Inputs[key as keyof typeof Inputs]] = value;
      const problems = (() => {
        try {
          parseInputs((name) => inputs[name] ?? "", run);
          return [];
        } catch (error) {
          return (error as InputError).problems;
        }
      })();
      expect(
        problems.filter((p) => /applies only to/.test(p) && !/^(server|snapshot)-id/.test(p)),
        mode,
      ).toEqual([]);
    }
  });

  it("the defaults the parser fills are the ones action.yml declares", () => {
    const declared = Object.fromEntries(
      Object.entries(action.inputs).flatMap(([name, spec]) =>
        spec.default === undefined ? [] : [[name, String(spec.default)]],
      ),
    );
    const filled = Object.fromEntries(
      Object.entries(InputDefaults).map(([key, value]) => [
        Inputs[key as keyof typeof Inputs],
        value,
      ]),
    );
    expect(filled).toEqual(declared);
  });

  it("says the modes that take an input in words", () => {
    expect(problemsWith("create", Inputs.keep)).toContain(
      "keep applies only to mode prune, not create",
    );
    expect(problemsWith("delete", Inputs.olderThan)).toContain(
      "older-than applies only to mode prune, not delete",
    );
    expect(problemsWith("create", Inputs.dryRun)).toContain(
      "dry-run applies only to modes restore, prune and delete, not create",
    );
    expect(problemsWith("list", Inputs.rollbackOnFailure)).toContain(
      "rollback-on-failure applies only to mode create or wait, not list",
    );
  });
});
