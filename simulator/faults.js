// @ts-check

import { ROUTE_NAMES } from "./routes.js";

/**
 * @typedef {import("./routes.js").RouteName} RouteName
 * @typedef {import("./transport.js").Reply} Reply
 * @typedef {import("./listing.js").PagingFault} PagingFault
 * @typedef {{ status?: number, retryAfter?: string | number, message?: string, body?: string }} StatusAnswer
 * @typedef {({ type: "status" } & StatusAnswer)
 *   | { type: "reset" }
 *   | { type: "hang" }
 *   | { type: "non-json", status?: number, body?: string }
 *   | { type: "trickle", intervalMs?: number }
 *   | { type: "truncated" }
 *   | { type: "apply-then-reset" }
 *   | ({ type: "apply-then-status" } & StatusAnswer)
 *   | { type: "apply-then-hang" }
 *   | { type: "redirect", status?: number, location: string }
 *   | { type: "apply-then-remove", snapshotIds: number[] }
 *   | { type: "next-loop", page?: number }
 *   | { type: "repeat-items", count?: number }
 *   | { type: "slim-answer", fields?: string[] }
 *   | { type: "delay", ms: number }
 *   | { type: "hold" }} Fault
 * @typedef {Fault["type"]} FaultType
 * @typedef {{ route: RouteName | "*", method?: string, times?: number, skip?: number, serverId?: number, fault: Fault }} FaultSpec
 * @typedef {{ id: number, route: string, method: string | null, serverId: number | null, timesLeft: number, skipLeft: number, fault: Fault }} ArmedFault
 */

/** @type {ReadonlySet<string>} */
const FAULT_TYPES = new Set([
  "status",
  "reset",
  "hang",
  "non-json",
  "trickle",
  "truncated",
  "apply-then-reset",
  "apply-then-status",
  "apply-then-hang",
  "redirect",
  "apply-then-remove",
  "next-loop",
  "repeat-items",
  "slim-answer",
  "delay",
  "hold",
]);

/** @type {ReadonlySet<FaultType>} */
const APPLIED_FAULTS = new Set([
  "trickle",
  "truncated",
  "apply-then-reset",
  "apply-then-status",
  "apply-then-hang",
  "apply-then-remove",
  "next-loop",
  "repeat-items",
  "slim-answer",
]);

/**
 * Faults in how the list is paged, which only the list can meet.
 * @type {ReadonlySet<FaultType>}
 */
const PAGING_FAULTS = new Set(["next-loop", "repeat-items"]);

export function createFaultPlan() {
  /** @type {ArmedFault[]} */
  let armed = [];
  let nextId = 1;
  let injected = 0;

  return {
    /** @param {FaultSpec} spec */
    add(spec) {
      checkSpec(spec);
      const id = nextId++;
      armed.push({
        id,
        route: spec.route,
        method: spec.method?.toUpperCase() ?? null,
        serverId: spec.serverId ?? null,
        timesLeft: spec.times ?? 1,
        skipLeft: spec.skip ?? 0,
        fault: spec.fault,
      });
      return id;
    },
    /** All faults, or only those armed for one server. @param {number} [serverId] */
    clear(serverId) {
      armed = serverId === undefined ? [] : armed.filter((entry) => entry.serverId !== serverId);
    },
    get injected() {
      return injected;
    },
    /**
     * The fault this request meets, if any. A fault still skipping counts the request and lets
     * it on to the faults added after it.
     * @param {RouteName | "unknown"} route
     * @param {string} method
     * @param {number | null} serverId the server the request concerns, when it names one
     * @returns {Fault | null}
     */
    take(route, method, serverId) {
      for (const entry of armed) {
        if (entry.timesLeft <= 0) continue;
        if (entry.route !== "*" && entry.route !== route) continue;
        if (entry.method !== null && entry.method !== method) continue;
        if (entry.serverId !== null && entry.serverId !== serverId) continue;
        if (entry.skipLeft > 0) {
          entry.skipLeft -= 1;
          continue;
        }
        entry.timesLeft -= 1;
        injected += 1;
        return entry.fault;
      }
      return null;
    },
  };
}

