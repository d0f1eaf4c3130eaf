import type { Snapshot, SnapshotsApi } from "../../api/answers/types.js";
import type { Logger } from "../../runner/toolkit/logger.js";
import { explainFailure, reportsSnapshotLimit, wrongApiUrl } from "../../workflow/explain.js";
import type { CreateSettings } from "../../workflow/inputs/settings.js";
import type { SnapshotResult } from "../../workflow/results.js";
import { forEachConcurrently, SERVER_CONCURRENCY } from "../servers/concurrency.js";
import { deleteSnapshots } from "./delete.js";
import { createSnapshotOnce, type ExactlyOnceContext } from "./exactly-once.js";
import { snapshotsByServer } from "../lists/snapshot-lists.js";
import { age, planRoom, planSlot, type SlotPlan } from "../rules/retention.js";
import { checkServers } from "../servers/server-checks.js";
import { madeSnapshots } from "../wait/snapshots.js";

/** What creating needs: the API, the exactly-once collaborators, and what to tell as it goes. */
export interface CreateContext extends ExactlyOnceContext {
  api: SnapshotsApi;
  /** For the ages of snapshots in the log: the wall clock's now when the step began. */
  now: Date;
  /** Told at once of each deletion, so the output holds it even if the step fails later. */
  onDeleted: (snapshotId: number) => void;
  /** Told as soon as each snapshot is accepted, with every one accepted so far. */
  onAccepted: (made: Snapshot[]) => void;
  /** A client for one look after a cancellation (see `lookAfterCancel`). */
  lastLook: () => SnapshotsApi;
}

/** What the checks before any change found: a plan for every server, or what stops the step. */
export interface PreparedCreates {
  plans: Map<number, SlotPlan>;
  /** One sentence per problem; any problem means nothing may be changed on any server. */
  problems: string[];
  /** What the read learned of the account's size, for the wait's checks. */
  accountPages: number | undefined;
}

/**
 * Reads every server and its snapshots at once and decides, for each, what `if-exists` and
 * `on-limit` will do, before anything changes anywhere: a typo in a fleet, a suspended server or
 * one too full to make room on must not cost the other servers a snapshot.
 */
export async function prepareCreates(
  settings: CreateSettings,
  context: { api: SnapshotsApi; log: Logger; now: Date },
): Promise<PreparedCreates> {
  const { api, log, now } = context;
  const [checks, read] = await Promise.all([
    checkServers(api, settings.serverIds, "snapshot", log),
    snapshotsByServer(api, settings.serverIds, undefined).then(
      (lists) => ({ lists }),
      (error: unknown) => ({ error }),
    ),
  ]);
  const wrongUrl = wrongApiUrl("error" in read ? [read.error] : read.lists.failed.values());
  if (wrongUrl) return { plans: new Map(), problems: [wrongUrl], accountPages: undefined };
  if ("error" in read) {
    return {
      plans: new Map(),
      problems: [...checks.problems, explainFailure(read.error, { kind: "list" })],
      accountPages: undefined,
    };
  }
  const { lists } = read;
  const prepared: PreparedCreates = {
    plans: new Map(),
    problems: [...checks.problems],
    accountPages: lists.accountPages,
  };
  for (const serverId of settings.serverIds) {
    if (lists.failed.has(serverId)) {
      prepared.problems.push(
        explainFailure(lists.failed.get(serverId), { kind: "list", serverId }),
      );
      continue;
    }
    const existing = lists.byServer.get(serverId) ?? [];
    try {
      const plan = planSlot(serverId, existing, settings, now);
      prepared.plans.set(serverId, plan);
      const server = checks.servers.get(serverId);
      if (server)
        log.info(`Server ${serverId}: ${server.status}, ${planSentence(existing, plan)}.`);
    } catch (error) {
      prepared.problems.push(explainFailure(error, { kind: "create", serverId }));
    }
  }
  return prepared;
}

function planSentence(existing: Snapshot[], plan: SlotPlan): string {
  const held = `${existing.length} snapshot(s)`;
  if (plan.reuse) return `${held}; reusing snapshot ${plan.reuse.id}`;
  const deleting = plan.deletions.map((d) => d.snapshot.id).join(", ");
  return plan.deletions.length > 0 ? `${held}; deleting ${deleting} first` : held;
}

/**
 * Carries out each server's plan, each snapshot created at most once. One server's failure here
 * (the API refuses a create) does not stop the others: the checks before found nothing wrong.
 */
