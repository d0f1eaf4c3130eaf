import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { untrusted, untrustedLines } from "../../../../src/runner/text/untrusted.js";
import {
  DOTNET_WHITESPACE,
  hostileText,
  RUNNER_COMMANDS,
  runnerCommand,
} from "../../../support/runner-commands.js";

// A command in either form, at the start or mid-line, after any of the whitespace .NET trims.
const commandName = fc
  .constantFrom(...RUNNER_COMMANDS)
  .chain((name) =>
    fc
      .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
      .map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join("")),
  );
const command = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...DOTNET_WHITESPACE), maxLength: 4 }),
    fc.constantFrom("", "x ", "snapshot 901 (", "#", "##"),
    commandName,
    fc.constantFrom(["::", " name=snapshot-id::", "::"], ["##[", " name=snapshot-id;]", "]"]),
    fc.string({ maxLength: 8 }),
  )
  .map(([space, before, name, [open, props, close], data]) =>
    [space, before, open, name, data.length % 2 ? props : close, data].join(""),
  );
const anyText = fc.oneof(hostileText, command, fc.string({ unit: "binary", maxLength: 40 }));

describe("untrusted text", () => {
  it("the runner model finds the commands the generators make (or the property below is empty)", () => {
    expect(runnerCommand("\u2003\u00a0::SET-output name=snapshot-id::666")).toBe("set-output");
    expect(runnerCommand("x ##[ſet-output name=snapshot-id;]666")).toBe("set-output");
    expect(runnerCommand("snapshot 901 (###[stop-commands]t0k3n")).toBe("stop-commands");
    expect(runnerCommand("x ::warning::mid-line is not a command")).toBeNull();
    const found = fc.sample(command, 500).filter((text) => runnerCommand(text) !== null);
    expect(found.length).toBeGreaterThan(200);
  });

  it("no line of it is a command to the runner, in either form (generated cases)", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const safe = untrusted(text);
        expect(safe).not.toMatch(/[\r\n\u2028\u2029\u0085]/);
        expect(runnerCommand(safe)).toBeNull();
        expect(safe).not.toContain("##[");
        for (const line of untrustedLines(text).split("\n")) expect(runnerCommand(line)).toBeNull();
      }),
      { numRuns: 5_000 },
    );
  });

  it("defuses what it must, visibly, and keeps ordinary text as it is", () => {
    expect(untrusted("Server 12345: snapshot 801 (pre-deploy-abc) accepted.")).toBe(
      "Server 12345: snapshot 801 (pre-deploy-abc) accepted.",
    );
    expect(untrusted("(x ##[set-output name=snapshot-id;]666)")).toBe(
      "(x # #[set-output name=snapshot-id;]666)",
    );
    expect(untrusted("###[a] ##[##[b] #[c] C# [d]")).toBe("## #[a] # #[# #[b] #[c] C# [d]");
    expect(untrusted("\u00a0\u2003::warning::x ::y")).toBe("\u00a0\u2003: :warning::x ::y");
  });

  it("a failure keeps its lines, each one defused", () => {
    expect(untrustedLines("first\r\n  ::error::x\n##[debug]y ##[z]\r")).toBe(
      "first\n  : :error::x\n# #[debug]y # #[z]\n",
    );
  });
});