/** @param {FaultSpec} spec */
function checkSpec(spec) {
  if (spec.route !== "*" && !ROUTE_NAMES.has(spec.route)) {
    throw new Error(`Simulator: unknown route "${spec.route}" in a fault`);
  }
  if (!FAULT_TYPES.has(spec.fault?.type)) {
    throw new Error(`Simulator: unknown fault type "${spec.fault?.type}"`);
  }
  if (spec.fault.type === "redirect" && !spec.fault.location) {
    throw new Error("Simulator: a redirect fault needs a location");
  }
  if (PAGING_FAULTS.has(spec.fault.type) && spec.route !== "list-snapshots") {
    throw new Error(`Simulator: a ${spec.fault.type} fault is for the list-snapshots route`);
  }
  if (spec.fault.type === "apply-then-remove" && !(spec.fault.snapshotIds?.length > 0)) {
    throw new Error("Simulator: an apply-then-remove fault needs snapshotIds");
  }
  if (spec.fault.type === "delay" && !(Number.isFinite(spec.fault.ms) && spec.fault.ms >= 0)) {
    throw new Error(`Simulator: a delay fault needs ms >= 0 (got ${spec.fault.ms})`);
  }
  const { times = 1, skip = 0 } = spec;
  if (!(times >= 1) || !(skip >= 0)) {
    throw new Error(`Simulator: a fault needs times >= 1 and skip >= 0 (got ${times}, ${skip})`);
  }
}

/**
 * Whether the request still reaches the API (and changes its state) under this fault.
 * @param {Fault} fault
 */
export function faultLetsRequestApply(fault) {
  return APPLIED_FAULTS.has(fault.type);
}

/**
 * How the list is paged under this fault, or null when it is paged as documented.
 * @param {Fault | null} fault
 * @returns {PagingFault | null}
 */
export function pagingFault(fault) {
  switch (fault?.type) {
    case "next-loop":
      return { nextPage: fault.page ?? 1 };
    case "repeat-items":
      return { repeat: fault.count ?? 1 };
    default:
      return null;
  }
}

/**
 * The answer a fault puts in place of the API's, or null when the API's own answer (if any) is
 * what goes out.
 * @param {Fault} fault
 * @param {Reply | null} apiReply the API's answer, when the fault let the request apply
 * @returns {Reply | null}
 */
export function faultReply(fault, apiReply) {
  switch (fault.type) {
    case "status":
    case "apply-then-status":
      return statusReply(fault);
    case "non-json":
      return nonJsonReply(fault.status ?? 200, fault.body);
    case "redirect":
      return { status: fault.status ?? 302, headers: { Location: fault.location } };
    case "slim-answer":
      return apiReply && slimReply(apiReply, fault.fields);
    default:
      return null;
  }
}

/**
 * The API's own success answer with fewer fields than the document promises, as another version
 * of the API could send. Errors, and bodies that are not an object, go out as they are.
 * @param {Reply} reply
 * @param {string[] | undefined} fields the fields kept; by default all but `server`
 * @returns {Reply}
 */
function slimReply(reply, fields) {
  const body = reply.json;
  if (reply.status >= 300 || typeof body !== "object" || body === null || Array.isArray(body)) {
    return reply;
  }
  const kept = Object.entries(body).filter(([key]) =>
    fields === undefined ? key !== "server" : fields.includes(key),
  );
  return { ...reply, json: Object.fromEntries(kept) };
}

/** @param {StatusAnswer} answer @returns {Reply} */
function statusReply(answer) {
  const status = answer.status ?? 500;
  /** @type {Record<string, string>} */
  const headers =
    answer.retryAfter === undefined ? {} : { "Retry-After": String(answer.retryAfter) };
  if (answer.body !== undefined) return { status, headers, text: answer.body };
  return { status, headers, json: { detail: answer.message ?? `Simulated ${status}` } };
}

/**
 * What a load balancer or captive portal serves in front of a JSON API.
 * @param {number} status
 * @param {string | undefined} body
 * @returns {Reply}
 */
function nonJsonReply(status, body) {
  const text =
    body ??
    `<!DOCTYPE html>\n<html><head><title>${status}</title></head>` +
      `<body><h1>${status}</h1><p>An HTML page where the API's JSON was expected.</p></body></html>\n`;
  return { status, headers: { "Content-Type": "text/html; charset=utf-8" }, text };
}
