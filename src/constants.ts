/** Every name the workflow sees, written once: inputs, outputs and the saved state. */

export const Inputs = {
  apiToken: "api-token",
  apiUrl: "api-url",
  mode: "mode",
  serverId: "server-id",
  serverName: "server-name",
  serverLocation: "server-location",
  maxServers: "max-servers",
  snapshotId: "snapshot-id",
  name: "name",
  namePrefix: "name-prefix",
  description: "description",
  ifExists: "if-exists",
  onLimit: "on-limit",
  wait: "wait",
  timeout: "timeout",
  pollInterval: "poll-interval",
  keep: "keep",
  olderThan: "older-than",
  dryRun: "dry-run",
  rollbackOnFailure: "rollback-on-failure",
  healthUrl: "health-url",
  healthTimeout: "health-timeout",
  healthExpect: "health-expect",
  healthSuccesses: "health-successes",
} as const;

/** What action.yml declares as each input's default: the runner passes it for an input left out. */
export const InputDefaults = {
  apiUrl: "https://admin.vps.org/api/v1",
  mode: "create",
  maxServers: "50",
  namePrefix: "pre-deploy-",
  ifExists: "fail",
  onLimit: "delete-oldest",
  wait: "true",
  pollInterval: "10s",
  keep: "2",
  dryRun: "false",
  rollbackOnFailure: "false",
  healthTimeout: "10m",
  healthSuccesses: "1",
} as const satisfies Partial<Record<keyof typeof Inputs, string>>;

export const Outputs = {
  snapshotId: "snapshot-id",
  snapshotIds: "snapshot-ids",
  snapshotName: "snapshot-name",
  snapshotStatus: "snapshot-status",
  snapshotSizeMb: "snapshot-size-mb",
  snapshotCreatedAt: "snapshot-created-at",
  snapshots: "snapshots",
  deletedSnapshotIds: "deleted-snapshot-ids",
  serverStatus: "server-status",
  serverNames: "server-names",
} as const;

export const State = {
  isPost: "isPost",
  rollbackTargets: "rollbackTargets",
  mainSucceeded: "mainSucceeded",
  armedRollback: "armedRollback",
} as const;

/**
 * What steps of this action tell each other through the job's environment (`GITHUB_ENV`), which
 * the runner hands to every later step and to every post step of the job: the saved state of one
 * step is its own post step's alone.
 */
export const JobEnv = {
  /** The rollbacks that main steps armed, as JSON: `[{"key":…,"mode":…,"targets":{…}}]`. */
  armedRollbacks: "VPS_SNAPSHOT_ARMED_ROLLBACKS",
  /** The keys of the armed rollbacks that a `mode: confirm` step disarmed, as a JSON array. */
  confirmedRollbacks: "VPS_SNAPSHOT_CONFIRMED_ROLLBACKS",
  /**
   * For later jobs, through job outputs: what the rollback post steps of the job came to
   * (`rolled-back`, `not-needed`, `failed`, `unhealthy`), and a JSON array of what they restored.
   */
  rollbackOutcome: "VPS_SNAPSHOT_ROLLBACK",
  rollbackRestored: "VPS_SNAPSHOT_ROLLBACK_RESTORED",
} as const;

/**
 * How long a restore is waited for, in restore mode by default and always in the rollback post
 * step: the provider's restores take 5 to 15 minutes.
 */
export const RESTORE_TIMEOUT_MS = 45 * 60_000;

/** The provider allows this many snapshots per server; in progress ones count. */
export const SNAPSHOT_LIMIT_PER_SERVER = 5;
