import { errorMessage, NoAnswerError } from "./errors.js";
import type { Transport } from "./transport.js";

/** What one request to a service's health URL came to, in words for the log. */
interface HealthAnswer {
  /** It answered 2xx. */
  ok: boolean;
  /** `HTTP 503: Service Unavailable`, `no answer in time`: the answer is untrusted text. */
  said: string;
}

/** One request to a health URL: never the API's token, redirects only on the same origin. */
export type HealthProbe = (
  url: string,
  timeoutMs: number,
  signal?: AbortSignal,
) => Promise<HealthAnswer>;

const MAX_REDIRECTS = 5;
/** How much of the service's answer reaches the log: enough to tell a proxy's page from the app's. */
const SAID_CHARS = 200;

/** A probe over a transport that carries no token. */
export function healthProbe(transport: Transport): HealthProbe {
  return async (url, timeoutMs, signal) => {
    let target = url;
    for (let redirects = 0; ; redirects++) {
      let answer;
      try {
        answer = await transport({
          method: "GET",
          url: target,
          timeoutMs,
          signal,
          label: `GET ${target}`,
        });
      } catch (error) {
        if (!(error instanceof NoAnswerError)) throw error;
        return { ok: false, said: errorMessage(error) };
      }
      const excerpt = answer.body.replace(/\s+/g, " ").trim().slice(0, SAID_CHARS);
      const said = `HTTP ${answer.status}${excerpt ? `: ${excerpt}` : ""}`;
      if (answer.status >= 200 && answer.status < 300) return { ok: true, said };
      const location = answer.headers.location;
      if (answer.status < 300 || answer.status >= 400 || typeof location !== "string") {
        return { ok: false, said };
      }
      const next = new URL(location, target);
      if (next.origin !== new URL(target).origin) {
        return {
          ok: false,
          said: `HTTP ${answer.status} to another origin (${next.origin}), not followed`,
        };
      }
      if (redirects >= MAX_REDIRECTS) {
        return { ok: false, said: `more than ${MAX_REDIRECTS} redirects` };
      }
      target = next.href;
    }
  };
}
