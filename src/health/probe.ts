import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { MAX_REDIRECTS, type RefusedRedirect, redirectTo } from "../api/wire/redirects.js";
import { formatDuration } from "../duration.js";
import { CancelledError } from "../runner/time/clock.js";

/** One request to a service's health URL, and what its answer must hold to count as healthy. */
export interface HealthRequest {
  url: string;
  /** `health-expect`: text the body must hold within its first `EXPECT_WINDOW_BYTES`. */
  expect: string | undefined;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What one request came to, in words for the log. */
export interface HealthAnswer {
  healthy: boolean;
  /** `HTTP 503: Service Unavailable`, `no answer within 10s`: the answer is untrusted text. */
  said: string;
}

/** One request to a health URL: the check's own, never the API client's. */
export type HealthProbe = (request: HealthRequest) => Promise<HealthAnswer>;

/** How far into the body `health-expect` is looked for: a status page says it early. */
export const EXPECT_WINDOW_BYTES = 64 * 1024;
/** How much of the service's answer reaches the log: enough to tell a proxy's page from the app's. */
const SAID_CHARS = 200;
/** Enough bytes for `SAID_CHARS` characters of any script. */
const EXCERPT_BYTES = SAID_CHARS * 4;
/**
 * How long the excerpt may keep an answer whose status has decided it: the excerpt is for the
 * log, and a body that trickles or never ends must not hold the verdict.
 */
const EXCERPT_WAIT_MS = 250;
const USER_AGENT = "vps-snapshot-action-health-check";

/**
 * A web service is not an API: it is judged by its status line as soon as it arrives, and its
 * body is read only as far as the excerpt for the log or `health-expect` needs, whatever its size
 * or however long it goes on. GET, no credentials of any kind, redirects only on the same origin
 * and the one upgrade from `http://host` to `https://host`. `ca`: the certificates an `https://`
 * service may be signed by, instead of the system's (a test's own loopback service).
 */
export function createHttpHealthProbe({ ca }: { ca?: string } = {}): HealthProbe {
  return (request) => probe(request, ca);
}

/** The health probe of a step: the system's certificates. */
export const httpHealthProbe: HealthProbe = createHttpHealthProbe();

async function probe(
  { url, expect, timeoutMs, signal }: HealthRequest,
  ca: string | undefined,
): Promise<HealthAnswer> {
  const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs)));
  const abort = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let target = new URL(url);
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await get(target, abort, ca);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        response.destroy();
        const redirect = redirectTo(location, target.href, redirects, { httpsUpgrade: true });
        if (!redirect.follow) return { healthy: false, said: refusal(status, redirect) };
        target = redirect.url;
        continue;
      }
      const answer = await judge(response, status, expect, abort);
      if (signal?.aborted) throw new CancelledError(`Cancelled during GET ${target.href}`);
      return answer;
    }
  } catch (error) {
    if (signal?.aborted) throw new CancelledError(`Cancelled during GET ${target.href}`);
    if (timeout.aborted)
      return { healthy: false, said: `no answer within ${formatDuration(timeoutMs)}` };
    return { healthy: false, said: `no answer: ${(error as Error).message}` };
  }
}

/** The probe's words for a redirect it does not follow, for the log. */
function refusal(status: number, redirect: RefusedRedirect): string {
  if (redirect.reason === "too-many") return `more than ${MAX_REDIRECTS} redirects`;
  const where = redirect.origin ? ` (${redirect.origin})` : "";
  return `HTTP ${status} to another origin${where}, not followed`;
}

/** The status and headers of one GET; the body is left to the caller, which may not want it. */
function get(url: URL, signal: AbortSignal, ca: string | undefined): Promise<IncomingMessage> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const sent = request(url, {
      method: "GET",
      headers: { "user-agent": USER_AGENT, accept: "*/*" },
      // A fresh connection each time: a service that is coming back must be asked afresh.
      agent: false,
      signal,
      ...(ca !== undefined && { ca }),
    });
    sent.on("response", resolve);
    sent.on("error", reject);
    sent.end();
  });
}

async function judge(
  response: IncomingMessage,
  status: number,
  expect: string | undefined,
  signal: AbortSignal,
): Promise<HealthAnswer> {
  const ok = status >= 200 && status < 300;
  if (!ok || expect === undefined) {
    const excerptTime = AbortSignal.any([signal, AbortSignal.timeout(EXCERPT_WAIT_MS)]);
    const { body } = await readPrefix(response, EXCERPT_BYTES, excerptTime);
    return { healthy: ok, said: `HTTP ${status}${withExcerpt(body)}` };
  }
  const wanted = Buffer.from(expect, "utf8");
  const { body, cutOff } = await readPrefix(response, EXPECT_WINDOW_BYTES, signal, wanted);
  if (body.includes(wanted)) return { healthy: true, said: `HTTP ${status}${withExcerpt(body)}` };
  const within = cutOff ? "in what came in time" : `in its first ${EXPECT_WINDOW_BYTES / 1024} KiB`;
  return {
    healthy: false,
    said: `HTTP ${status} without "${expect}" ${within}${withExcerpt(body)}`,
  };
}

/**
 * Reads the body until it holds `bytes` bytes (or `until`), it ends, or `signal` says stop, then
 * lets the connection go: the rest of a large or endless answer is never read, nor kept.
 */
async function readPrefix(
  response: IncomingMessage,
  bytes: number,
  signal: AbortSignal,
  until?: Buffer,
): Promise<{ body: Buffer; cutOff: boolean }> {
  const kept = Buffer.alloc(bytes);
  let size = 0;
  let found = false;
  const stop = () => response.destroy();
  signal.addEventListener("abort", stop, { once: true });
  try {
    for await (const chunk of response) {
      const before = size;
      size += (chunk as Buffer).copy(kept, size);
      // Only where the new bytes can complete it: a trickling body costs no more than a fast one.
      found =
        until !== undefined &&
        kept.subarray(0, size).includes(until, Math.max(0, before - until.length + 1));
      if (size >= bytes || found) break;
    }
  } catch {
    // Cut off by `signal` or by the service: what came is what there is.
  } finally {
    signal.removeEventListener("abort", stop);
    response.destroy();
  }
  return { body: kept.subarray(0, size), cutOff: signal.aborted && !found && size < bytes };
}

function withExcerpt(body: Buffer): string {
  const excerpt = body.toString("utf8").replace(/\s+/g, " ").trim().slice(0, SAID_CHARS);
  return excerpt ? `: ${excerpt}` : "";
}
