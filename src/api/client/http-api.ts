import type { Clock, Deadline } from "../../runner/time/clock.js";
import { formatDuration } from "../../duration.js";
import type { Logger } from "../../runner/toolkit/logger.js";
import type { Redactor } from "../../runner/text/redact.js";
import { type RateLimitGate, type RetryPolicy, withRetries } from "../wire/retry.js";
import { apiMessageFrom, parseRetryAfter } from "../answers/answers.js";
import { MAX_REDIRECTS, redirectTo } from "../wire/redirects.js";
import { DeadlineError } from "../../runner/time/clock.js";
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
} from "../answers/errors.js";
import type { HttpExchange, Transport } from "../wire/transport.js";
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
} from "../answers/types.js";

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
  ): Promise<WalkedList<T>> {
    const walk = new ListWalk<T>(options.maxPages);
    for await (const page of this.pagesOf(path, check)) {
      // A page the API linked to is gone: the list shrank while it was read.
      if (page === PAGE_GONE) return walk.cutShort();
      walk.add(page);
      if (page.last) break;
      if (walk.pastMaxPages) return walk.cutShort();
      if (walk.pastAnnounced) {
        throw new UnexpectedAnswerError(
          page.label,
          `the list goes on past the ${walk.announced} ${noun} it announced`,
        );
      }
    }
    return walk.result();
  }

  /**
   * The pages of a list in order, each with its items checked, up to the last or to `PAGE_GONE`.
   * A `next` link to another origin or to a page already read ends them with an error, before
   * it is requested.
   */
  private async *pagesOf<T>(
    path: string,
    check: (item: unknown, label: string) => T,
  ): AsyncGenerator<ListPage<T> | typeof PAGE_GONE> {
    const read = new Set<string>();
    let url: string | null = `${this.options.baseUrl}${path}`;
    while (url !== null) {
      const label = this.label("GET", url);
      const first = read.size === 0;
      read.add(url);
      const answer = await this.readListPage(url, first);
      if (answer === PAGE_GONE) {
        yield PAGE_GONE;
        return;
      }
      const { results, count, next } = (answer ?? {}) as Record<string, unknown>;
      if (!Array.isArray(results)) throw new UnexpectedAnswerError(label, "no `results` list");
      const items = results.map((item) => check(item, label));
      const nextUrl = this.sameOriginLink(next, url, label);
      if (nextUrl !== null && read.has(nextUrl)) {
        throw new UnexpectedAnswerError(
          label,
          `its paging loops: the next page, ${this.label("GET", nextUrl)}, was already read`,
        );
      }
      yield {
        label,
        items,
        count: typeof count === "number" ? count : undefined,
        last: nextUrl === null,
      };
      url = nextUrl;
    }
  }

  /** A 404 on a list's first page says the base URL is wrong; on a later page, the page is gone. */
  private async readListPage(url: string, first: boolean): Promise<unknown> {
    try {
      return await this.readJson(url);
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
      if (first) throw new EndpointNotFoundError(error, url);
      return PAGE_GONE;
    }
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
        target = this.redirectTarget(location, target, redirects, label);
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

  /** Where a GET's redirect leads, if it may be followed; the API's words for why not. */
  private redirectTarget(location: string, from: string, followed: number, label: string): string {
    const redirect = redirectTo(location, from, followed);
    if (redirect.follow) return redirect.url.href;
    if (redirect.reason === "too-many") {
      throw new UnexpectedAnswerError(label, `more than ${MAX_REDIRECTS} redirects`);
    }
    throw new ForeignOriginError(label, redirect.origin ?? location, this.origin);
  }

  /** Paging links are followed only on the API's own origin, which has the token. */
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

/** Where a page the API linked to was gone when it was asked for. */
const PAGE_GONE = Symbol("page gone");

/** One page of a list, its items checked. */
interface ListPage<T> {
  label: string;
  items: T[];
  count: number | undefined;
  /** It links no next page. */
  last: boolean;
}

interface WalkedList<T> {
  items: T[];
  complete: boolean;
  /** How many pages the list has, as its first page tells by its count and its length. */
  pages: number;
}

/**
 * What a walk over a list has found so far, and whether it is still the whole list: an item on
 * two pages, or counts that change or do not add up to what was found, mean the list changed
 * while it was read.
 */
class ListWalk<T extends { id: number }> {
  private readonly found = new Map<number, T>();
  private readonly counts: number[] = [];
  private pagesRead = 0;
  private firstPageLength = 0;
  private pages = 1;
  private complete = true;

  constructor(private readonly maxPages: number | undefined) {}

  add({ items, count }: ListPage<T>): void {
    this.pagesRead++;
    if (count !== undefined) this.counts.push(count);
    for (const item of items) {
      if (this.found.has(item.id)) this.complete = false;
      this.found.set(item.id, item);
    }
    if (this.pagesRead === 1) {
      this.firstPageLength = items.length;
      this.pages =
        count !== undefined && items.length > 0 ? Math.max(1, Math.ceil(count / items.length)) : 1;
    }
  }

  /** The list has more pages than the caller wants read. */
  get pastMaxPages(): boolean {
    return this.maxPages !== undefined && this.pages > this.maxPages;
  }

  /** The most items any page announced. */
  get announced(): number {
    return Math.max(0, ...this.counts);
  }

  /** More pages were read than the announced items fill, at the first page's length. */
  get pastAnnounced(): boolean {
    return this.pagesRead > Math.ceil(this.announced / Math.max(1, this.firstPageLength));
  }

  /** The walk ends before the list does, so what it found is not the whole list. */
  cutShort(): WalkedList<T> {
    this.complete = false;
    return this.result();
  }

  result(): WalkedList<T> {
    const [firstCount] = this.counts;
    const lastCount = this.counts.at(-1);
    const countsAgree =
      this.counts.every((c) => c === firstCount) &&
      (lastCount === undefined || lastCount === this.found.size);
    return {
      items: [...this.found.values()],
      complete: this.complete && countsAgree,
      pages: this.pages,
    };
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
