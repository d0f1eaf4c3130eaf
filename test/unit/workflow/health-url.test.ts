import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Server } from "../../../src/api/types.js";
import {
  healthUrlFor,
  healthUrlProblem,
  parseHealthUrl,
} from "../../../src/workflow/health-url.js";
import { hostileText } from "../../support/runner-commands.js";

const server = (fields: Partial<Server>): Server => ({ id: 12345, status: "active", ...fields });

function problemsOf(text: string) {
  const problems: string[] = [];
  return { template: parseHealthUrl(text, problems), problems };
}

describe("health-url: the input", () => {
  it("takes http:// and https:// with the four placeholders", () => {
    for (const text of ["https://{hostname}/healthz", "http://{ip}:8080/{name}/{id}"]) {
      expect(problemsOf(text)).toEqual({ template: text, problems: [] });
    }
  });

  it.each([
    ["web01.example.com/healthz", 'health-url "web01.example.com/healthz" is not a URL'],
    [
      "ftp://{hostname}/healthz",
      'health-url "ftp://{hostname}/healthz" must use http:// or https://',
    ],
    ["https://{host}/healthz", "health-url has an unknown placeholder {host}"],
    ["https://user:pa55w0rd@{hostname}/", "health-url must not contain credentials"],
  ])("refuses %s", (text, problem) => {
    const { template, problems } = problemsOf(text);
    expect(problems.join("\n")).toContain(problem);
    expect(problems.join("\n")).not.toContain("pa55w0rd");
    if (problem.includes("placeholder")) expect(template).toBeUndefined();
  });
});

describe("health-url: filled per server", () => {
  it("fills every placeholder from the server", () => {
    const url = healthUrlFor(
      "https://{hostname}/{name}?ip={ip}&id={id}",
      server({ name: "web-server-01", hostname: "web01.example.com", ip_address: "203.0.113.10" }),
    );
    expect(url).toBe("https://web01.example.com/web-server-01?ip=203.0.113.10&id=12345");
  });

  it("a hostile server name stays one URL-encoded piece: same origin, same path, its name back (generated cases)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileText,
          fc.string(),
          fc.constantFrom("../x", "a/b?c#d", "@evil.example", ".", ".."),
        ),
        (name) => {
          const template = "https://web01.example.com/{name}/healthz";
          // A name of dots alone cannot be a piece of a path: it is refused before any restore.
          if (healthUrlProblem(template, server({ name }))) {
            expect(name).toMatch(/^\.+$/);
            return;
          }
          const url = new URL(healthUrlFor(template, server({ name })));
          expect(url.origin).toBe("https://web01.example.com");
          const [, segment, rest] = url.pathname.split("/");
          expect(decodeURIComponent(segment ?? "")).toBe(name);
          expect(rest).toBe("healthz");
          expect(url.search + url.hash).toBe("");
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("a field the API left out or sent as something else than text still fills its place", () => {
    expect(
      healthUrlFor("https://x.example/{hostname}/{ip}", server({ ip_address: { v: 4 } })),
    ).toBe(`https://x.example//${encodeURIComponent('{"v":4}')}`);
  });
});

describe("health-url: a value that would change the path", () => {
  it("a server named . or .. is refused for {name}, with {id} as the way out", () => {
    expect(healthUrlProblem("https://x.example/{name}/up", server({ name: ".." }))).toBe(
      'health-url cannot be filled for server 12345: its name ".." would change the URL\'s path rather than fill {name}. Use {id} there.',
    );
    expect(healthUrlProblem("https://x.example/{id}/up", server({ name: ".." }))).toBeUndefined();
  });
});
