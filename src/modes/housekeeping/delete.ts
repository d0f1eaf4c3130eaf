import { isStatus } from "../../api/answers/errors.js";
import type { Snapshot } from "../../api/answers/types.js";
import { SERVER_CONCURRENCY } from "../../fleet/servers/concurrency.js";
import { type DeleteEnd, deleteSnapshots } from "../../fleet/snapshots/delete.js";
import {
  describeSnapshot,
  explainDeleteFailures,
  explainFailure,
  wrongApiUrl,
} from "../../workflow/explain.js";
import type { DeleteSettings } from "../../workflow/inputs/settings.js";
import { publishDeleted } from "../../workflow/outputs.js";
import { selectedIds } from "../../workflow/inputs/snapshot-selection.js";
import { failedReport, type ModeReport } from "../../workflow/summary.js";
import type { ModeContext } from "../context.js";

type DeleteResult = "deleted" | "already gone" | "would be deleted" | "not found" | "failed";

/** Deletes exactly the snapshots named; one already gone (404) is no failure, and says so. */
export async function runDelete(
  settings: DeleteSettings,
  context: ModeContext,
): Promise<ModeReport> {
  const { api, log, setOutput } = context;
  const ids = selectedIds(settings.snapshots);
  const title = settings.dryRun ? "VPS snapshots to delete (dry run)" : "VPS snapshots deleted";
  const listed = await knownSnapshots(context, ids.length);
  if ("stop" in listed) return failedReport(title, [listed.stop, "Nothing was deleted."]);
  const { known, complete } = listed;
  const results = new Map<number, DeleteResult>();
  const failed: { snapshotId: number; error: unknown }[] = [];

  const sayDeleted = (id: number, end: DeleteEnd) => {
    if ("error" in end) {
      results.set(id, "failed");
      failed.push({ snapshotId: id, error: end.error });
      return;
    }
    results.set(id, end.outcome === "deleted" ? "deleted" : "already gone");
    // Green, so that a re-run passes; but a mistyped id looks the same, so it is said aloud.
    if (end.outcome === "deleted") log.info(`Deleted snapshot ${id}.`);
    else {
      log.warning(
        `Snapshot ${id} was not found (HTTP 404): already deleted, or never existed: check the id.`,
      );
    }
  };
  const sayWouldDelete = (id: number) => {
    const snapshot = known.get(id);
    results.set(id, snapshot || !complete ? "would be deleted" : "not found");
    log.info(`Dry run: would delete snapshot ${snapshot ? describeSnapshot(snapshot) : id}.`);
  };

  const groupTitle = `${settings.dryRun ? "Dry run: deleting" : "Deleting"} ${ids.length} snapshot(s)`;
  await log.group(groupTitle, async () => {
    if (settings.dryRun) ids.forEach(sayWouldDelete);
    else
      await deleteSnapshots(api, ids, (id) => id, sayDeleted, { concurrency: SERVER_CONCURRENCY });
  });
  // In the order the ids were given, whichever answer came first.
  const failures = explainDeleteFailures(
    failed.sort((a, b) => ids.indexOf(a.snapshotId) - ids.indexOf(b.snapshotId)),
  );

  publishDeleted(
    setOutput,
    ids.filter((id) => results.get(id) === "deleted"),
  );
  return {
    title,
    servers: [
      ...new Set([...known.values()].filter((s) => ids.includes(s.id)).map((s) => s.server.id)),
    ],
    columns: ["Snapshot", "Name", "Server", "Result"],
    rows: ids.map((id) => {
      const snapshot = known.get(id);
      return [
        String(id),
        snapshot?.name ?? "",
        snapshot ? String(snapshot.server.id) : "",
        results.get(id) ?? "",
      ];
    }),
    failures,
    notes: settings.dryRun ? ["Dry run: nothing was deleted."] : [],
  };
}

/**
 * The account's snapshots, only to name them in the log and the summary: the delete does not depend
 * on it, so a failure here is a warning, and an account whose list has more pages than there are
 * ids to delete is not walked (its first page names what it can).
 */
async function knownSnapshots(
  context: ModeContext,
  idCount: number,
): Promise<{ known: Map<number, Snapshot>; complete: boolean } | { stop: string }> {
  try {
    const account = await context.api.listSnapshots(undefined, { maxPages: idCount });
    return { known: new Map(account.snapshots.map((s) => [s.id, s])), complete: account.complete };
  } catch (error) {
    // Except at a wrong api-url, where every delete would answer 404 too, and read as "already
    // gone": a step that deleted nothing would say it had; and at a refused token, which every
    // delete would meet again.
    const wrongUrl = wrongApiUrl([error]);
    if (wrongUrl) return { stop: wrongUrl };
    if (isStatus(error, 401)) return { stop: explainFailure(error, { kind: "list" }) };
    context.log.warning(explainFailure(error, { kind: "list" }));
    return { known: new Map(), complete: false };
  }
}
