import type { Clock, Deadline } from "../runner/clock.js";
import { formatDuration } from "../duration.js";
import type { Logger } from "../runner/logger.js";
import type { Redactor } from "../runner/redact.js";
import { type RateLimitGate, type RetryPolicy, withRetries } from "./retry.js";
import { apiMessageFrom, parseRetryAfter } from "./answers.js";
import { DeadlineError } from "../runner/clock.js";
import {
  EndpointNotFoundError,
  errorMessage,
  ForeignOriginError,
  HttpStatusError,
  isStatus,
  isTransient,
  mayHaveTakenEffect,
  NoAnswerError,
  UnexpectedAnswerError,
} from "./errors.js";
import type { HttpExchange, Transport } from "./transport.js";
import type {
  CreateSnapshotRequest,
  DeleteOutcome,
  ListOptions,
  SnapshotList,
  RestoreAnswer,
  Server,
  ServerFilter,
  ServerListing,
  Snapshot,
  SnapshotsApi,
} from "./types.js";

export interface HttpApiOptions {
  baseUrl: string;
  transport: Transport;
  clock: Clock;
  deadline: Deadline;
  gate: RateLimitGate;
  policy: RetryPolicy;
  random: () => number;
  redactor: Redactor;
  log: Logger;
  /** The longest one request may take; the deadline shortens it further. */
  requestTimeoutMs: number;
  signal?: AbortSignal;
}

/**
 * One request may take a tenth of the step's timeout, between 2 and 30 seconds: a request that
 * hangs must leave time for the tries after it.
 */
export function requestTimeoutFor(timeoutMs: number): number {
  return Math.min(30_000, Math.max(2_000, timeoutMs / 10));
}

const MAX_REDIRECTS = 5;

type Method = HttpExchange["method"];

export class HttpSnapshotsApi implements SnapshotsApi {
  private readonly origin: string;

  constructor(private readonly options: HttpApiOptions) {
    this.origin = new URL(options.baseUrl).origin;
  }

  /** The snapshots of one server, or of the whole account, across all pages. */
  async listSnapshots(serverId?: number, options: ListOptions = {}): Promise<SnapshotList> {
    const query = serverId === undefined ? "" : `?server_id=${serverId}`;
    const walked = await this.walkList(`/snapshots/${query}`, "snapshots", checkSnapshot, options);
    return { snapshots: walked.items, complete: walked.complete, pages: walked.pages };
  }

  /** Every server the token sees (in one location, if given), under the same paging rules. */
  async listServers(filter: ServerFilter = {}): Promise<ServerListing> {
    const query = filter.location ? `?location=${encodeURIComponent(filter.location)}` : "";
    const walked = await this.walkList(`/servers/${query}`, "servers", checkServer, {});
    return { servers: walked.items, complete: walked.complete, pages: walked.pages };
  }

