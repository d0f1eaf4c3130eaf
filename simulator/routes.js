// @ts-check

/**
 * @typedef {"list-snapshots" | "create-snapshot" | "restore-snapshot" | "delete-snapshot"
 *   | "list-servers" | "get-server" | "account-me"} RouteName
 * @typedef {{ route: RouteName | "unknown", id: number | null, allowedMethods: string[] }} RouteMatch
 */

/** @type {{ pattern: RegExp, methods: Record<string, RouteName> }[]} */
const ROUTES = [
  { pattern: /^\/snapshots\/$/, methods: { GET: "list-snapshots", POST: "create-snapshot" } },
  { pattern: /^\/snapshots\/(\d+)\/restore\/$/, methods: { POST: "restore-snapshot" } },
  { pattern: /^\/snapshots\/(\d+)\/$/, methods: { DELETE: "delete-snapshot" } },
  { pattern: /^\/servers\/$/, methods: { GET: "list-servers" } },
  { pattern: /^\/servers\/(\d+)\/$/, methods: { GET: "get-server" } },
  { pattern: /^\/account\/me\/$/, methods: { GET: "account-me" } },
];

/** @type {ReadonlySet<string>} */
export const ROUTE_NAMES = new Set(ROUTES.flatMap(({ methods }) => Object.values(methods)));

/**
 * `allowedMethods` is empty when the path itself is unknown, so a caller can tell a 404 from a
 * 405.
 * @param {string} basePath without a trailing slash
 * @param {string} pathname
 * @param {string} method
 * @returns {RouteMatch}
 */
export function matchRoute(basePath, pathname, method) {
  const unknown = { route: /** @type {const} */ ("unknown"), id: null, allowedMethods: [] };
  if (!pathname.startsWith(`${basePath}/`)) return unknown;
  const rest = pathname.slice(basePath.length);
  for (const { pattern, methods } of ROUTES) {
    const found = pattern.exec(rest);
    if (!found) continue;
    const id = found[1] === undefined ? null : Number(found[1]);
    return { route: methods[method] ?? "unknown", id, allowedMethods: Object.keys(methods) };
  }
  return unknown;
}
