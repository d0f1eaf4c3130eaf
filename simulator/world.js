// @ts-check

/**
 * The provider's state: servers and snapshots. Statuses that change over time are derived from
 * timestamps whenever they are read, so the simulator never owns a timer that could keep a test
 * process alive.
 */

/**
 * @typedef {{
 *   id: number,
 *   name: string,
 *   status?: string,
 *   hostname?: string | null,
 *   ipAddress?: string | null,
 *   location?: string,
 * }} ServerSeed
 * @typedef {{
 *   id?: number,
 *   serverId: number,
 *   name: string,
 *   status?: string,
 *   sizeMb?: number | null,
 *   createdAt?: string,
 *   description?: string | null,
 *   raw?: Record<string, unknown>,
 * }} SnapshotSeed
 * @typedef {{ snapshotDurationMs?: number, snapshotOutcome?: string, restoreDurationMs?: number }} ServerTimings
 * The provider's documented server object (plan and os as the examples show them).
 * @typedef {{
 *   id: number,
 *   name: string,
 *   hostname: string | null,
 *   status: string,
 *   ip_address: string | null,
 *   location: string,
 *   plan: { id: number, name: string, vcpus: number, memory: number, storage: number },
 *   os: { id: number, name: string },
 *   created_at: string,
 *   updated_at: string,
 * }} ServerView
 * @typedef {{
 *   id: number,
 *   server: { id: number, name: string },
 *   name: string,
 *   status: string,
 *   size_mb: number | null,
 *   created_at: string,
 *   description: string | null,
 * }} SnapshotView
 * @typedef {{ snapshotId: number, serverId: number, at: number }} RestoreRecord
 * @typedef {{ snapshotId: number, at: number }} DeletionRecord
 */

/**
 * A snapshot's status is `outcome` from `readyAtMs` on and "in_progress" before; seeds are ready
 * at -Infinity. A server is "restoring" until `restoringUntilMs`, then `status`.
 * @typedef {{
 *   id: number,
 *   name: string,
 *   status: string,
 *   hostname: string | null,
 *   ipAddress: string | null,
 *   location: string,
 *   restoringUntilMs: number | null,
 *   timings: ServerTimings,
 * }} ServerRecord
 * @typedef {{
 *   id: number,
 *   serverId: number,
 *   serverName: string,
 *   name: string,
 *   description: string | null,
 *   createdAtMs: number,
 *   sizeMb: number | null,
 *   readyAtMs: number,
 *   outcome: string,
 *   raw: Record<string, unknown>,
 * }} SnapshotRecord
 */

const FIRST_SNAPSHOT_ID = 801;

/**
 * @param {{
 *   servers: readonly ServerSeed[],
 *   snapshots: readonly SnapshotSeed[],
 *   snapshotDurationMs: number,
 *   snapshotOutcome: string,
 *   restoreDurationMs: number,
 *   now: () => number,
 * }} config
 */