export async function createOnServers(
  plans: ReadonlyMap<number, SlotPlan>,
  settings: CreateSettings,
  context: CreateContext,
): Promise<SnapshotResult[]> {
  const { log } = context;
  const results = [...plans.keys()].map((serverId): SnapshotResult => ({ serverId }));
  await log.group(`Creating snapshot ${settings.name}`, () =>
    forEachConcurrently(results, SERVER_CONCURRENCY, async (result) => {
      const plan = plans.get(result.serverId) as SlotPlan;
      await createOnServer(result, plan, settings, context);
      if (!result.snapshot && context.signal?.aborted) {
        await lookAfterCancel(result, plan.remaining, settings.name, context);
      }
      if (result.snapshot) context.onAccepted(madeSnapshots(results));
    }),
  );
  return results;
}

async function createOnServer(
  result: SnapshotResult,
  plan: SlotPlan,
  settings: CreateSettings,
  context: CreateContext,
): Promise<void> {
  const { serverId } = result;
  try {
    if (plan.reuse) {
      result.snapshot = plan.reuse;
      result.reused = true;
      context.log.info(
        `Server ${serverId}: reusing snapshot ${plan.reuse.id} (${plan.reuse.name}, ${plan.reuse.status}).`,
      );
      return;
    }
    await deleteForSlot(plan, context);
    const created = await createWithRoom(serverId, plan.remaining, settings, context);
    result.snapshot = created.value;
    result.adopted = created.recovered;
    context.log.info(
      `Server ${serverId}: snapshot ${created.value.id} (${created.value.name}) ` +
        `${created.recovered ? "was made" : "accepted"}, status ${created.value.status}.`,
    );
  } catch (error) {
    result.failure = explainFailure(error, {
      kind: "create",
      serverId,
      snapshotsOnServer: plan.remaining.length,
    });
    result.endedAtMs = context.deadline.elapsedMs();
    context.log.info(`Server ${serverId}: failed. ${result.failure}`);
  }
}

/**
 * The step was cancelled before this server's snapshot was known, maybe with the create request
 * open: the API may have made the snapshot all the same. One quick look for a new snapshot with
 * the step's name, within the runner's cancellation window, names it (and puts it in the outputs)
 * or says what to look for.
 */
async function lookAfterCancel(
  result: SnapshotResult,
  before: Snapshot[],
  name: string,
  context: CreateContext,
): Promise<void> {
  const { serverId } = result;
  const idsBefore = new Set(before.map((s) => s.id));
  let found: Snapshot | undefined;
  try {
    const listed = await context.lastLook().listSnapshots(serverId);
    found = listed.snapshots.find((s) => s.name === name && !idsBefore.has(s.id));
  } catch {
    // Nothing more can be learned in the time left; the message below says what to look for.
  }
  if (found) {
    result.snapshot = found;
    result.adopted = true;
    context.log.warning(
      `Cancelled, but server ${serverId}'s snapshot ${found.id} (${found.name}, ${found.status}) ` +
        "had been made: its id is in the outputs snapshot-id and snapshot-ids.",
    );
  } else {
    context.log.warning(
      `Cancelled before server ${serverId}'s snapshot was known: no snapshot named ${name} was ` +
        `found on it yet. The create request may still be carried out: look for a snapshot ` +
        `named ${name} on server ${serverId}.`,
    );
  }
}

/**
 * Creates, on a server whose room was made by its plan. Another run can take the freed slot in
 * between; a create refused for the limit then gets one more round of making room, never a loop.
 */
async function createWithRoom(
  serverId: number,
  remaining: Snapshot[],
  settings: CreateSettings,
  context: CreateContext,
) {
  const request = { server_id: serverId, name: settings.name, description: settings.description };
  let onServer = remaining;
  for (let round = 1; ; round++) {
    try {
      return await createSnapshotOnce(
        context.api,
        request,
        new Set(onServer.map((s) => s.id)),
        context,
      );
    } catch (error) {
      if (!reportsSnapshotLimit(error) || round > 1) throw error;
      context.log.info(
        `Server ${serverId}: the API still reports the snapshot limit; making room once more.`,
      );
      const listed = (await context.api.listSnapshots(serverId)).snapshots;
      const room = planRoom(serverId, listed, settings, context.now);
      await deleteForSlot(room, context);
      onServer = room.remaining;
    }
  }
}

/** Deletes one by one, so that a failure stops the deleting. */
async function deleteForSlot(plan: SlotPlan, context: CreateContext): Promise<void> {
  await deleteSnapshots(
    context.api,
    plan.deletions,
    (deletion) => deletion.snapshot.id,
    ({ snapshot, why }, end) => {
      const deleted = "outcome" in end && end.outcome === "deleted";
      context.log.info(
        `Server ${snapshot.server.id}: ${deleted ? "deleted" : "found already gone"} ` +
          `snapshot ${snapshot.id} (${snapshot.name}, ${snapshot.status}, ${age(snapshot, context.now)} old): ${why}.`,
      );
      if (deleted) context.onDeleted(snapshot.id);
    },
    { concurrency: 1, stopAtFailure: true },
  );
}
