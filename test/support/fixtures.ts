/**
 * The test data every suite builds: a snapshot as the API returns it (for unit tests), and the
 * seeds the simulator starts from (servers and snapshots, for the simulator's and the end-to-end
 * tests). Each shape is written here once; a test names only what it varies.
 */
import type { Snapshot } from "../../src/api/answers/types.js";
import type { ServerSeed, SnapshotSeed } from "../../simulator/world.js";

const DAY_MS = 86_400_000;

/** An API timestamp as the simulator writes them: ISO 8601 in UTC, whole seconds. */
const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

/** The API timestamp of `days` (whole or not) before now. */
export const daysAgo = (days: number): string => timestamp(Date.now() - days * DAY_MS);

/**
 * A snapshot as the API returns it: completed, 1 MB, snapshot 801 of server 1 named
 * `pre-deploy-x`, made at the fake clock's start (test/support/fakes.ts), but for `fields`.
 */
export function apiSnapshot(fields: Partial<Snapshot> = {}): Snapshot {
  return {
    id: 801,
    server: { id: 1 },
    name: "pre-deploy-x",
    status: "completed",
    size_mb: 1,
    created_at: "2026-11-22T12:00:00Z",
    ...fields,
  };
}

/**
 * `count` server seeds with ids from `firstId` on (20001, well away from the simulator's own
 * 12345 to 12347); the n-th (from 0) is named `name(n)`: web-1, web-2, … unless said otherwise.
 */
export function servers(
  count: number,
  { firstId = 20_001, name = (n: number) => `web-${n + 1}` } = {},
): ServerSeed[] {
  return Array.from({ length: count }, (_, n) => ({ id: firstId + n, name: name(n) }));
}

export interface SnapshotRun {
  /** Put before each name: `${prefix}0`, `${prefix}1`, … or `${prefix}${name}`. */
  prefix?: string;
  /** Ids from this one on; without it the simulator numbers them (from 801). */
  firstId?: number;
  /**
   * The day (YYYY-MM-DD) the first was made, at midnight UTC, each next one a day later; without
   * it each is made as the simulator starts.
   */
  firstDay?: string;
}

/**
 * Completed snapshot seeds: `count` of them, named `${prefix}0`, `${prefix}1`, …, or one for each
 * of `names`; all on server `serverId`, or the n-th (from 0) on `serverId(n)`.
 */
export function snapshotsOn(
  serverId: number | ((n: number) => number),
  countOrNames: number | readonly string[],
  { prefix = "", firstId, firstDay }: SnapshotRun = {},
): SnapshotSeed[] {
  const names =
    typeof countOrNames === "number"
      ? Array.from({ length: countOrNames }, (_, n) => String(n))
      : countOrNames;
  const start = firstDay === undefined ? undefined : Date.parse(`${firstDay}T00:00:00Z`);
  return names.map((name, n) => ({
    ...(firstId === undefined ? {} : { id: firstId + n }),
    serverId: typeof serverId === "number" ? serverId : serverId(n),
    name: `${prefix}${name}`,
    ...(start === undefined ? {} : { createdAt: timestamp(start + n * DAY_MS) }),
  }));
}

/** These snapshot seeds, all on server `serverId`: a table of one server's snapshots. */
export function onServer(
  serverId: number,
  seeds: readonly Omit<SnapshotSeed, "serverId">[],
): SnapshotSeed[] {
  return seeds.map((seed) => ({ serverId, ...seed }));
}
