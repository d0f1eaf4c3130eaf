/**
 * `.env.example` is what a person copies to try the action with @github/local-action: it must
 * name every input that action.yml declares, with the modes that read it (the modes' table) and
 * action.yml's default, so that it cannot drift from either.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MODE_TABLE, MODES, STEP_INPUTS } from "../../src/workflow/inputs/modes.js";

const action = parse(await readFile("action.yml", "utf8")) as {
  inputs: Record<string, { default?: unknown }>;
};
const lines = (await readFile(".env.example", "utf8")).split("\n");

/** The comment right above an input's line, as one text. */
function commentAbove(at: number): string {
  const comment: string[] = [];
  for (let i = at - 1; i >= 0 && /^# \S/.test(lines[i] ?? ""); i--) {
    comment.unshift((lines[i] ?? "").slice(2));
  }
  return comment.join(" ");
}

function modesOf(input: string): string {
  if (input === "api-token") return "every mode but confirm";
  if ((STEP_INPUTS as readonly string[]).includes(input)) return "every mode";
  return MODES.filter((mode) => (MODE_TABLE[mode].takes as readonly string[]).includes(input)).join(
    ", ",
  );
}

describe(".env.example against action.yml", () => {
  it.each(Object.entries(action.inputs))(
    "%s: its line, its modes and its default",
    (name, spec) => {
      const variable = `INPUT_${name.toUpperCase()}=`;
      const at = lines.findIndex((line) => line.replace(/^# /, "").startsWith(variable));
      expect(at, `${variable} is missing`).toBeGreaterThanOrEqual(0);
      const comment = commentAbove(at);
      expect(comment).toContain(`Modes: ${modesOf(name)}`);
      expect(comment).toContain(
        spec.default === undefined ? "No default" : `Default ${String(spec.default)}.`,
      );
    },
  );

  it("names no input that action.yml does not declare, and each once", () => {
    const named = lines.flatMap((line) => {
      const variable = /^(?:# )?INPUT_([A-Z-]+)=/.exec(line)?.[1];
      return variable ? [variable.toLowerCase()] : [];
    });
    expect([...named].sort()).toEqual(Object.keys(action.inputs).sort());
  });
});
