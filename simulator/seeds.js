// @ts-check

import { formatTimestamp } from "./world.js";

/**
 * Ready-made accounts to seed the simulator with.
 */

/**
 * @typedef {import("./world.js").ServerSeed} ServerSeed
 * @typedef {import("./world.js").SnapshotSeed} SnapshotSeed
 * @typedef {{ servers: ServerSeed[], snapshots: SnapshotSeed[] }} AccountSeeds
 */

/**
 * The servers the action's tests name, and the simulator's servers when it is given none.
 * @type {readonly ServerSeed[]}
 */
export const ACTION_SERVERS = Object.freeze([
  { id: 12345, name: "web-server-01" },
  { id: 12346, name: "web-server-02" },
  { id: 12347, name: "db-server-01" },
]);

/** The other servers of a busy account are numbered from here, well away from the action's. */
const FIRST_OTHER_SERVER_ID = 20_001;
const DAY_MS = 86_400_000;
/** How far back a busy account's snapshots go. */
const OLDEST_DAYS = 90;
const ROLES = ["web", "api", "db", "cache", "worker", "queue", "mail", "search"];
/**
 * How many snapshots a server of a busy account holds: many are full, as teams that snapshot
 * before every deploy keep hitting the limit, and a few hold none.
 */
const SNAPSHOTS_PER_SERVER = [0, 1, 2, 3, 4, 5, 5, 5];
const OTHER_NAMES = [
  "manual",
  "before-os-upgrade",
  "pre-migration-snapshot",
  "nightly",
  "weekly_backup",
  "before-config-change",
  "release-candidate",
];

/**
 * An account with `snapshots` snapshots in all, spread over as many servers as that takes at
 * most 5 to a server, as the provider allows. The action's servers (12345, 12346, 12347) come
 * first and keep free slots: 12345 holds a `pre-deploy-` snapshot from 2 days ago and a manual
 * one from 20 days ago, 12346 the same `pre-deploy-` one, 12347 none. About half of the other
 * snapshots are named as the action names them (`pre-deploy-<sha>-<run>-<attempt>`); their
 * creation times fall over the 90 days before `now`. The same `seed` and `now` give the same
 * account, with snapshot ids 801 onwards in the order of `snapshots`.
 * @param {{ snapshots?: number, now?: number, seed?: number }} [options]
 * @returns {AccountSeeds}
 */
export function busyAccount({ snapshots: total = 1200, now = Date.now(), seed = 1 } = {}) {
  const random = seededRandom(seed);
  /** @param {number} ageMs */
  const ago = (ageMs) => formatTimestamp(now - ageMs);
  /** @type {ServerSeed[]} */
  const servers = ACTION_SERVERS.map((server) => ({ ...server }));
  /** @type {SnapshotSeed[]} */
  const snapshots = [
    { serverId: 12345, name: "pre-deploy-0a1b2c3-1000000001-1", createdAt: ago(2 * DAY_MS) },
    { serverId: 12345, name: "before-os-upgrade", createdAt: ago(20 * DAY_MS) },
    { serverId: 12346, name: "pre-deploy-0a1b2c3-1000000001-1", createdAt: ago(2 * DAY_MS) },
  ].slice(0, Math.max(0, total));
  for (let n = 1; snapshots.length < total; n++) {
    const serverId = FIRST_OTHER_SERVER_ID + n - 1;
    servers.push({ id: serverId, name: `${pick(ROLES, random)}-${String(n).padStart(3, "0")}` });
    const count = Math.min(pick(SNAPSHOTS_PER_SERVER, random), total - snapshots.length);
    for (let i = 0; i < count; i++) {
      snapshots.push(
        otherSnapshot(serverId, now - Math.floor(random() * OLDEST_DAYS * DAY_MS), random),
      );
    }
  }
  return { servers, snapshots };
}

/**
 * @param {number} serverId
 * @param {number} createdAtMs
 * @param {() => number} random
 * @returns {SnapshotSeed}
 */
function otherSnapshot(serverId, createdAtMs, random) {
  const createdAt = formatTimestamp(createdAtMs);
  const sizeMb = 1024 * (2 + Math.floor(random() * 79));
  if (random() < 0.5) {
    const sha = Math.floor(random() * 0x10000000)
      .toString(16)
      .padStart(7, "0");
    const run = 1_000_000_000 + Math.floor(random() * 9_000_000_000);
    return {
      serverId,
      name: `pre-deploy-${sha}-${run}-${random() < 0.9 ? 1 : 2}`,
      createdAt,
      sizeMb,
      description: `Before deploying ${sha}`,
    };
  }
  const base = pick(OTHER_NAMES, random);
  const day = createdAt.slice(0, 10).replaceAll("-", "");
  return {
    serverId,
    name: base === "nightly" || base === "manual" ? `${base}-${day}` : base,
    createdAt,
    sizeMb,
    description: random() < 0.5 ? null : "Taken by hand from the control panel",
  };
}

/**
 * @template T
 * @param {readonly T[]} items
 * @param {() => number} random
 * @returns {T}
 */
function pick(items, random) {
  return /** @type {T} */ (items[Math.floor(random() * items.length)]);
}

/**
 * mulberry32: small, fast and repeatable, which is all a seeded account needs.
 * @param {number} seed
 */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
