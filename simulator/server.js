// @ts-check

import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { createApi } from "./api.js";
import { createFaultPlan, faultLetsRequestApply, faultReply, pagingFault } from "./faults.js";
import { LIST_ORDERS, requestedPage } from "./listing.js";
import { matchRoute } from "./routes.js";
import { ACTION_SERVERS } from "./seeds.js";
import { resetConnection, send, sendTrickled, sendTruncated } from "./transport.js";
import { createWorld } from "./world.js";

/**
 * @typedef {import("./routes.js").RouteName} RouteName
 * @typedef {import("./faults.js").Fault} Fault
 * @typedef {import("./faults.js").FaultSpec} FaultSpec
 * @typedef {import("./transport.js").Reply} Reply
 * @typedef {import("./listing.js").ListOrder} ListOrder
 * @typedef {import("./world.js").ServerSeed} ServerSeed
 * @typedef {import("./world.js").SnapshotSeed} SnapshotSeed
 * @typedef {import("./world.js").ServerTimings} ServerTimings
 * @typedef {import("./world.js").ServerView} ServerView
 * @typedef {import("./world.js").SnapshotView} SnapshotView
 * @typedef {import("./world.js").RestoreRecord} RestoreRecord
 * @typedef {import("./world.js").DeletionRecord} DeletionRecord
 * @typedef {import("node:http").IncomingMessage} IncomingMessage
 * @typedef {import("node:http").ServerResponse} ServerResponse
 */

/**
 * @typedef {{
 *   token?: string,
 *   host?: string,
 *   port?: number,
 *   basePath?: string,
 *   servers?: readonly ServerSeed[],
 *   snapshots?: readonly SnapshotSeed[],
 *   snapshotDurationMs?: number,
 *   snapshotOutcome?: string,
 *   restoreDurationMs?: number,
 *   pageSize?: number | null,
 *   serverPageSize?: number | null,
 *   nextLinkOrigin?: string | null,
 *   listOrder?: ListOrder,
 *   seed?: number,
 *   maxSnapshotsPerServer?: number,
 *   echoTokenInErrors?: boolean,
 *   now?: () => number,
 * }} SimulatorOptions
 *
 * A request as it arrived, before any answer.
 * @typedef {{
 *   at: number,
 *   method: string,
 *   url: URL,
 *   match: import("./routes.js").RouteMatch,
 *   authorization: string | null,
 *   query: Record<string, string>,
 *   rawBody: string,
 * }} IncomingRequest
 *
 * A request once answered, in the order of the answers; `at` is when it arrived, which a `delay`
 * fault puts that many milliseconds before its answer. `status` is "hang" for a request that got
 * no answer: a hang fault, or a delay its client did not wait out.
 * @typedef {{
 *   seq: number,
 *   at: number,
 *   method: string,
 *   path: string,
 *   query: Record<string, string>,
 *   route: RouteName | "unknown",
 *   authorization: string | null,
 *   body: unknown,
 *   status: number | "reset" | "hang" | "redirect",
 *   fault: Fault["type"] | null,
 * }} LoggedRequest
 *
 * A list page the API has just answered. `ids` are the snapshots on it, in order.
 * @typedef {{ page: number, serverId: number | null, url: string, ids: number[] }} ListPageInfo
 *
 * @typedef {{
 *   url: string,
 *   origin: string,
 *   token: string,
 *   close: () => Promise<void>,
 *   requests: LoggedRequest[],
 *   requestsFor: (route: RouteName | "unknown", method?: string) => LoggedRequest[],
 *   snapshots: () => SnapshotView[],
 *   snapshotsOf: (serverId: number) => SnapshotView[],
 *   snapshot: (id: number) => SnapshotView | undefined,
 *   servers: () => ServerView[],
 *   addSnapshot: (seed: SnapshotSeed) => SnapshotView,
 *   removeSnapshot: (id: number) => boolean,
 *   setServerStatus: (id: number, status: string) => void,
 *   removeServer: (id: number) => boolean,
 *   revokeToken: () => void,
 *   restores: RestoreRecord[],
 *   deletions: DeletionRecord[],
 *   creations: number[],
 *   configureServer: (serverId: number, timings: ServerTimings) => void,
 *   afterListPage: (hook: (info: ListPageInfo) => void) => () => void,
 *   arrived: (route: RouteName | "unknown", count?: number) => Promise<void>,
 *   arrivalsOf: (route: RouteName | "unknown") => number,
 *   openRequests: (route?: RouteName | "unknown") => number,
 *   peakOpenRequests: (route?: RouteName | "unknown") => number,
 *   releaseHeld: () => number,
 *   addFault: (spec: FaultSpec) => number,
 *   clearFaults: (serverId?: number) => void,
 *   readonly faultsInjected: number,
 * }} Simulator
 */

