import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { untrusted } from "../../src/runner/untrusted.js";
import { escapeCell } from "../../src/workflow/summary.js";

const hostilePieces = fc.constantFrom(
  "\n",
  "\r\n",
  "\r",
  "\u2028",
  "\u0085",
  "::",
  "##[",
  " ",
  "\t",
  "::set-output name=snapshot-id::666",
  "::warning::x",
  "|",
  "<b>",
  "\\",
  "a",
);
const hostileText = fc.array(hostilePieces, { maxLength: 12 }).map((parts) => parts.join(""));

describe("untrusted text", () => {
  it("never keeps a line break, and never starts a workflow command (generated cases)", () => {
    fc.assert(
      fc.property(fc.oneof(hostileText, fc.string()), (text) => {
        const safe = untrusted(text);
        expect(safe).not.toMatch(/[\r\n\u2028\u2029\u0085]/);
        expect(safe.trimStart()).not.toMatch(/^(::|##\[)/);
      }),
      { numRuns: 2_000 },
    );
  });

  it("keeps ordinary text as it is", () => {
    expect(untrusted("Server 12345: snapshot 801 (pre-deploy-abc) accepted.")).toBe(
      "Server 12345: snapshot 801 (pre-deploy-abc) accepted.",
    );
  });

  it("a summary cell stays one cell of one row (generated cases)", () => {
    fc.assert(
      fc.property(fc.oneof(hostileText, fc.string()), (text) => {
        const cell = escapeCell(text);
        expect(cell).not.toMatch(/[\r\n\u2028\u2029\u0085]/);
        // What is left once escaped backslashes and escaped pipes are taken out: no live pipe.
        expect(cell.replace(/\\\\/g, "").replace(/\\\|/g, "")).not.toContain("|");
        expect(cell).not.toMatch(/<[a-z]/i);
      }),
      { numRuns: 2_000 },
    );
  });
});
