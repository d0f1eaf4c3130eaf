import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Inputs, Outputs } from "../../src/constants.js";

const action = parse(readFileSync("action.yml", "utf8"));
const readme = readFileSync("README.md", "utf8");

/** The first column of the README table that follows `## heading`, and its second column. */
function readmeTable(heading: string): Map<string, string> {
  const section = readme.split(`\n## ${heading}\n`)[1]?.split("\n## ")[0] ?? "";
  const rows = section.split("\n").filter((line) => /^\| `[a-z-]+` \|/.test(line));
  return new Map(
    rows.map((row) => {
      const [, name = "", second = ""] = row.split("|").map((cell) => cell.trim());
      return [name.replace(/`/g, ""), second];
    }),
  );
}

describe("the contract: action.yml, the README and the code name the same things", () => {
  it("every input in action.yml is in the README's table, and the other way round", () => {
    expect([...readmeTable("Inputs").keys()].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it("every output in action.yml is in the README's table, and the other way round", () => {
    expect([...readmeTable("Outputs").keys()].sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it("the README states the defaults that action.yml declares", () => {
    const table = readmeTable("Inputs");
    for (const [name, spec] of Object.entries<{ default?: string }>(action.inputs)) {
      if (spec.default !== undefined)
        expect(table.get(name), name).toContain(`\`${spec.default}\``);
    }
  });

  it("the code reads and writes exactly the names that action.yml declares", () => {
    expect(Object.values(Inputs).sort()).toEqual(Object.keys(action.inputs).sort());
    expect(Object.values(Outputs).sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it("the Marketplace listing: a description under 125 characters that names the provider", () => {
    // The Marketplace refuses a longer one; the provider's name is what people search for.
    expect(action.description.length).toBeLessThan(125);
    expect(action.description).toContain("VPS.org");
    expect(action.name).toContain("VPS.org");
  });

  it("runs on node24, with one bundle for main and a post step only after a failure", () => {
    expect(action.runs).toEqual({
      using: "node24",
      main: "dist/index.js",
      post: "dist/index.js",
      "post-if": "failure()",
    });
    // A confirm step needs no token; every other mode refuses to start without one (parse.ts).
    expect(action.inputs["api-token"].required).toBe(false);
  });
});
