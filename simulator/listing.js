// @ts-check

/**
 * The order and paging of the snapshot list.
 */

/**
 * @typedef {"newest-first" | "oldest-first" | "shuffled"} ListOrder
 * @typedef {import("./world.js").SnapshotView} SnapshotView
 * @typedef {{ id: number, created_at: string }} Orderable
 */

/**
 * Paging as a faulty API does it: `nextPage` is where every `next` link points (a loop when it is
 * a page already served), `repeat` is how many items of the page before a page starts with again.
 * @typedef {{ nextPage?: number, repeat?: number }} PagingFault
 */

/** @type {ReadonlySet<string>} */
export const LIST_ORDERS = new Set(["newest-first", "oldest-first", "shuffled"]);

/**
 * @template {Orderable} T
 * @param {T[]} snapshots
 * @param {ListOrder} order
 * @param {number} seed
 */
export function orderSnapshots(snapshots, order, seed) {
  /** @param {T} a @param {T} b */
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

/**
 * The whole account's list order as ids, kept until a snapshot is added or removed. A busy account
 * is read ten at a time: sorting thousands of snapshots again for every page would make reading the
 * whole list quadratic. Only ids are kept, as a status changes with time and is read per page.
 * @param {() => Orderable[]} snapshots
 * @param {() => number} version changes whenever a snapshot is added or removed
 * @param {ListOrder} order
 * @param {number} seed
 * @returns {() => readonly number[]}
 */
export function cachedOrder(snapshots, version, order, seed) {
  let cachedVersion = Number.NaN;
  /** @type {readonly number[]} */
  let ids = [];
  return () => {
    if (version() !== cachedVersion) {
      cachedVersion = version();
      ids = orderSnapshots(snapshots(), order, seed).map((snapshot) => snapshot.id);
    }
    return ids;
  };
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
 * The page a list request asks for: 1 without `page`, 0 (no such page) for anything but digits.
 * @param {URL} url
 */
export function requestedPage(url) {
  const pageParam = url.searchParams.get("page") ?? "1";
  return /^\d+$/.test(pageParam) ? Number(pageParam) : 0;
}

/**
 * The list body: the documented `{count, results}` without paging, or one page in the usual
 * REST style. Returns null for a page that does not exist.
 * @template T
 * @param {readonly T[]} items
 * @param {{ pageSize: number | null, url: URL, nextLinkOrigin: string | null }} paging
 * @param {PagingFault | null} [fault]
 */
export function listBody(items, { pageSize, url, nextLinkOrigin }, fault = null) {
  if (pageSize === null) return { count: items.length, results: items };
  const page = requestedPage(url);
  const lastPage = Math.max(1, Math.ceil(items.length / pageSize));
  if (page < 1 || page > lastPage) return null;
  const nextPage = fault?.nextPage ?? (page < lastPage ? page + 1 : null);
  const start = Math.max(0, (page - 1) * pageSize - (fault?.repeat ?? 0));
  return {
    count: items.length,
    next: nextPage === null ? null : pageLink(url, nextPage, nextLinkOrigin ?? url.origin),
    previous: page > 1 ? pageLink(url, page - 1, url.origin) : null,
    results: items.slice(start, page * pageSize),
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