export function createWorld(config) {
  const { now } = config;
  /** @type {Map<number, ServerRecord>} */
  const servers = new Map();
  /** @type {Map<number, SnapshotRecord>} */
  const snapshots = new Map();
  let nextSnapshotId = FIRST_SNAPSHOT_ID;
  /** @type {RestoreRecord[]} */
  const restores = [];
  /** @type {DeletionRecord[]} */
  const deletions = [];
  /** @type {number[]} */
  const creations = [];
  /** Moves whenever a snapshot is added or removed, so that a list's order can be cached. */
  let snapshotsVersion = 0;

  /** @param {number} id */
  function requireServer(id) {
    const server = servers.get(id);
    if (!server) throw new Error(`Simulator: no server ${id}`);
    return server;
  }

  /** @param {ServerRecord} server @returns {ServerView} */
  function serverView(server) {
    const restoring = server.restoringUntilMs !== null && now() < server.restoringUntilMs;
    return {
      id: server.id,
      name: server.name,
      hostname: server.hostname,
      status: restoring ? "restoring" : server.status,
      ip_address: server.ipAddress,
      location: server.location,
      plan: { id: 1, name: "Standard VPS", vcpus: 2, memory: 4096, storage: 80 },
      os: { id: 5, name: "Ubuntu 22.04 LTS" },
      created_at: "2025-01-10T14:30:00Z",
      updated_at: "2025-01-10T14:30:00Z",
    };
  }

  /**
   * A seed's `raw` fields go out as given, over the documented ones: the data an API sends that
   * its document does not promise (`created_at: null`, an object for a date). One given as
   * undefined is left out of the answer.
   * @param {SnapshotRecord} record
   * @returns {SnapshotView}
   */
  function snapshotView(record) {
    const status = now() >= record.readyAtMs ? record.outcome : "in_progress";
    const view = {
      id: record.id,
      server: { id: record.serverId, name: record.serverName },
      name: record.name,
      status,
      size_mb: status === "completed" ? (record.sizeMb ?? defaultSizeMb(record.serverId)) : null,
      created_at: formatTimestamp(record.createdAtMs),
      description: record.description,
    };
    return /** @type {SnapshotView} */ ({ ...view, ...record.raw });
  }

  /**
   * @param {(record: SnapshotRecord) => boolean} keep
   * @returns {SnapshotView[]}
   */
  function snapshotViews(keep) {
    return [...snapshots.values()]
      .filter(keep)
      .sort((a, b) => a.id - b.id)
      .map(snapshotView);
  }

  /** @param {number | undefined} wanted */
  function claimSnapshotId(wanted) {
    const id = wanted ?? nextSnapshotId;
    if (snapshots.has(id)) throw new Error(`Simulator: snapshot ${id} already exists`);
    nextSnapshotId = Math.max(nextSnapshotId, id + 1);
    return id;
  }

  /**
   * @param {number} serverId
   * @param {number | undefined} id
   * @param {Omit<SnapshotRecord, "id" | "serverId" | "serverName">} fields
   */
  function storeSnapshot(serverId, id, fields) {
    const server = requireServer(serverId);
    /** @type {SnapshotRecord} */
    const record = { id: claimSnapshotId(id), serverId, serverName: server.name, ...fields };
    snapshots.set(record.id, record);
    snapshotsVersion += 1;
    return record;
  }

  /**
   * A seed has been in its status since forever, so it is never re-timed.
   * @param {SnapshotSeed} seed
   */
  function addSnapshot(seed) {
    const createdAtMs = seed.createdAt === undefined ? now() : Date.parse(seed.createdAt);
    if (Number.isNaN(createdAtMs)) throw new Error(`Simulator: bad createdAt ${seed.createdAt}`);
    const record = storeSnapshot(seed.serverId, seed.id, {
      name: seed.name,
      description: seed.description ?? null,
      createdAtMs,
      sizeMb: seed.sizeMb ?? null,
      readyAtMs: Number.NEGATIVE_INFINITY,
      outcome: seed.status ?? "completed",
      raw: seed.raw ?? {},
    });
    return snapshotView(record);
  }

  /**
   * A snapshot made through the API: in progress until its server's duration has passed.
   * @param {{ serverId: number, name: string, description: string | null }} request
   */
  function createSnapshot(request) {
    const { timings } = requireServer(request.serverId);
    const createdAtMs = now();
    const record = storeSnapshot(request.serverId, undefined, {
      name: request.name,
      description: request.description,
      createdAtMs,
      sizeMb: null,
      readyAtMs: createdAtMs + (timings.snapshotDurationMs ?? config.snapshotDurationMs),
      outcome: timings.snapshotOutcome ?? config.snapshotOutcome,
      raw: {},
    });
    creations.push(record.id);
    return snapshotView(record);
  }

  /**
   * The server is "restoring" for its restore duration and "active" after that, whatever it
   * was before, as a restored server boots.
   * @param {number} snapshotId
   */
  function startRestore(snapshotId) {
    const record = snapshots.get(snapshotId);
    if (!record) throw new Error(`Simulator: no snapshot ${snapshotId}`);
    const server = requireServer(record.serverId);
    const at = now();
    server.status = "active";
    server.restoringUntilMs = at + (server.timings.restoreDurationMs ?? config.restoreDurationMs);
    restores.push({ snapshotId, serverId: server.id, at });
  }

  /** @param {number} id */
  function removeSnapshot(id) {
    const removed = snapshots.delete(id);
    if (removed) snapshotsVersion += 1;
    return removed;
  }

  /** @param {number} id */
  function deleteSnapshot(id) {
    const deleted = removeSnapshot(id);
    if (deleted) deletions.push({ snapshotId: id, at: now() });
    return deleted;
  }

  for (const seed of config.servers) {
    if (servers.has(seed.id)) throw new Error(`Simulator: server ${seed.id} listed twice`);
    servers.set(seed.id, {
      id: seed.id,
      name: seed.name,
      status: seed.status ?? "active",
      // As the provider's example: web-server-01 is web01.example.com, in a documentation range.
      // A null seed stays null: real accounts have servers without a hostname.
      hostname:
        seed.hostname === undefined
          ? `${seed.name.replace(/-server-/, "")}.example.com`
          : seed.hostname,
      ipAddress: seed.ipAddress === undefined ? `203.0.113.${(seed.id % 250) + 1}` : seed.ipAddress,
      location: seed.location ?? "us-west",
      restoringUntilMs: null,
      timings: {},
    });
  }
  for (const seed of config.snapshots) addSnapshot(seed);

  return {
    restores,
    deletions,
    creations,
    /** @returns {ServerView[]} */
    servers: () => [...servers.values()].map(serverView),
    /** @param {number} id @returns {ServerView | undefined} */
    server: (id) => {
      const server = servers.get(id);
      return server && serverView(server);
    },
    snapshots: () => snapshotViews(() => true),
    snapshotsVersion: () => snapshotsVersion,
    /** @param {number} serverId */
    snapshotsOf: (serverId) => snapshotViews((record) => record.serverId === serverId),
    /** @param {number} id @returns {SnapshotView | undefined} */
    snapshot: (id) => {
      const record = snapshots.get(id);
      return record && snapshotView(record);
    },
    addSnapshot,
    createSnapshot,
    startRestore,
    removeSnapshot,
    deleteSnapshot,
    /** @param {number} id @param {string} status */
    setServerStatus: (id, status) => {
      const server = requireServer(id);
      server.status = status;
      server.restoringUntilMs = null;
    },
    /** @param {number} id */
    removeServer: (id) => servers.delete(id),
    /** @param {number} id @param {ServerTimings} timings */
    configureServer: (id, timings) => {
      const server = requireServer(id);
      server.timings = { ...server.timings, ...timings };
    },
  };
}

/** @typedef {ReturnType<typeof createWorld>} World */

/**
 * Sizes only need to be positive and repeatable, so they come from the server id.
 * @param {number} serverId
 */
function defaultSizeMb(serverId) {
  return 1024 + (Math.abs(serverId) % 16) * 256;
}

/**
 * The provider's format: UTC, second precision, a trailing Z.
 * @param {number} ms
 */
export function formatTimestamp(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
