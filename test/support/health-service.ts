import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";

/** A request the service got: what it asked for and every header it carried. */
export interface ServiceRequest {
  url: string;
  headers: IncomingHttpHeaders;
  /** When it came, by Date.now() (the simulator's clock too). */
  at: number;
  /** How much of a `more` body the client had taken when it let the answer go (or by now). */
  bytesSent: number;
}

export interface ServiceAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /**
   * After `body`: `endless` keeps sending a line every 50 ms and never ends the answer (a
   * streaming endpoint); a number sends that many more bytes, as fast as the client takes them.
   */
  more?: "endless" | number;
  /**
   * The body in parts after `body`, each written once the client has had its turn to read the
   * one before (two turns of the event loop, a poll for the client between them), so that they
   * reach it as separate chunks, as a slow network splits text; then `more`, if `endless`.
   */
  parts?: string[];
}

export interface HealthService {
  /** `http://127.0.0.1:PORT` (`https://` with `tls`; no port when it is the default), no slash. */
  url: string;
  requests: ServiceRequest[];
  /** Resolves once `count` answers are over: sent whole, or let go by the client. */
  answersClosed: (count: number) => Promise<void>;
  close: () => Promise<void>;
}

/**
 * The user's own service on loopback, as a health URL reaches it: it answers each request as
 * `answer` says (from how many it has seen so far), and keeps what it was sent.
 */
export async function healthService(
  /** `hang`: the service takes the request and never answers it. */
  answer: (request: ServiceRequest, count: number) => ServiceAnswer | "hang",
  host: "127.0.0.1" | "127.0.0.2" | "::1" = "127.0.0.1",
  { port = 0, tls }: { port?: number; tls?: { key: string; cert: string } } = {},
): Promise<HealthService> {
  const requests: ServiceRequest[] = [];
  let closedAnswers = 0;
  const closeWaiters = new Set<{ count: number; resolve: () => void }>();
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const request = { url: req.url ?? "", headers: req.headers, at: Date.now(), bytesSent: 0 };
    requests.push(request);
    res.once("close", () => {
      closedAnswers += 1;
      for (const waiter of [...closeWaiters]) {
        if (closedAnswers < waiter.count) continue;
        closeWaiters.delete(waiter);
        waiter.resolve();
      }
    });
    const given = answer(request, requests.length);
    if (given === "hang") return;
    const { status, body = "", headers = {}, more, parts } = given;
    res.writeHead(status, { "content-type": "text/plain", ...headers });
    if (parts !== undefined) return void writeInTurns(res, [body, ...parts], more === "endless");
    if (more === undefined) return void res.end(body);
    res.write(body);
    if (more === "endless") return streamEndlessly(res);
    sendBytes(res, more, (bytes) => (request.bytesSent += bytes));
  };
  const server = tls ? createTlsServer(tls, serve) : createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  const scheme = tls ? "https" : "http";
  const defaultPort = bound === (tls ? 443 : 80);
  return {
    url: `${scheme}://${host.includes(":") ? `[${host}]` : host}${defaultPort ? "" : `:${bound}`}`,
    requests,
    answersClosed: (count) =>
      closedAnswers >= count
        ? Promise.resolve()
        : new Promise((resolve) => closeWaiters.add({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function streamEndlessly(res: ServerResponse): void {
  const tick = setInterval(() => res.write("still here\n"), 50);
  res.on("close", () => clearInterval(tick));
}

async function writeInTurns(res: ServerResponse, parts: string[], endless: boolean) {
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  for (const part of parts) {
    if (res.destroyed) return;
    res.write(part);
    await turn();
    await turn();
  }
  if (endless) streamEndlessly(res);
  else res.end();
}

/** `total` bytes of filler, written as the client reads them, so the service holds only one chunk. */
function sendBytes(res: ServerResponse, total: number, sent: (bytes: number) => void): void {
  const chunk = Buffer.alloc(64 * 1024, "x");
  let left = total;
  const write = () => {
    while (left > 0 && !res.destroyed) {
      const piece = chunk.subarray(0, Math.min(chunk.length, left));
      left -= piece.length;
      sent(piece.length);
      if (!res.write(piece)) return void res.once("drain", write);
    }
    if (!res.destroyed) res.end();
  };
  res.on("error", () => {});
  write();
}

/** No request to the service carries the API's token, in any header or in its URL. */
export function expectNoToken(requests: ServiceRequest[], token: string) {
  expect(requests.length).toBeGreaterThan(0);
  for (const request of requests) {
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.stringify(request)).not.toContain(token);
  }
}