  /**
   * Walks a list page by page, as it really is: other people delete and make items while it is
   * read, which shifts items between pages (one on no page, one on two) and can make a page the
   * API itself linked to vanish. Such a walk is returned as not complete rather than trusted. The
   * walk is bounded by the deadline and by the count the list announces, and a `next` link that
   * was already read (a paging loop) ends it with an error.
   */
  private async walkList<T extends { id: number }>(
    path: string,
    /** What the list holds, as its errors name it: `snapshots`, `servers`. */
    noun: string,
    check: (item: unknown, label: string) => T,
    options: ListOptions,
  ): Promise<{ items: T[]; complete: boolean; pages: number }> {
    const found = new Map<number, T>();
    const read = new Set<string>();
    let complete = true;
    let pages = 1;
    let pageLength = 0;
    const counts: number[] = [];
    let url: string | null = `${this.options.baseUrl}${path}`;
    for (let page = 1; url; page++) {
      const pageUrl: string = url;
      const label = this.label("GET", pageUrl);
      read.add(pageUrl);
      let answer: unknown;
      try {
        answer = await this.readJson(pageUrl);
      } catch (error) {
        if (page === 1 && isStatus(error, 404)) throw new EndpointNotFoundError(error, pageUrl);
        // A page the API linked to is gone: the list shrank while it was read.
        if (page > 1 && isStatus(error, 404)) {
          complete = false;
          break;
        }
        throw error;
      }
      const { results, count, next } = (answer ?? {}) as Record<string, unknown>;
      if (!Array.isArray(results)) throw new UnexpectedAnswerError(label, "no `results` list");
      if (typeof count === "number") counts.push(count);
      for (const item of results) {
        const checked = check(item, label);
        if (found.has(checked.id)) complete = false;
        found.set(checked.id, checked);
      }
      if (page === 1) {
        pageLength = results.length;
        pages =
          typeof count === "number" && pageLength > 0
            ? Math.max(1, Math.ceil(count / pageLength))
            : 1;
      }
      url = this.sameOriginLink(next, pageUrl, label);
      if (url === null) break;
      if (read.has(url)) {
        throw new UnexpectedAnswerError(
          label,
          `its paging loops: the next page, ${this.label("GET", url)}, was already read`,
        );
      }
      if (options.maxPages !== undefined && pages > options.maxPages) {
        complete = false;
        break;
      }
      const announced = Math.max(0, ...counts);
      if (page >= Math.ceil(announced / Math.max(1, pageLength)) + 1) {
        throw new UnexpectedAnswerError(
          label,
          `the list goes on past the ${announced} ${noun} it announced`,
        );
      }
    }
    const [firstCount] = counts;
    const lastCount = counts[counts.length - 1];
    if (
      counts.some((c) => c !== firstCount) ||
      (lastCount !== undefined && lastCount !== found.size)
    ) {
      complete = false;
    }
    return { items: [...found.values()], complete, pages };
  }

  async createSnapshot(request: CreateSnapshotRequest): Promise<Snapshot> {
    const url = `${this.options.baseUrl}/snapshots/`;
    const label = this.label("POST", url);
    // The answer adds a `message` for people; the snapshot is the rest.
    const { message: _message, ...snapshot } = requireBody(
      await this.sendOnce("POST", url, request),
      label,
    ) as Record<string, unknown>;
    if (!isSnapshot(snapshot)) {
      // Accepted, so made, but not described: as good as a lost answer, which the caller settles
      // by looking for the snapshot with its name.
      throw new NoAnswerError("incomplete", label, true, "no snapshot id, name, status or server");
    }
    return snapshot;
  }

  async restoreSnapshot(snapshotId: number): Promise<RestoreAnswer> {
    const url = `${this.options.baseUrl}/snapshots/${snapshotId}/restore/`;
    return ((await this.sendOnce("POST", url, undefined)) ?? {}) as RestoreAnswer;
  }

  async deleteSnapshot(snapshotId: number): Promise<DeleteOutcome> {
    const url = `${this.options.baseUrl}/snapshots/${snapshotId}/`;
    let earlierTryMayHaveDeleted = false;
    try {
      await this.withRetries(
        () => this.send("DELETE", url),
        (error) => {
          earlierTryMayHaveDeleted ||= mayHaveTakenEffect(error);
          return isTransient(error);
        },
      );
      return "deleted";
    } catch (error) {
      // A 404 after a try whose answer was lost is most likely that try's own work.
      if (isStatus(error, 404)) return earlierTryMayHaveDeleted ? "deleted" : "already-gone";
      throw error;
    }
  }

  async getServer(serverId: number): Promise<Server> {
    const url = `${this.options.baseUrl}/servers/${serverId}/`;
    return checkServer(await this.readJson(url), this.label("GET", url));
  }

  /** GETs are safe to repeat; a 2xx whose body is empty or not JSON counts as a failed try. */
  private readJson(url: string): Promise<unknown> {
    return this.withRetries(
      async () => requireBody(await this.send("GET", url), this.label("GET", url)),
      isTransient,
    );
  }

  /**
   * A request that changes state is repeated only where the failure proves it was not processed
   * (a 429, a refused connection); any other doubt goes back to the caller.
   */
  private sendOnce(method: Method, url: string, body: unknown): Promise<unknown> {
    return this.withRetries(
      () => this.send(method, url, body),
      (error) => isTransient(error) && !mayHaveTakenEffect(error),
    );
  }

