import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the service got: what it asked for and every header it carried. */
export interface ServiceRequest {
  url: string;
  headers: IncomingHttpHeaders;
  /** When it came, by Date.now() (the simulator's clock too). */
  at: number;
}

export interface ServiceAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

export interface HealthService {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  requests: ServiceRequest[];
  close: () => Promise<void>;
}

/**
 * The user's own service on loopback, as a health URL reaches it: it answers each request as
 * `answer` says (from how many it has seen so far), and keeps what it was sent.
 */
export async function healthService(
  answer: (request: ServiceRequest, count: number) => ServiceAnswer,
): Promise<HealthService> {
  const requests: ServiceRequest[] = [];
  const server = createServer((req, res) => {
    const request = { url: req.url ?? "", headers: req.headers, at: Date.now() };
    requests.push(request);
    const { status, body = "", headers = {} } = answer(request, requests.length);
    res.writeHead(status, { "content-type": "text/plain", ...headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
