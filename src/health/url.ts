import { isIP } from "node:net";
import type { Server } from "../api/answers/types.js";
import { Inputs } from "../constants.js";
import { hideCredentials } from "../runner/text/redact.js";

/** The placeholders a `health-url` may hold, and the field of `GET /servers/{id}/` each takes. */
const PLACEHOLDERS = {
  id: "id",
  name: "name",
  hostname: "hostname",
  ip: "ip_address",
} as const satisfies Record<string, keyof Server>;
type Placeholder = keyof typeof PLACEHOLDERS;

const PLACEHOLDER = /\{([^{}]*)\}/g;
/** Letters, digits, hyphens and underscores in dot-separated labels: nothing that ends a host. */
const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/**
 * Checks a `health-url` as far as it can be without a server: `http://` or `https://` (nothing
 * secret is ever sent there, and `http://{ip}/` is common where a certificate names only the
 * host), known placeholders only, no credentials. Returns the template, or undefined with the
 * problems said.
 */
export function parseHealthUrl(text: string, problems: string[]): string | undefined {
  if (text === "") return undefined;
  const unknown = [...text.matchAll(PLACEHOLDER)]
    .map(([, name]) => name ?? "")
    .filter((name) => !(name in PLACEHOLDERS));
  for (const name of new Set(unknown)) {
    problems.push(
      `${Inputs.healthUrl} has an unknown placeholder {${name}}: use ${Object.keys(PLACEHOLDERS)
        .map((p) => `{${p}}`)
        .join(", ")}`,
    );
  }
  let url: URL;
  try {
    url = new URL(sample(text));
  } catch {
    problems.push(
      `${Inputs.healthUrl} "${hideCredentials(text)}" is not a URL (it needs http:// or https://)`,
    );
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    problems.push(`${Inputs.healthUrl} "${hideCredentials(text)}" must use http:// or https://`);
  }
  if (url.username || url.password) {
    problems.push(
      `${Inputs.healthUrl} must not contain credentials: the health check sends nothing secret`,
    );
  }
  return unknown.length === 0 ? text : undefined;
}

/** Each server's health URL, or every reason one cannot be built: settled before any restore. */
export interface HealthUrls {
  urls: Map<number, string>;
  problems: string[];
}

/**
 * Fills the template for every server, from what `GET /servers/{id}/` said of it during the
 * checks before any change: a problem found after a restore would already have cost the user the
 * data written since the snapshot.
 */
export function healthUrlsFor(template: string, servers: Iterable<Server>): HealthUrls {
  const urls = new Map<number, string>();
  const problems: string[] = [];
  for (const server of servers) {
    const filled = healthUrlFor(template, server);
    if (typeof filled === "string") urls.set(server.id, filled);
    else problems.push(...filled);
  }
  return { urls, problems };
}

/**
 * The template filled from one server, or why it cannot be. In the host, a value must be what its
 * placeholder says (`{ip}` an IP address, bracketed when IPv6; the others a host name), so that it
 * cannot move the request to another host or add credentials or a port. Elsewhere each value is
 * percent-encoded, which keeps it one piece; only a value of dots alone would still be read as a
 * step up the path (URL parsers take `%2e%2e` for `..` too).
 */
function healthUrlFor(template: string, server: Server): string | string[] {
  const hostEnd = authorityEnd(template);
  const problems: string[] = [];
  const url = template.replace(PLACEHOLDER, (whole, name: string, offset: number) => {
    if (!(name in PLACEHOLDERS)) return whole;
    const placeholder = name as Placeholder;
    const field = PLACEHOLDERS[placeholder];
    const raw = server[field];
    // Any JSON value the API sent: a field documented as text may come as a number or an object.
    const value = typeof raw === "string" ? raw : JSON.stringify(raw ?? "");
    const cannot = (why: string) => {
      problems.push(
        `${Inputs.healthUrl} cannot be filled for server ${server.id}: {${placeholder}} takes its ` +
          `${field}, ${why}`,
      );
      return whole;
    };
    if (raw === undefined) return cannot("which the API did not give");
    if (raw === null) return cannot("which is null");
    if (value.trim() === "") return cannot("which is empty");
    if (offset < hostEnd) {
      const bracketed = template[offset - 1] === "[";
      if (placeholder === "ip") {
        const version = isIP(value);
        if (version === 0) return cannot(`"${value}", which is not an IP address`);
        if (version === 6 && !bracketed) return `[${value}]`;
        if (version === 4 && bracketed) return cannot(`"${value}", an IPv4 address in brackets`);
        return value;
      }
      if (!HOSTNAME.test(value)) {
        return cannot(`"${value}", which is not a host name, so it would change the URL's host`);
      }
      return value;
    }
    if (/^\.+$/.test(value) && offset < pathEnd(template, hostEnd)) {
      return cannot(
        `"${value}", which would change the URL's path rather than fill it. Use {id} there`,
      );
    }
    return encodeURIComponent(value);
  });
  if (problems.length > 0) return problems;
  const cannot = `${Inputs.healthUrl} cannot be filled for server ${server.id}`;
  if (!URL.canParse(url)) return [`${cannot}: "${url}" is not a URL`];
  // A URL parser reads `7f.1` or `0x7f000001` as an IP address: a host name must stay itself.
  const host = url.slice(url.indexOf("://") + 3, authorityEnd(url)).replace(/:\d*$/, "");
  const read = new URL(url).hostname;
  if (!template.slice(0, hostEnd).includes("{ip}") && read !== host.toLowerCase()) {
    return [`${cannot}: its host "${host}" would be read as "${read}"`];
  }
  return url;
}

/** Where the authority (credentials, host and port) of the template ends. */
function authorityEnd(template: string): number {
  const start = template.indexOf("://");
  if (start < 0) return 0;
  const rest = template.slice(start + 3).search(/[/?#]/);
  return rest < 0 ? template.length : start + 3 + rest;
}

/** Where the path ends: a query or a fragment does not walk up the path. */
function pathEnd(template: string, from: number): number {
  const end = template.slice(from).search(/[?#]/);
  return end < 0 ? template.length : from + end;
}

/** The template filled with stand-in values, so that it can be checked as a URL before any server. */
function sample(template: string): string {
  return template.replace(PLACEHOLDER, (whole, name: string, offset: number) => {
    if (!(name in PLACEHOLDERS)) return whole;
    if (name !== "ip") return name === "id" ? "1" : "host.example";
    return template[offset - 1] === "[" ? "2001:db8::1" : "192.0.2.1";
  });
}
