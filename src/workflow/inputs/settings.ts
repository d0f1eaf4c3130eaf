import type { HealthCheck } from "../../health/check.js";
import type { NamedSelection, SnapshotSelection } from "./snapshot-selection.js";

/** The settings of each mode, as the inputs parser (parse.ts) hands them on: no mode reads an input. */

export const IF_EXISTS = ["fail", "reuse", "replace"] as const;
export const ON_LIMIT = ["delete-oldest", "fail"] as const;
type IfExists = (typeof IF_EXISTS)[number];
type OnLimit = (typeof ON_LIMIT)[number];

/** `server-name`: servers by exact name or glob pattern, resolved once through `GET /servers/`. */
export interface NameSelection {
  patterns: string[];
  /** `server-location`: only servers in this data centre. */
  location: string | undefined;
  /** `max-servers`: more servers than this from the names fails the step. */
  maxServers: number;
}

/** What every mode that calls the API needs to reach it. */
export interface ApiSettings {
  apiToken: string;
  apiUrl: string;
  /** The step's one deadline for every wait and request. */
  timeoutMs: number;
}

/** The modes that take servers: `server-id` and `server-name` together, resolved to ids once. */
interface ServerSettings {
  serverIds: number[];
  serverNames: NameSelection | undefined;
}

export interface CreateSettings extends ApiSettings, ServerSettings {
  mode: "create";
  name: string;
  namePrefix: string;
  description: string;
  ifExists: IfExists;
  onLimit: OnLimit;
  wait: boolean;
  pollIntervalMs: number;
  rollbackOnFailure: boolean;
  health: HealthCheck | undefined;
}

export interface WaitSettings extends ApiSettings {
  mode: "wait";
  snapshots: NamedSelection;
  pollIntervalMs: number;
  rollbackOnFailure: boolean;
  health: HealthCheck | undefined;
}

/** `serverIds` and `serverNames` are the servers of `snapshot-id: latest`. */
export interface RestoreSettings extends ApiSettings, ServerSettings {
  mode: "restore";
  snapshots: SnapshotSelection;
  namePrefix: string;
  wait: boolean;
  pollIntervalMs: number;
  dryRun: boolean;
  health: HealthCheck | undefined;
}

export interface PruneSettings extends ApiSettings, ServerSettings {
  mode: "prune";
  namePrefix: string;
  keep: number;
  olderThanMs: number | undefined;
  dryRun: boolean;
}

export interface DeleteSettings extends ApiSettings {
  mode: "delete";
  snapshots: NamedSelection;
  dryRun: boolean;
}

export interface ListSettings extends ApiSettings, ServerSettings {
  mode: "list";
}

/** `mode: confirm` sends no request: it needs nothing but the mode. */
interface ConfirmSettings {
  mode: "confirm";
}

/**
 * Every input as the parser read and checked it, before the mode's row takes what the mode uses;
 * `snapshot-id` as given, which the row narrows to what the mode takes.
 */
export type ReadInputs = Omit<CreateSettings, "mode"> &
  Omit<RestoreSettings, "mode" | "snapshots"> &
  Omit<PruneSettings, "mode"> & { snapshots: SnapshotSelection | undefined };

/** Every input, checked and typed, in the shape of its mode: no mode reads an input itself. */
export type Settings =
  | CreateSettings
  | WaitSettings
  | RestoreSettings
  | PruneSettings
  | DeleteSettings
  | ListSettings
  | ConfirmSettings;
