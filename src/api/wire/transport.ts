import type { IncomingHttpHeaders, IncomingMessage, RequestOptions } from "node:http";
import { HttpClient } from "@actions/http-client";
import { BearerCredentialHandler } from "@actions/http-client/lib/auth";
import type { RequestHandler } from "@actions/http-client/lib/interfaces";
import { formatDuration } from "../../duration.js";
import { CancelledError } from "../../runner/time/clock.js";
import { errorMessage, NoAnswerError } from "../answers/errors.js";

export interface HttpExchange {
  method: "GET" | "POST" | "DELETE";
  url: string;
  body?: unknown;
  timeoutMs: number;
  /** Aborted when the step is cancelled. */
  signal?: AbortSignal;
  /** How errors name this request (`POST /snapshots/`): never the full URL with its host. */
  label: string;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP exchange, no retries, no redirects: those are decided above, where the meaning is known. */
export type Transport = (exchange: HttpExchange) => Promise<HttpAnswer>;

const USER_AGENT = "vps-snapshot-action";
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Errors that happen before a byte is sent: the API cannot have seen the request. */
const CONNECT_ERROR_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"]);

/**
 * http-client hands a handler the options before `http.request`, which is the only place a
 * per-request abort signal can reach the socket; without it a hung or trickling answer would hold
 * the step until the job's own limit.
 */
class AbortSignalHandler implements RequestHandler {
  constructor(private readonly signal: AbortSignal) {}
  prepareRequest(options: RequestOptions): void {
    options.signal = this.signal;
  }
  canHandleAuthentication(): boolean {
    return false;
  }
  handleAuthentication(): never {
    throw new Error("AbortSignalHandler does not authenticate");
  }
}

/** HTTP with the token on every request, for the provider's API and nothing else. */
export function httpTransport(token: string): Transport {
  return async ({ method, url, body, timeoutMs, signal, label }) => {
    const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs)));
    const abort = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const client = new HttpClient(
      USER_AGENT,
      [new BearerCredentialHandler(token), new AbortSignalHandler(abort)],
      // The abort signal is the real limit; the socket timeout only backs it up.
      { allowRedirects: false, allowRetries: false, socketTimeout: timeoutMs + 1_000 },
    );
    let answered = false;
    try {
      const response = await client.request(
        method,
        url,
        body === undefined ? null : JSON.stringify(body),
        { accept: "application/json", "content-type": "application/json" },
      );
      answered = true;
      const text = await readBody(response.message);
      return {
        status: response.message.statusCode ?? 0,
        headers: response.message.headers,
        body: text,
      };
    } catch (error) {
      if (signal?.aborted) throw new CancelledError(`Cancelled during ${label}`);
      if (timeout.aborted) {
        throw new NoAnswerError(
          "timeout",
          label,
          true,
          `nothing complete within ${formatDuration(timeoutMs)}`,
        );
      }
      const detail = errorMessage(error);
      if (answered) throw new NoAnswerError("truncated", label, true, detail);
      const code = (error as NodeJS.ErrnoException).code ?? "";
      throw new NoAnswerError("connection", label, !CONNECT_ERROR_CODES.has(code), detail);
    } finally {
      client.dispose();
    }
  };
}

async function readBody(message: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of message) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      message.destroy();
      throw new Error(`the answer is larger than ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  if (!message.complete) throw new Error("the connection closed before the answer was complete");
  return Buffer.concat(chunks).toString("utf8");
}
