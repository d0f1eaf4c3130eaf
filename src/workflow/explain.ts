import type { Snapshot } from "../api/answers/types.js";
import {
  EndpointNotFoundError,
  errorMessage,
  HttpStatusError,
  isStatus,
} from "../api/answers/errors.js";
import { CancelledError } from "../runner/time/clock.js";
import { InputDefaults, Inputs, SNAPSHOT_LIMIT_PER_SERVER } from "../constants.js";

export type Operation =
  | { kind: "create"; serverId: number; snapshotsOnServer?: number }
  | { kind: "list"; serverId?: number }
  | { kind: "wait"; serverId: number; snapshotId: number }
  | { kind: "restore"; serverId: number; snapshotId: number }
  | { kind: "wait-restore"; serverId: number; snapshotId: number }
  | { kind: "server"; serverId: number }
  | { kind: "servers" }
  | { kind: "delete"; snapshotId: number };

/** A failure already put in a person's words by the code that saw it; shown as it is. */
export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StepFailure";
  }
}

/** The sentence a person reads when an operation fails: what happened, the API's words, what next. */
export function explainFailure(error: unknown, operation: Operation): string {
  const detail = errorMessage(error);
  if (error instanceof StepFailure) return detail;
  if (isStatus(error, 401)) {
    // Not which request: every request of the step carries the same token, and a fleet's many
    // refusals are then said once.
    const words = error.apiMessage ? `: ${error.apiMessage}` : "";
    return `The API refused the token (HTTP 401${words}). Check the secret passed as ${Inputs.apiToken}.`;
  }
  if (error instanceof EndpointNotFoundError) return explainWrongApiUrl(error);
  if (error instanceof CancelledError) return `Cancelled: ${detail}.`;
  switch (operation.kind) {
    case "create":
      return explainCreateFailure(error, detail, operation);
    case "list":
      return `Could not list the snapshots${operation.serverId ? ` of server ${operation.serverId}` : ""}: ${detail}`;
    case "wait":
      return `Could not follow snapshot ${operation.snapshotId} of server ${operation.serverId}: ${detail}`;
    case "restore":
      return explainRestoreFailure(error, detail, operation);
    case "wait-restore":
      return `Could not follow the restore of server ${operation.serverId} to snapshot ${operation.snapshotId}: ${detail}`;
    case "server":
      return `Could not check server ${operation.serverId} before changing anything: ${detail}`;
    case "servers":
      return `Could not list the servers to find the ones ${Inputs.serverName} names: ${detail}`;
    case "delete":
      return `Could not delete snapshot ${operation.snapshotId}: ${detail}`;
  }
}

/**
 * Failed deletes, one sentence for each distinct answer of the API, however many deletes met it:
 * a token that may not delete gets the same 403 for every snapshot, said once naming them all
 * ("Could not delete snapshots 801, 802, 803: HTTP 403: ..."). Answers that differ stay apart.
 */
export function explainDeleteFailures(
  failed: readonly { snapshotId: number; error: unknown }[],
): string[] {
  const byAnswer = new Map<string, { ids: number[]; error: unknown }>();
  for (const { snapshotId, error } of failed) {
    // An answer without a status (a reset, a timeout) names its own request: it stays alone.
    const answer =
      error instanceof HttpStatusError ? `${error.status} ${error.apiMessage}` : `#${snapshotId}`;
    const group = byAnswer.get(answer) ?? { ids: [], error };
    group.ids.push(snapshotId);
    byAnswer.set(answer, group);
  }
  return [...byAnswer.values()].map(({ ids: [first = 0, ...more], error }) => {
    // One delete keeps its own sentence; a refused token has one that names no snapshot.
    if (more.length === 0 || !(error instanceof HttpStatusError) || error.status === 401) {
      return explainFailure(error, { kind: "delete", snapshotId: first });
    }
    const words = error.apiMessage ? `: ${error.apiMessage}` : "";
    return `Could not delete snapshots ${[first, ...more].join(", ")}: HTTP ${error.status}${words}`;
  });
}

function explainCreateFailure(
  error: unknown,
  detail: string,
  operation: Extract<Operation, { kind: "create" }>,
): string {
  const server = `server ${operation.serverId}`;
  if (isStatus(error, 404)) {
    return `Server ${operation.serverId} does not exist, or this token cannot see it (${detail}). Check ${Inputs.serverId}.`;
  }
  const atLimit = (operation.snapshotsOnServer ?? 0) >= SNAPSHOT_LIMIT_PER_SERVER;
  if (reportsSnapshotLimit(error) || (isStatus(error, 400) && atLimit)) {
    return (
      `Could not create a snapshot of ${server}: it already has ${SNAPSHOT_LIMIT_PER_SERVER} snapshots, ` +
      `the provider's limit (${detail}). Delete one, or let ${Inputs.onLimit}: delete-oldest make room.`
    );
  }
  if (isStatus(error, 400)) return `The API refused to create a snapshot of ${server} (${detail}).`;
  return `Could not create a snapshot of ${server}: ${detail}`;
}

/** A create refused because the server is full; the API documents no error code, only words. */
export function reportsSnapshotLimit(error: unknown): error is HttpStatusError {
  return isStatus(error, 400) && /limit|at most|maximum/i.test(error.apiMessage);
}

function explainRestoreFailure(
  error: unknown,
  detail: string,
  { serverId, snapshotId }: Extract<Operation, { kind: "restore" }>,
): string {
  if (isStatus(error, 404)) {
    return `Could not restore server ${serverId} to snapshot ${snapshotId}: the snapshot does not exist (${detail}).`;
  }
  if (isStatus(error, 400)) {
    return `Server ${serverId} cannot be restored from snapshot ${snapshotId} now (${detail}).`;
  }
  return `Could not restore server ${serverId} from snapshot ${snapshotId}: ${detail}`;
}

/**
 * Not which operation: a wrong base URL fails every request of the step alike, and a fleet's many
 * 404s are then said once.
 */
function explainWrongApiUrl(error: EndpointNotFoundError): string {
  const words = error.apiMessage ? ` (${error.apiMessage})` : "";
  return (
    `The API URL looks wrong: GET ${error.url} answered HTTP ${error.status}${words}, though ` +
    `every account has that list. Check ${Inputs.apiUrl}: it is the base that /snapshots/ and ` +
    `/servers/ are added to, such as ${InputDefaults.apiUrl}.`
  );
}

/**
 * The sentence that fails the step alone when one of these errors shows a wrong `api-url`: every
 * other problem found with it (a server that "does not exist", a snapshot "already gone") only
 * repeats that the requests went somewhere that is not the API.
 */
export function wrongApiUrl(errors: Iterable<unknown>): string | undefined {
  for (const error of errors) {
    if (error instanceof EndpointNotFoundError) return explainWrongApiUrl(error);
  }
  return undefined;
}

/** `801 (pre-deploy-abc, server 12345)`: a snapshot as a sentence names it. */
export function describeSnapshot(snapshot: Snapshot): string {
  return `${snapshot.id} (${snapshot.name}, server ${snapshot.server.id})`;
}
