// @ts-check

import { cachedOrder, listBody, orderSnapshots } from "./listing.js";

/**
 * The provider's API as documented in shared/api/snapshots-api.md: authentication, validation,
 * the answers and their messages. It turns one parsed request into one reply.
 */

/**
 * @typedef {import("./routes.js").RouteName} RouteName
 * @typedef {import("./transport.js").Reply} Reply
 * @typedef {import("./world.js").World} World
 * @typedef {import("./listing.js").ListOrder} ListOrder
 * @typedef {import("./listing.js").PagingFault} PagingFault
 * @typedef {{
 *   method: string,
 *   route: RouteName | "unknown",
 *   id: number | null,
 *   allowedMethods: string[],
 *   url: URL,
 *   query: Record<string, string>,
 *   rawBody: string,
 *   authorization: string | null,
 *   pagingFault?: PagingFault | null,
 * }} ApiRequest
 * @typedef {{
 *   token: string,
 *   maxSnapshotsPerServer: number,
 *   pageSize: number | null,
 *   serverPageSize: number | null,
 *   nextLinkOrigin: string | null,
 *   listOrder: ListOrder,
 *   seed: number,
 *   echoTokenInErrors: boolean,
 * }} ApiConfig
 */

const CREATE_MESSAGE =
  "Snapshot is being created. This may take 3-10 minutes depending on server size.";
const RESTORE_MESSAGE = "Server is being restored from snapshot. This may take 5-15 minutes.";
const NAME_RULE = /^[A-Za-z0-9_-]+$/;
const NAME_RULE_MESSAGE = "Name may contain only letters, digits, hyphens and underscores.";
const ACCOUNT = { id: 1, email: "ci@example.com", name: "CI account" };

/** @param {number} status @param {unknown} body @returns {Reply} */
const json = (status, body) => ({ status, json: body });
/** @param {number} status @param {string} message */
const detail = (status, message) => json(status, { detail: message });
/** @param {string} message */
const badRequest = (message) => json(400, { error: message });

/**
 * @param {World} world
 * @param {ApiConfig} config
 */