  private withRetries<T>(operation: () => Promise<T>, shouldRetry: (e: unknown) => boolean) {
    const { clock, deadline, gate, random, signal, log, policy } = this.options;
    return withRetries(operation, shouldRetry, policy, {
      clock,
      deadline,
      gate,
      random,
      signal,
      onRetry: ({ attempt, delayMs, error }) =>
        log.info(
          `${errorMessage(error)}; trying again in ${formatDuration(delayMs)} ` +
            `(try ${attempt + 1} of ${policy.maxAttempts}).`,
        ),
    });
  }

  /** One request, following redirects on the API's origin: the JSON of a success, if it has a body. */
  private async send(method: Method, url: string, body?: unknown): Promise<unknown> {
    const { transport, deadline, requestTimeoutMs, signal, redactor } = this.options;
    let target = url;
    for (let redirects = 0; ; redirects++) {
      const label = this.label(method, target);
      if (deadline.expired()) throw new DeadlineError(label);
      const timeoutMs = Math.min(requestTimeoutMs, deadline.remainingMs());
      const answer = await transport({ method, url: target, body, timeoutMs, signal, label });
      this.options.log.debug(`${label} -> HTTP ${answer.status}`);
      if (answer.status >= 200 && answer.status < 300) return parseBody(answer.body, label);
      const location = answer.headers.location;
      if (answer.status >= 300 && answer.status < 400 && location && method === "GET") {
        if (redirects >= MAX_REDIRECTS) {
          throw new UnexpectedAnswerError(label, `more than ${MAX_REDIRECTS} redirects`);
        }
        target = this.sameOriginLink(location, target, label) ?? target;
        continue;
      }
      const retryAfter = parseRetryAfter(
        headerText(answer.headers["retry-after"]),
        this.options.clock.wallNow(),
      );
      throw new HttpStatusError(
        answer.status,
        redactor.redact(apiMessageFrom(answer.body)),
        label,
        retryAfter,
      );
    }
  }

  /** Paging links and redirects are followed only on the API's own origin, which has the token. */
  private sameOriginLink(link: unknown, from: string, label: string): string | null {
    if (typeof link !== "string" || link === "") return null;
    const target = new URL(link, from);
    if (target.origin !== this.origin)
      throw new ForeignOriginError(label, target.origin, this.origin);
    return target.href;
  }

  private label(method: Method, url: string): string {
    const target = new URL(url);
    // A base URL without a path (`https://host`) has the path "/", which is not a prefix to cut
    // from the request's path: the label keeps its leading slash, as with `/api/v1`.
    const basePath = new URL(this.options.baseUrl).pathname.replace(/\/+$/, "");
    const path = target.pathname.startsWith(`${basePath}/`)
      ? target.pathname.slice(basePath.length)
      : target.pathname;
    return `${method} ${path}${target.search}`;
  }
}

/** A success with a body that is not JSON (a proxy's page) is not the API's answer. */
function parseBody(text: string, label: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new NoAnswerError("not-json", label, true, "the body is not JSON");
  }
}

function requireBody(value: unknown, label: string): unknown {
  if (value === undefined) throw new NoAnswerError("not-json", label, true, "the body is empty");
  return value;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isSnapshot(value: unknown): value is Snapshot {
  const item = value as Partial<Snapshot> | null;
  return (
    typeof item?.id === "number" &&
    typeof item.name === "string" &&
    typeof item.status === "string" &&
    typeof item.server?.id === "number"
  );
}

function checkServer(value: unknown, label: string): Server {
  const server = value as Partial<Server> | null;
  if (typeof server?.id !== "number" || typeof server.status !== "string") {
    throw new UnexpectedAnswerError(label, "no server `id` and `status`");
  }
  return server as Server;
}

function checkSnapshot(value: unknown, label: string): Snapshot {
  if (!isSnapshot(value)) {
    throw new UnexpectedAnswerError(label, "a snapshot without id, name, status or server");
  }
  return value;
}
