import { RESTORING, type Server } from "../../api/types.js";

export type ServerChange = "snapshot" | "restore";

/** Statuses the provider's own examples show a server taking a snapshot or a restore in. */
const READY_STATUSES: ReadonlySet<string> = new Set(["active", "stopped"]);

/**
 * What a server's status means for a change: refused (why), ready, or a status the provider does
 * not document, which goes on with a warning: refusing it could block a working server for good.
 */
export function statusVerdict(
  server: Server,
  change: ServerChange,
): { refused: string } | { ready: true } | { undocumented: string } {
  const what = change === "snapshot" ? "a snapshot of it" : "a restore";
  if (server.status === RESTORING) {
    return {
      refused:
        `Server ${server.id} is restoring: ${what} must wait until that restore has finished ` +
        "(its status is active or stopped again).",
    };
  }
  if (server.status === "suspended") {
    return {
      refused: `Server ${server.id} is suspended: the provider allows ${what} only once it is active or stopped again.`,
    };
  }
  if (READY_STATUSES.has(server.status)) return { ready: true };
  return {
    undocumented:
      `Server ${server.id} is "${server.status}", a status the provider does not document: ` +
      `going on with the ${change}.`,
  };
}
