import type { Server } from "../api/types.js";
import { Inputs } from "../constants.js";
import { hideCredentials } from "../runner/redact.js";
import { asText } from "../runner/untrusted.js";

/** The placeholders a `health-url` may hold, and the field of `GET /servers/{id}/` each takes. */
const PLACEHOLDERS = {
  id: "id",
  name: "name",
  hostname: "hostname",
  ip: "ip_address",
} as const satisfies Record<string, keyof Server>;

const PLACEHOLDER = /\{([^{}]*)\}/g;

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

/** The template with every placeholder filled from the server, each value URL-encoded. */
export function healthUrlFor(template: string, server: Server): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    name in PLACEHOLDERS ? encodeURIComponent(valueOf(server, name)) : whole,
  );
}

/**
 * Why the template cannot be filled faithfully for this server, or undefined. A value of dots
 * alone (a server named `..`) would be read as a step up the URL's path, encoded or not: URL
 * parsers take `%2e%2e` for `..` too, so the service would be asked for another path.
 */
export function healthUrlProblem(template: string, server: Server): string | undefined {
  const used = [...template.matchAll(PLACEHOLDER)].map(([, name]) => name ?? "");
  const dots = used.find((name) => name in PLACEHOLDERS && /^\.+$/.test(valueOf(server, name)));
  if (dots === undefined) return undefined;
  return (
    `${Inputs.healthUrl} cannot be filled for server ${server.id}: its ${PLACEHOLDERS[dots as keyof typeof PLACEHOLDERS]} ` +
    `"${valueOf(server, dots)}" would change the URL's path rather than fill {${dots}}. Use {id} there.`
  );
}

function valueOf(server: Server, placeholder: string): string {
  return asText(server[PLACEHOLDERS[placeholder as keyof typeof PLACEHOLDERS]]);
}

/** A stand-in server, so that a template can be checked as a URL before any server is known. */
function sample(template: string): string {
  return healthUrlFor(template, {
    id: 1,
    status: "active",
    name: "name",
    hostname: "host.example",
    ip_address: "192.0.2.1",
  });
}
