import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSnapshotSelection } from "../../../../src/workflow/inputs/snapshot-selection.js";

function problemsOf(text: string): string[] {
  const problems: string[] = [];
  parseSnapshotSelection(text, problems, []);
  return problems;
}

const namedTwice = (problems: string[]) => problems.filter((p) => /names server \d+ /.test(p));

function selection(text: string) {
  const problems: string[] = [];
  const parsed = parseSnapshotSelection(text, problems, []);
  return { parsed, problems };
}

describe("snapshot-id: what it can name", () => {
  it("ids separated by commas, spaces or newlines", () => {
    expect(selection("801, 802\n803").parsed).toEqual({ kind: "ids", ids: [801, 802, 803] });
  });

  it("the snapshot-ids JSON of a create step, ids as numbers or strings", () => {
    expect(selection('{"12345":802,"12346":"803"}').parsed).toEqual({
      kind: "by-server",
      pairs: [
        { serverId: 12345, snapshotId: 802 },
        { serverId: 12346, snapshotId: 803 },
      ],
    });
  });

  it("latest, in any case", () => {
    expect(selection("Latest").parsed).toEqual({ kind: "latest" });
  });

  it.each([
    ["{not json", "is not valid JSON"],
    ['{"abc": 1}', 'maps "abc" to 1'],
    ['{"1": -5}', 'maps "1" to -5'],
    ['{"1": 1.5}', 'maps "1" to 1.5'],
    ["{}", "is an empty JSON object"],
    ["801 x", 'snapshot-id "x" is not a positive integer'],
  ])("%j is refused: %s", (text, message) => {
    expect(selection(text).problems.join("\n")).toContain(message);
  });
});

describe("snapshot-id map: a server named twice is refused in every form", () => {
  it.each([
    ['{"1":11,"1":12}', 'snapshot-id names server 1 2 times (keys "1", "1")'],
    ['{"1":11,"01":12}', 'snapshot-id names server 1 2 times (keys "1", "01")'],
    [
      String.raw`{"1":11,"\u0031":12}`,
      String.raw`snapshot-id names server 1 2 times (keys "1", "\u0031")`,
    ],
    [
      String.raw`{ "12345" : 801 , "2": 5, "0012345":802, "\u00312345" : 803 }`,
      String.raw`snapshot-id names server 12345 3 times (keys "12345", "0012345", "\u00312345")`,
    ],
  ])("%s", (text, problem) => {
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });

  it("names each server named twice, once", () => {
    expect(namedTwice(problemsOf('{"1":11,"2":21,"01":12,"02":22,"3":31}'))).toEqual([
      'snapshot-id names server 1 2 times (keys "1", "01"): a server can have only one snapshot in the map',
      'snapshot-id names server 2 2 times (keys "2", "02"): a server can have only one snapshot in the map',
    ]);
  });

  it("counts only the map's own keys: not values, not keys inside a value, not a quote in a key", () => {
    expect(problemsOf('{"1":"2","2":12}')).toEqual([]);
    expect(namedTwice(problemsOf('{"1":11,"2":{"1":3},"3":["1",":"]}'))).toEqual([]);
    expect(namedTwice(problemsOf(String.raw`{"1\":":11,"1":12}`))).toEqual([]);
  });

  it("takes a map whose servers are all different", () => {
    const problems: string[] = [];
    expect(parseSnapshotSelection('{"12345":801,"012346":802}', problems, [])).toEqual({
      kind: "by-server",
      pairs: [
        { serverId: 12345, snapshotId: 801 },
        { serverId: 12346, snapshotId: 802 },
      ],
    });
    expect(problems).toEqual([]);
  });

  /** A server id as a map key could spell it: leading zeros, any digit written as `\u003N`. */
  const spelling = (id: number) =>
    fc
      .tuple(fc.nat({ max: 2 }), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }))
      .map(([zeros, escaped]) =>
        `${"0".repeat(zeros)}${id}`
          .split("")
          .map((digit, i) => (escaped[i] ? `\\u003${digit}` : digit))
          .join(""),
      );

  it("refuses a map exactly when one server is in it twice, however spelled (generated cases)", () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 6 })
          .chain((servers) =>
            fc.tuple(...servers.map((id) => fc.tuple(fc.constant(id), spelling(id)))),
          ),
        (entries) => {
          const text = `{${entries.map(([, key], i) => `"${key}": ${801 + i}`).join(", ")}}`;
          const counts = new Map<number, number>();
          for (const [id] of entries) counts.set(id, (counts.get(id) ?? 0) + 1);
          const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
          const problems = problemsOf(text);
          expect(problems).toHaveLength(repeated.length);
          for (const id of repeated) {
            expect(
              problems.some((p) => p.includes(`names server ${id} ${counts.get(id)} times`)),
            ).toBe(true);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