/** The key under which every route's requests are counted together. */
const ANY_ROUTE = "*";

/** @param {SimulatorOptions} options */
function resolveOptions(options) {
  const config = {
    token: options.token ?? `sim-${randomBytes(16).toString("hex")}`,
    host: options.host ?? "127.0.0.1",
    port: options.port ?? 0,
    basePath: (options.basePath ?? "/api/v1").replace(/\/+$/, ""),
    servers: options.servers ?? ACTION_SERVERS,
    snapshots: options.snapshots ?? [],
    snapshotDurationMs: options.snapshotDurationMs ?? 1500,
    snapshotOutcome: options.snapshotOutcome ?? "completed",
    restoreDurationMs: options.restoreDurationMs ?? 1500,
    pageSize: options.pageSize ?? null,
    // The servers' list pages like the snapshots' unless told otherwise.
    serverPageSize: options.serverPageSize ?? null,
    nextLinkOrigin: options.nextLinkOrigin ?? null,
    listOrder: options.listOrder ?? "newest-first",
    seed: options.seed ?? 1,
    maxSnapshotsPerServer: options.maxSnapshotsPerServer ?? 5,
    echoTokenInErrors: options.echoTokenInErrors ?? false,
    now: options.now ?? (() => Date.now()),
  };
  if (!LIST_ORDERS.has(config.listOrder)) {
    throw new Error(`Simulator: unknown listOrder "${config.listOrder}"`);
  }
  for (const [name, size] of Object.entries({
    pageSize: config.pageSize,
    serverPageSize: config.serverPageSize,
  })) {
    if (size !== null && !(Number.isInteger(size) && size >= 1)) {
      throw new Error(`Simulator: ${name} must be a positive integer (got ${size})`);
    }
  }
  return config;
}

/**
 * @param {SimulatorOptions} [options]
 * @returns {Promise<Simulator>}
 */
