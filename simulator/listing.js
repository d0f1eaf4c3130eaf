// @ts-check

/**
 * The order and paging of the snapshot list.
 */

/**
 * @typedef {"newest-first" | "oldest-first" | "shuffled"} ListOrder
 * @typedef {import("./world.js").SnapshotView} SnapshotView
 */

/** @type {ReadonlySet<string>} */
export const LIST_ORDERS = new Set(["newest-first", "oldest-first", "shuffled"]);

/**
 * @param {SnapshotView[]} snapshots
 * @param {ListOrder} order
 * @param {number} seed
 */
export function orderSnapshots(snapshots, order, seed) {
  /** @param {SnapshotView} a @param {SnapshotView} b */
  const oldestFirst = (a, b) => compareStrings(a.created_at, b.created_at) || a.id - b.id;
  switch (order) {
    case "oldest-first":
      return [...snapshots].sort(oldestFirst);
    case "newest-first":
      return [...snapshots].sort((a, b) => oldestFirst(b, a));
    case "shuffled":
      // A key per snapshot, not a shuffle per request: the order must stay the same from one
      // page to the next, or paging would skip and repeat items, which no real API does.
      return [...snapshots].sort(
        (a, b) => shuffleKey(a.id, seed) - shuffleKey(b.id, seed) || a.id - b.id,
      );
  }
}

/** @param {string} a @param {string} b */
function compareStrings(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A 32-bit integer hash (the murmur3 finaliser) of the id mixed with the seed.
 * @param {number} id
 * @param {number} seed
 */
function shuffleKey(id, seed) {
  let h = (id ^ Math.imul(seed, 0x9e3779b9)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The list body: the documented `{count, results}` without paging, or one page in the usual
 * REST style. Returns null for a page that does not exist.
 * @template T
 * @param {T[]} items
 * @param {{ pageSize: number | null, url: URL, nextLinkOrigin: string | null }} paging
 */
export function listBody(items, { pageSize, url, nextLinkOrigin }) {
  if (pageSize === null) return { count: items.length, results: items };
  const pageParam = url.searchParams.get("page") ?? "1";
  const page = /^\d+$/.test(pageParam) ? Number(pageParam) : 0;
  const lastPage = Math.max(1, Math.ceil(items.length / pageSize));
  if (page < 1 || page > lastPage) return null;
  return {
    count: items.length,
    next: page < lastPage ? pageLink(url, page + 1, nextLinkOrigin ?? url.origin) : null,
    previous: page > 1 ? pageLink(url, page - 1, url.origin) : null,
    results: items.slice((page - 1) * pageSize, page * pageSize),
  };
}

/**
 * Like Django REST framework, the link to the first page drops `page` and keeps every other
 * query parameter in place.
 * @param {URL} url
 * @param {number} page
 * @param {string} origin
 */
function pageLink(url, page, origin) {
  const link = new URL(origin);
  link.pathname = url.pathname;
  link.search = url.search;
  if (page === 1) link.searchParams.delete("page");
  else link.searchParams.set("page", String(page));
  return link.href;
}