export function createApi(world, config) {
  /** @type {string | null} */
  let validToken = config.token;
  const accountOrder = cachedOrder(
    world.snapshots,
    world.snapshotsVersion,
    config.listOrder,
    config.seed,
  );
  /**
   * A server's own list is a handful of snapshots, cheap to order afresh.
   * @param {number} serverId
   */
  const serverOrder = (serverId) =>
    orderSnapshots(world.snapshotsOf(serverId), config.listOrder, config.seed).map(
      (snapshot) => snapshot.id,
    );

  /** @param {string | null} authorization @returns {Reply | null} */
  function authenticate(authorization) {
    if (authorization === null) {
      return unauthorized("Authentication credentials were not provided.");
    }
    if (validToken === null || authorization !== `Bearer ${validToken}`) {
      return unauthorized("Invalid token.");
    }
    return null;
  }

  /** @type {Record<RouteName, (request: ApiRequest) => Reply>} */
  const handlers = {
    "list-snapshots": (request) => {
      const serverId = request.query.server_id;
      if (serverId !== undefined && !/^\d+$/.test(serverId)) {
        return json(400, { server_id: ["A valid integer is required."] });
      }
      const ids = serverId === undefined ? accountOrder() : serverOrder(Number(serverId));
      const paging = {
        pageSize: config.pageSize,
        url: request.url,
        nextLinkOrigin: config.nextLinkOrigin,
      };
      const body = listBody(ids, paging, request.pagingFault);
      if (body === null) return detail(404, "Invalid page.");
      return json(200, {
        ...body,
        results: body.results.flatMap((id) => world.snapshot(id) ?? []),
      });
    },

    "create-snapshot": (request) => {
      const parsed = parseSnapshotRequest(request.rawBody);
      if ("invalid" in parsed) return parsed.invalid;
      if (!world.server(parsed.serverId)) return detail(404, "Server not found.");
      if (world.snapshotsOf(parsed.serverId).length >= config.maxSnapshotsPerServer) {
        return badRequest(
          `Snapshot limit reached: a server can have at most ${config.maxSnapshotsPerServer} ` +
            "snapshots. Delete an old snapshot first.",
        );
      }
      const created = world.createSnapshot(parsed);
      // The answer is written at creation time, even when the duration is zero.
      return json(201, {
        ...created,
        status: "in_progress",
        size_mb: null,
        message: CREATE_MESSAGE,
      });
    },

    "restore-snapshot": (request) => {
      const snapshot = world.snapshot(Number(request.id));
      if (!snapshot) return detail(404, "Snapshot not found.");
      if (snapshot.status !== "completed") {
        return badRequest(`Snapshot ${snapshot.id} is not completed (status: ${snapshot.status}).`);
      }
      const server = world.server(snapshot.server.id);
      if (!server || server.status === "restoring") {
        const status = server?.status ?? "missing";
        return badRequest(`Server is not in a state that allows a restore (status: ${status}).`);
      }
      world.startRestore(snapshot.id);
      return json(200, {
        status: "success",
        message: RESTORE_MESSAGE,
        snapshot: { id: snapshot.id, name: snapshot.name, created_at: snapshot.created_at },
        server: { id: server.id, name: server.name, status: "restoring" },
      });
    },

    "delete-snapshot": (request) =>
      world.deleteSnapshot(Number(request.id))
        ? { status: 204 }
        : detail(404, "Snapshot not found."),

    // Filtered by `status` and `location`, and paged like the snapshots' list.
    "list-servers": (request) => {
      const { status, location } = request.query;
      const servers = world
        .servers()
        .filter(
          (s) =>
            (status === undefined || s.status === status) &&
            (location === undefined || s.location === location),
        );
      const paging = {
        pageSize: config.serverPageSize ?? config.pageSize,
        url: request.url,
        nextLinkOrigin: config.nextLinkOrigin,
      };
      const body = listBody(servers, paging, request.pagingFault);
      if (body === null) return detail(404, "Invalid page.");
      return json(200, body);
    },

    "get-server": (request) => {
      const server = world.server(Number(request.id));
      return server ? json(200, server) : detail(404, "Server not found.");
    },

    "account-me": () => json(200, ACCOUNT),
  };

  return {
    /** @param {ApiRequest} request @returns {Reply} */
    answer(request) {
      const refused = authenticate(request.authorization);
      if (refused) return refused;
      if (request.route !== "unknown") return handlers[request.route](request);
      if (request.allowedMethods.length === 0) return detail(404, "Not found.");
      return {
        status: 405,
        headers: { Allow: request.allowedMethods.join(", ") },
        json: { detail: `Method "${request.method}" not allowed.` },
      };
    },

    revokeToken() {
      validToken = null;
    },

    /**
     * Some APIs repeat the credentials they were sent in their error messages; a client must not
     * print them as they come.
     * @param {Reply} reply
     * @param {string | null} authorization
     * @returns {Reply}
     */
    echoAuthorization(reply, authorization) {
      const body = reply.json;
      if (!config.echoTokenInErrors || authorization === null || !isObject(body)) return reply;
      if (reply.status < 400 || reply.status >= 500) return reply;
      /** @type {Record<string, unknown>} */
      const echoed = { ...body, authorization };
      for (const key of ["detail", "error", "message"]) {
        const message = echoed[key];
        if (typeof message === "string") {
          echoed[key] = `${message} (Authorization: ${authorization})`;
        }
      }
      return { ...reply, json: echoed };
    },
  };
}

/** @param {string} message @returns {Reply} */
function unauthorized(message) {
  return {
    status: 401,
    headers: { "WWW-Authenticate": 'Bearer realm="api"' },
    json: { detail: message },
  };
}

/**
 * @param {string} rawBody
 * @returns {{ invalid: Reply } | { serverId: number, name: string, description: string | null }}
 */
function parseSnapshotRequest(rawBody) {
  /** @type {unknown} */
  let body;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { invalid: detail(400, "JSON parse error") };
  }
  if (!isObject(body)) {
    const got = Array.isArray(body) ? "list" : body === null ? "null" : typeof body;
    return {
      invalid: json(400, {
        non_field_errors: [`Invalid data. Expected a dictionary, but got ${got}.`],
      }),
    };
  }
  const { server_id: serverId, name, description = null } = body;
  /** @type {Record<string, string[]>} */
  const errors = {};
  const serverIdError = positiveIntegerError(serverId);
  if (serverIdError) errors.server_id = [serverIdError];
  if (typeof name !== "string" || !NAME_RULE.test(name)) errors.name = [NAME_RULE_MESSAGE];
  if (description !== null && typeof description !== "string") {
    errors.description = ["Not a valid string."];
  }
  if (Object.keys(errors).length > 0) return { invalid: json(400, errors) };
  return {
    serverId: /** @type {number} */ (serverId),
    name: /** @type {string} */ (name),
    description: /** @type {string | null} */ (description),
  };
}

/**
 * Strict on purpose: a client that sends the id as a string is told so.
 * @param {unknown} value
 */
function positiveIntegerError(value) {
  if (value === undefined) return "This field is required.";
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    return "A valid integer is required.";
  }
  if (value < 1) return "Ensure this value is greater than or equal to 1.";
  return null;
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