export async function startSimulator(options = {}) {
  const config = resolveOptions(options);
  const world = createWorld(config);
  const api = createApi(world, config);
  const faults = createFaultPlan();
  /** @type {LoggedRequest[]} */
  const requests = [];
  /** @type {Set<import("node:net").Socket>} */
  const sockets = new Set();
  /** @type {{ hook: (info: ListPageInfo) => void }[]} */
  let listPageHooks = [];
  /** Requests held by a `hold` fault, each served by calling it. @type {Set<() => void>} */
  const held = new Set();
  /** @type {Map<string, number>} */
  const arrivals = new Map();
  /** @type {Map<string, number>} */
  const openNow = new Map();
  /** @type {Map<string, number>} */
  const peakOpen = new Map();
  /** @type {Set<{ route: string, count: number, resolve: () => void }>} */
  const arrivalWaiters = new Set();

  const server = createServer((req, res) => {
    readBody(req).then(
      (rawBody) => {
        try {
          handle(req, res, rawBody);
        } catch (error) {
          answerSimulatorBug(res, error);
        }
      },
      // A client that drops the connection mid-body leaves nothing to answer.
      () => res.destroy(),
    );
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const origin = await listen(server, config.host, config.port);

  /**
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   * @param {string} rawBody
   */
  function handle(req, res, rawBody) {
    const at = config.now();
    const method = (req.method ?? "GET").toUpperCase();
    const url = requestUrl(origin, req.url ?? "/");
    const match = matchRoute(config.basePath, url.pathname, method);
    const authorization = req.headers.authorization ?? null;
    const query = Object.fromEntries(url.searchParams);
    countArrival(match.route, res);
    // Faults come first: a proxy in front of the API answers before the API authenticates.
    const fault = faults.take(match.route, method, serverOf(match, query, rawBody));
    /** @type {IncomingRequest} */
    const request = { at, method, url, match, authorization, query, rawBody };
    if (fault?.type === "delay" || fault?.type === "hold") {
      holdInFront(res, request, fault);
      return;
    }
    answer(res, request, fault, fault?.type ?? null);
  }

  /**
   * Held in front of the API, then served as if no fault were armed: a `delay` for its time, a
   * `hold` until the test calls `releaseHeld()`. A client that gives up, or close(), ends the
   * wait: the request never reaches the API and gets no answer.
   * @param {ServerResponse} res
   * @param {IncomingRequest} request
   * @param {Extract<Fault, { type: "delay" | "hold" }>} fault
   */
  function holdInFront(res, request, fault) {
    const serve = () => {
      stopHolding();
      try {
        answer(res, request, null, fault.type);
      } catch (error) {
        answerSimulatorBug(res, error);
      }
    };
    const dropped = () => {
      stopHolding();
      logRequest(request, "hang", fault.type);
    };
    const timer = fault.type === "delay" ? setTimeout(serve, fault.ms) : undefined;
    if (fault.type === "hold") held.add(serve);
    function stopHolding() {
      clearTimeout(timer);
      held.delete(serve);
      res.off("close", dropped);
    }
    res.on("close", dropped);
  }

  /**
   * Counts a request in as it arrives and out when its connection's answer is over, so a test can
   * wait for "the request is open" and read how many were open at once: events, not the clock.
   * @param {RouteName | "unknown"} route
   * @param {ServerResponse} res
   */
  function countArrival(route, res) {
    for (const key of [route, ANY_ROUTE]) {
      arrivals.set(key, (arrivals.get(key) ?? 0) + 1);
      const open = (openNow.get(key) ?? 0) + 1;
      openNow.set(key, open);
      peakOpen.set(key, Math.max(peakOpen.get(key) ?? 0, open));
    }
    res.once("close", () => {
      for (const key of [route, ANY_ROUTE]) openNow.set(key, (openNow.get(key) ?? 1) - 1);
    });
    for (const waiter of [...arrivalWaiters]) {
      if ((arrivals.get(waiter.route) ?? 0) >= waiter.count) {
        arrivalWaiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /**
   * Lets the API answer, unless the fault stops the request before it, sends what the client gets,
   * and logs the request.
   * @param {ServerResponse} res
   * @param {IncomingRequest} request
   * @param {Fault | null} fault the fault that shapes the answer
   * @param {LoggedRequest["fault"]} loggedFault the fault the request met, for the log
   */
  function answer(res, request, fault, loggedFault) {
    const { method, url, match, authorization, query, rawBody } = request;
    const apiReply =
      fault === null || faultLetsRequestApply(fault)
        ? api.answer({
            ...match,
            method,
            url,
            query,
            rawBody,
            authorization,
            pagingFault: pagingFault(fault),
          })
        : null;
    changeWorldAfter(match.route, url, fault, apiReply);
    const reply = (fault && faultReply(fault, apiReply)) ?? apiReply;
    const status = deliver(res, fault, reply && api.echoAuthorization(reply, authorization));
    logRequest(request, status, loggedFault);
  }

  /**
   * @param {IncomingRequest} request
   * @param {LoggedRequest["status"]} status
   * @param {LoggedRequest["fault"]} fault
   */
  function logRequest({ at, method, url, match, authorization, query, rawBody }, status, fault) {
    requests.push({
      seq: requests.length + 1,
      at,
      method,
      path: url.pathname,
      query,
      route: match.route,
      authorization,
      body: parseLoggedBody(rawBody),
      status,
      fault,
    });
  }

  /**
   * What a test has the world do once the API has answered. The answer is made but not yet sent,
   * so the change shows from the client's next request on, as another client's work between two
   * requests would; and a hook that throws can still fail this request with a "Simulator bug".
   * @param {RouteName | "unknown"} route
   * @param {URL} url
   * @param {Fault | null} fault
   * @param {Reply | null} apiReply
   */
  function changeWorldAfter(route, url, fault, apiReply) {
    if (fault?.type === "apply-then-remove") {
      for (const id of fault.snapshotIds) world.removeSnapshot(id);
    }
    if (route !== "list-snapshots" || apiReply?.status !== 200) return;
    const results = /** @type {{ results: SnapshotView[] }} */ (apiReply.json).results;
    const serverId = url.searchParams.get("server_id");
    /** @type {ListPageInfo} */
    const info = {
      page: config.pageSize === null ? 1 : requestedPage(url),
      serverId: serverId === null ? null : Number(serverId),
      url: url.href,
      ids: results.map((snapshot) => snapshot.id),
    };
    // A copy, as a hook may remove itself or add another.
    for (const { hook } of [...listPageHooks]) hook(info);
  }

  /**
   * The server a request concerns, so a fault can be armed for one server's requests only.
   * @param {{ route: string, id: number | null }} match
   * @param {Record<string, string>} query
   * @param {string} rawBody
   * @returns {number | null}
   */
  function serverOf(match, query, rawBody) {
    if (query.server_id !== undefined) return Number(query.server_id);
    if (match.route === "get-server") return match.id;
    if (match.id !== null) return world.snapshot(match.id)?.server.id ?? null;
    const body = /** @type {{ server_id?: unknown } | null} */ (parseLoggedBody(rawBody));
    return typeof body?.server_id === "number" ? body.server_id : null;
  }

  /** @type {Promise<void> | null} */
  let closing = null;
  function close() {
    closing ??= new Promise((resolve) => {
      server.close(() => resolve());
      // Hung and trickling answers hold their sockets open; nothing may outlive close().
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  }

  return {
    url: `${origin}${config.basePath}`,
    origin,
    token: config.token,
    close,
    requests,
    requestsFor: (route, method) =>
      requests.filter(
        (entry) =>
          entry.route === route && (method === undefined || entry.method === method.toUpperCase()),
      ),
    snapshots: world.snapshots,
    snapshotsOf: world.snapshotsOf,
    snapshot: world.snapshot,
    servers: world.servers,
    addSnapshot: world.addSnapshot,
    removeSnapshot: world.removeSnapshot,
    setServerStatus: world.setServerStatus,
    removeServer: world.removeServer,
    revokeToken: api.revokeToken,
    restores: world.restores,
    deletions: world.deletions,
    creations: world.creations,
    configureServer: world.configureServer,
    afterListPage: (hook) => {
      const entry = { hook };
      listPageHooks.push(entry);
      return () => {
        listPageHooks = listPageHooks.filter((other) => other !== entry);
      };
    },
    arrived: (route, count = 1) =>
      (arrivals.get(route) ?? 0) >= count
        ? Promise.resolve()
        : new Promise((resolve) => arrivalWaiters.add({ route, count, resolve })),
    arrivalsOf: (route) => arrivals.get(route) ?? 0,
    openRequests: (route) => openNow.get(route ?? ANY_ROUTE) ?? 0,
    peakOpenRequests: (route) => peakOpen.get(route ?? ANY_ROUTE) ?? 0,
    releaseHeld: () => {
      const serving = [...held];
      for (const serve of serving) serve();
      return serving.length;
    },
    addFault: faults.add,
    clearFaults: faults.clear,
    get faultsInjected() {
      return faults.injected;
    },
  };
}

/**
 * Sends the answer the fault calls for and says what the client got, for the request log.
 * @param {ServerResponse} res
 * @param {Fault | null} fault
 * @param {Reply | null} reply null when the fault leaves nothing to send
 * @returns {LoggedRequest["status"]}
 */
function deliver(res, fault, reply) {
  switch (fault?.type) {
    case "reset":
    case "apply-then-reset":
      resetConnection(res);
      return "reset";
    case "hang":
    case "apply-then-hang":
      return "hang";
  }
  if (reply === null) throw new Error("Simulator: no answer to send");
  switch (fault?.type) {
    case "trickle":
      sendTrickled(res, reply, fault.intervalMs ?? 200);
      return reply.status;
    case "truncated":
      sendTruncated(res, reply);
      return reply.status;
    case "redirect":
      send(res, reply);
      return "redirect";
    default:
      send(res, reply);
      return reply.status;
  }
}

/**
 * The request target on the simulator's own origin. Built piece by piece because a target such
 * as `//host/x` or `*` would not survive `new URL(target, origin)` as a path.
 * @param {string} origin
 * @param {string} target
 */
function requestUrl(origin, target) {
  const url = new URL(origin);
  const queryStart = target.indexOf("?");
  url.pathname = queryStart === -1 ? target : target.slice(0, queryStart);
  url.search = queryStart === -1 ? "" : target.slice(queryStart);
  return url;
}

/**
 * A bug in the simulator must fail the test that met it, loudly, not leave the client waiting.
 * @param {ServerResponse} res
 * @param {unknown} error
 */
function answerSimulatorBug(res, error) {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (res.headersSent) res.destroy();
  else send(res, { status: 500, json: { detail: `Simulator bug: ${message}` } });
}

/** @param {IncomingMessage} req @returns {Promise<string>} */
async function readBody(req) {
  /** @type {Buffer[]} */
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** @param {string} rawBody @returns {unknown} */
function parseLoggedBody(rawBody) {
  if (rawBody === "") return null;
  try {
    return JSON.parse(rawBody);
  } catch {
    return rawBody;
  }
}

/**
 * @param {import("node:http").Server} server
 * @param {string} host
 * @param {number} port
 * @returns {Promise<string>} the origin it listens on
 */
function listen(server, host, port) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") {
        reject(new Error("Simulator: not listening on TCP"));
        return;
      }
      const hostInUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve(`http://${hostInUrl}:${address.port}`);
    });
  });
}
