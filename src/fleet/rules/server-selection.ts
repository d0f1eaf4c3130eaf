import type { Server } from "../../api/answers/types.js";
import { Inputs } from "../../constants.js";
import { asText } from "../../runner/text/untrusted.js";
import type { NameSelection } from "../../workflow/inputs/settings.js";

/** How many existing names a "matches no server" sentence lists, to show what is there. */
const NAMES_SHOWN = 10;

/**
 * The servers that `server-name` names, from the account's servers: an exact name matches one
 * server (two with one name is ambiguous, so refused), a glob pattern (`*`, `?`) any number up to
 * `max-servers`: a typo such as `*` must not snapshot the whole account. Every problem is said;
 * the ids come in the order of the patterns, each server once.
 */
export function serversNamed(
  selection: NameSelection,
  servers: readonly Server[],
): { serverIds: number[]; problems: string[] } {
  const problems: string[] = [];
  const serverIds: number[] = [];
  const where = selection.location ? ` in ${selection.location}` : "";
  for (const pattern of selection.patterns) {
    const matched = servers.filter((s) => matches(pattern, asText(s.name)));
    if (matched.length === 0) {
      problems.push(
        `${Inputs.serverName} "${pattern}" matches no server${where}. ${existing(servers)}`,
      );
    } else if (!isPattern(pattern) && matched.length > 1) {
      problems.push(
        `${Inputs.serverName} "${pattern}" is the name of ${matched.length} servers${where} ` +
          `(${matched.map((s) => s.id).join(", ")}): name the one you mean with ${Inputs.serverId}.`,
      );
    } else {
      for (const server of byName(matched)) {
        if (!serverIds.includes(server.id)) serverIds.push(server.id);
      }
    }
  }
  if (serverIds.length > selection.maxServers) {
    problems.push(
      `${Inputs.serverName} ${selection.patterns.map((p) => `"${p}"`).join(", ")} matches ` +
        `${serverIds.length} servers${where}, more than ${Inputs.maxServers} (${selection.maxServers}): ` +
        `narrow the pattern, or raise ${Inputs.maxServers} if you mean all of them.`,
    );
  }
  return { serverIds, problems };
}

function isPattern(text: string): boolean {
  return /[*?]/.test(text);
}

/**
 * A glob: `*` any run of characters, `?` one; everything else as written. A character is a code
 * point, as a person counts them: `node-?` matches `node-😀`, which is two UTF-16 units.
 */
function matches(pattern: string, name: string): boolean {
  if (!isPattern(pattern)) return name === pattern;
  const body = [...pattern]
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`, "su").test(name);
}

function byName(servers: readonly Server[]): Server[] {
  return [...servers].sort((a, b) => asText(a.name).localeCompare(asText(b.name)) || a.id - b.id);
}

function existing(servers: readonly Server[]): string {
  if (servers.length === 0) return "The token sees no server there.";
  const names = byName(servers)
    .slice(0, NAMES_SHOWN)
    .map((s) => asText(s.name));
  const more = servers.length > NAMES_SHOWN ? `, and ${servers.length - NAMES_SHOWN} more` : "";
  return `Servers that exist: ${names.join(", ")}${more}.`;
}
