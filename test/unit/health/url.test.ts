import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Server } from "../../../src/api/answers/types.js";
import { healthUrlsFor, parseHealthUrl } from "../../../src/health/url.js";
import { hostileText } from "../../support/runner-commands.js";

const server = (fields: Partial<Server>): Server => ({ id: 12345, status: "active", ...fields });

function problemsOf(text: string) {
  const problems: string[] = [];
  return { template: parseHealthUrl(text, problems), problems };
}

/** One server's URL, or the problems it met, as the fleet's filling says them. */
function healthUrlFor(template: string, one: Server): string | string[] {
  const { urls, problems } = healthUrlsFor(template, [one]);
  return urls.get(one.id) ?? problems;
}

/** The URL of a server that fills, or the test fails with the problems it met. */
function filled(template: string, fields: Partial<Server>): string {
  const url = healthUrlFor(template, server(fields));
  if (typeof url !== "string") throw new Error(url.join("\n"));
  return url;
}

/** The problems of a server that does not fill, or the test fails with the URL it made. */
function refused(template: string, fields: Partial<Server>): string {
  const url = healthUrlFor(template, server(fields));
  if (typeof url === "string") throw new Error(`filled as ${url}`);
  return url.join("\n");
}

describe("health-url: the input", () => {
  it("takes http:// and https:// with the four placeholders, an IPv6 host in brackets too", () => {
    for (const text of [
      "https://{hostname}/healthz",
      "http://{ip}:8080/{name}/{id}",
      "http://[{ip}]:8080/up",
    ]) {
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
    const url = filled("https://{hostname}/{name}?ip={ip}&id={id}", {
      name: "web-server-01",
      hostname: "web01.example.com",
      ip_address: "203.0.113.10",
    });
    expect(url).toBe("https://web01.example.com/web-server-01?ip=203.0.113.10&id=12345");
  });

  it("an IPv6 {ip} in the host goes in brackets; one in the path is percent-encoded", () => {
    expect(filled("http://{ip}:8080/up", { ip_address: "::1" })).toBe("http://[::1]:8080/up");
    expect(filled("http://[{ip}]:8080/up", { ip_address: "2001:db8::5" })).toBe(
      "http://[2001:db8::5]:8080/up",
    );
    expect(filled("http://lb.example/{ip}", { ip_address: "::1" })).toBe(
      "http://lb.example/%3A%3A1",
    );
    expect(new URL(filled("http://{ip}:8080/up", { ip_address: "::1" })).hostname).toBe("[::1]");
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
          const url = healthUrlFor(template, server({ name }));
          // A name that is empty, or of dots alone, cannot be a piece of a path: refused before any restore.
          if (typeof url !== "string") {
            expect(name).toMatch(/^(\.+|\s*)$/);
            return;
          }
          const parsed = new URL(url);
          expect(parsed.origin).toBe("https://web01.example.com");
          const [, segment, rest] = parsed.pathname.split("/");
          expect(decodeURIComponent(segment ?? "")).toBe(name);
          expect(rest).toBe("healthz");
          expect(parsed.search + parsed.hash).toBe("");
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("no value puts the request on another host, or adds credentials or a port (generated cases)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileText,
          fc.string(),
          fc.constantFrom("evil.example/x", "a@evil.example", "h:1", "web01.example.com#", "[::1]"),
        ),
        (hostname) => {
          const url = healthUrlFor("https://{hostname}:8443/up", server({ hostname }));
          if (typeof url !== "string") return;
          const parsed = new URL(url);
          expect(parsed.hostname).toBe(hostname.toLowerCase());
          expect(parsed.port).toBe("8443");
          expect(parsed.username + parsed.password).toBe("");
          expect(parsed.pathname).toBe("/up");
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("a field sent as something other than text still fills its place in the path", () => {
    expect(filled("https://x.example/{ip}", { ip_address: { v: 4 } })).toBe(
      `https://x.example/${encodeURIComponent('{"v":4}')}`,
    );
  });
});

describe("health-url: what cannot be filled, found before any restore", () => {
  it.each([
    [
      "https://{hostname}/healthz",
      { hostname: null },
      "{hostname} takes its hostname, which is null",
    ],
    [
      "http://lb.example/{hostname}/up",
      { hostname: null },
      "{hostname} takes its hostname, which is null",
    ],
    [
      "http://lb.example/{hostname}/up",
      {},
      "{hostname} takes its hostname, which the API did not give",
    ],
    ["http://lb.example/{name}/up", { name: "" }, "{name} takes its name, which is empty"],
    [
      "http://{ip}/up",
      { ip_address: "web01" },
      '{ip} takes its ip_address, "web01", which is not an IP address',
    ],
    ["http://[{ip}]/up", { ip_address: "192.0.2.1" }, '"192.0.2.1", an IPv4 address in brackets'],
    ["https://{hostname}/up", { hostname: "evil.example/x" }, "which is not a host name"],
    ["https://{hostname}/up", { hostname: "a@evil.example" }, "which is not a host name"],
    ["https://{hostname}/up", { hostname: "web01:8080" }, "which is not a host name"],
    ["https://{name}.example/up", { name: "web server" }, "which is not a host name"],
    ["https://x.example/{name}/up", { name: ".." }, '"..", which would change the URL\'s path'],
    [
      "https://{hostname}/up",
      { hostname: "0x7f.1" },
      'its host "0x7f.1" would be read as "127.0.0.1"',
    ],
  ])("%s with %j", (template, fields, problem) => {
    const said = refused(template, fields as Partial<Server>);
    expect(said).toContain("health-url cannot be filled for server 12345: ");
    expect(said).toContain(problem);
  });

  it("a value of dots in the query changes no path and fills", () => {
    expect(filled("https://x.example/up?name={name}", { name: ".." })).toBe(
      "https://x.example/up?name=..",
    );
  });

  it("names every server and every placeholder that cannot be filled, all at once", () => {
    const { urls, problems } = healthUrlsFor("http://{hostname}/{name}", [
      server({ id: 1, hostname: null, name: "" }),
      server({ id: 2, hostname: "web02.example.com", name: "web-02" }),
      server({ id: 3, hostname: "x/y", name: "web-03" }),
    ]);
    expect([...urls]).toEqual([[2, "http://web02.example.com/web-02"]]);
    expect(problems).toEqual([
      "health-url cannot be filled for server 1: {hostname} takes its hostname, which is null",
      "health-url cannot be filled for server 1: {name} takes its name, which is empty",
      'health-url cannot be filled for server 3: {hostname} takes its hostname, "x/y", which is not a host name, so it would change the URL\'s host',
    ]);
  });
});
