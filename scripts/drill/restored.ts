/**
 * What a job restored, read from this action's own reports, so that it holds against the drill's
 * simulator and a real API alike: a rollback post step's `VPS_SNAPSHOT_ROLLBACK_RESTORED`, a
 * restore step's `snapshot-ids`; server names and snapshot times from the outputs of the step
 * that made or restored the snapshot.
 */
import { Inputs, JobEnv, Outputs } from "../../src/constants.js";
import type { JobRecord } from "./job.js";

export interface Restore {
  /** `web-server-01 (12345)`, or the id alone when no step named it. */
  server: string;
  snapshotId: number;
  /** When the snapshot was taken (its `created_at`), if a step said. */
  takenAt?: string;
  by: "rollback" | "restore step";
}

function json<T>(text: string | undefined, fallback: T): T {
  if (text === undefined || text === "") return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function describe(
  outputs: Record<string, string>,
  server: string,
  snapshotId: number,
  by: Restore["by"],
): Restore {
  const names = json<Record<string, string>>(outputs[Outputs.serverNames], {});
  const snapshots = json<{ id?: unknown; created_at?: unknown }[]>(outputs[Outputs.snapshots], []);
  const takenAt = snapshots.find((snapshot) => snapshot.id === snapshotId)?.created_at;
  return {
    server: names[server] === undefined ? server : `${names[server]} (${server})`,
    snapshotId,
    ...(typeof takenAt === "string" ? { takenAt } : {}),
    by,
  };
}

export function restoredBy(job: JobRecord): Restore[] {
  const byRestoreSteps = job.steps.flatMap((record) => {
    const { inputs, run } = record;
    if (!inputs || !run || inputs[Inputs.mode] !== "restore" || inputs[Inputs.dryRun] === "true") {
      return [];
    }
    const ids = json<Record<string, number>>(run.outputs[Outputs.snapshotIds], {});
    return Object.entries(ids).map(([server, snapshot]) =>
      describe(run.outputs, server, snapshot, "restore step"),
    );
  });
  // Each post step writes the list so far with its own restores after it (the job's environment
  // carries it from one post step to the next): its own are those past the previous list.
  let earlier = 0;
  const byRollbacks = job.posts.flatMap(({ main, run }) => {
    const list = run?.exportedEnv[JobEnv.rollbackRestored];
    if (list === undefined) return [];
    const entries = json<{ server: number; snapshot: number }[]>(list, []);
    const own = entries.slice(earlier);
    earlier = entries.length;
    return own.map((entry) =>
      describe(main.run?.outputs ?? {}, String(entry.server), entry.snapshot, "rollback"),
    );
  });
  return [...byRestoreSteps, ...byRollbacks];
}
