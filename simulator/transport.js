// @ts-check

/**
 * How an answer leaves the socket: whole, one byte at a time, cut in half, or not at all.
 */

/**
 * `json` is serialised; `text` is sent verbatim (for bodies that are not the API's JSON).
 * @typedef {{ status: number, headers?: Record<string, string>, json?: unknown, text?: string }} Reply
 * @typedef {import("node:http").ServerResponse} ServerResponse
 */

/** @param {Reply} reply */
function encode(reply) {
  const bytes =
    reply.text !== undefined
      ? Buffer.from(reply.text)
      : Buffer.from(reply.json === undefined ? "" : JSON.stringify(reply.json));
  /** @type {Record<string, string>} */
  const headers = bytes.length > 0 ? { "Content-Type": "application/json" } : {};
  Object.assign(headers, reply.headers);
  // A 204 must not announce a length (RFC 9110 §8.6).
  if (reply.status !== 204) headers["Content-Length"] = String(bytes.length);
  return { bytes, headers };
}

/** @param {ServerResponse} res @param {Reply} reply */
export function send(res, reply) {
  const { bytes, headers } = encode(reply);
  res.writeHead(reply.status, headers).end(bytes);
}

/**
 * @param {ServerResponse} res
 * @param {Reply} reply
 * @param {number} intervalMs
 */
export function sendTrickled(res, reply, intervalMs) {
  const { bytes, headers } = encode(reply);
  res.writeHead(reply.status, headers);
  res.flushHeaders();
  let sent = 0;
  const sendNextByte = () => {
    if (sent >= bytes.length) {
      res.end();
      return;
    }
    res.write(bytes.subarray(sent, sent + 1));
    sent += 1;
    timer = setTimeout(sendNextByte, intervalMs);
  };
  let timer = setTimeout(sendNextByte, intervalMs);
  // The client may give up, or close() may destroy the socket, half way through.
  res.on("close", () => clearTimeout(timer));
}

/**
 * The headers promise the whole body; the connection ends after half of it.
 * @param {ServerResponse} res
 * @param {Reply} reply
 */
export function sendTruncated(res, reply) {
  const { bytes, headers } = encode(reply);
  res.writeHead(reply.status, headers);
  res.flushHeaders();
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.destroy());
}

/**
 * An RST rather than a FIN, as a crashed proxy or a dropped connection looks to the client.
 * @param {ServerResponse} res
 */
export function resetConnection(res) {
  res.socket?.resetAndDestroy();
}
