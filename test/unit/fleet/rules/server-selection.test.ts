import { describe, expect, it } from "vitest";
import type { Server } from "../../../../src/api/answers/types.js";
import { serversNamed } from "../../../../src/fleet/rules/server-selection.js";

const server = (id: number, name: unknown): Server => ({ id, name, status: "active" });
const account = [
  server(1, "web-server-01"),
  server(2, "web-server-02"),
  server(3, "db-server-01"),
  server(4, "web.server.10"),
  server(5, "api (eu)"),
];
const named = (patterns: string[], maxServers = 50) =>
  serversNamed({ patterns, location: undefined, maxServers }, account);

describe("server-name: which servers a name or pattern names", () => {
  it("* is any run of characters, ? one character; the rest is literal", () => {
    expect(named(["web-*"]).serverIds).toEqual([1, 2]);
    expect(named(["*-server-0?"]).serverIds).toEqual([3, 1, 2]);
    // A dot or parentheses in a pattern are themselves, not regular-expression syntax.
    expect(named(["web.server.1?"]).serverIds).toEqual([4]);
    expect(named(["web?server?1?"]).serverIds).toEqual([4]);
    expect(named(["api (eu)"]).serverIds).toEqual([5]);
  });

  it("an exact name is matched whole and case as written", () => {
    expect(named(["web-server-0"]).problems).toHaveLength(1);
    expect(named(["WEB-SERVER-01"]).problems).toHaveLength(1);
  });

  it("names each server once, in the order of the patterns", () => {
    expect(named(["db-server-01", "*-01", "web-*"]).serverIds).toEqual([3, 1, 2]);
  });

  it("a name that matches nothing lists at most 10 names that exist", () => {
    const many = Array.from({ length: 14 }, (_, i) =>
      server(100 + i, `n-${String(i).padStart(2, "0")}`),
    );
    const { problems } = serversNamed({ patterns: ["x"], location: "eu", maxServers: 50 }, many);
    expect(problems).toEqual([
      'server-name "x" matches no server in eu. Servers that exist: n-00, n-01, n-02, n-03, n-04, n-05, n-06, n-07, n-08, n-09, and 4 more.',
    ]);
  });

  it("max-servers counts every server the names name", () => {
    expect(named(["web-*", "db-*"], 2).problems).toEqual([
      'server-name "web-*", "db-*" matches 3 servers, more than max-servers (2): narrow the pattern, or raise max-servers if you mean all of them.',
    ]);
    expect(named(["web-*", "db-*"], 3).problems).toEqual([]);
  });
});

describe("server-name: patterns count characters, not UTF-16 units", () => {
  it("? matches one character, even one outside the Basic Multilingual Plane; * any run of them", () => {
    const emoji = [server(11, "node-😀"), server(12, "node-ab"), server(13, "node-é")];
    const match = (pattern: string) =>
      serversNamed(
        { patterns: [pattern], location: undefined, maxServers: 50 },
        emoji,
      ).serverIds.sort();
    expect(match("node-?")).toEqual([11, 13]);
    expect(match("node-??")).toEqual([12]);
    expect(match("node-*")).toEqual([11, 12, 13]);
  });
});
