import type { Snapshot } from "../api/answers/types.js";
import type { RunContext } from "../runner/toolkit/run-context.js";

/*
 * A snapshot's name and description as this action writes them by default, and everything that
 * reads them back: the prefix that marks ours, the commit, run id and attempt in a default name,
 * the commit in a default description, and `commit:<sha>` in `snapshot-id`. One definition for
 * the writer and every reader, so that they cannot drift apart.
 */

/** What the provider takes in a name, and so what `name` and `name-prefix` may hold. */
const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

export function isValidName(text: string): boolean {
  return NAME_PATTERN.test(text);
}

/** A snapshot this action manages: prune, on-limit and `latest` only ever touch these. */
export function isManaged(named: { name: string }, namePrefix: string): boolean {
  return named.name.startsWith(namePrefix);
}

/** How many digits of the commit a default name and description carry. */
const SHORT_SHA_LENGTH = 7;
/** The commit's place in a default name when the run has no commit (a local run). */
const NO_COMMIT = "local";

/** `pre-deploy-1a2b3c4-9876543210-1`: unique per commit, run and attempt, so a re-run never collides. */
export function defaultSnapshotName(prefix: string, run: RunContext): string {
  const shortSha = run.sha.slice(0, SHORT_SHA_LENGTH) || NO_COMMIT;
  return `${prefix}${shortSha}-${run.runId}-${run.runAttempt}`;
}

export function defaultDescription(run: RunContext): string {
  const parts = [
    run.repository && `repository ${run.repository}`,
    run.workflow && `workflow "${run.workflow}"`,
    run.runNumber && `run #${run.runNumber}`,
    run.sha && `commit ${run.sha.slice(0, SHORT_SHA_LENGTH)}`,
  ].filter(Boolean);
  const url =
    run.repository && run.runId
      ? `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}`
      : undefined;
  return [`Made by vps-snapshot-action for ${parts.join(", ") || "a local run"}`, url]
    .filter(Boolean)
    .join(": ");
}

/** What a default name says; a part it does not carry (a local run's commit) is undefined. */
interface NameParts {
  prefix: string;
  commit?: string;
  runId?: number;
  attempt?: number;
}

/**
 * The commit right after the prefix, then the run id and attempt. The commit is read even when the
 * rest does not follow (a name someone wrote in the same shape), as long as a hyphen ends it.
 */
const DEFAULT_NAME_TAIL = new RegExp(`^(?:([0-9a-f]{7,40})|${NO_COMMIT})-(?:(\\d+)-(\\d+)$)?`, "i");
const DESCRIBED_COMMIT = /\bcommit ([0-9a-f]{7,40})\b/i;

/**
 * The parts of a name of ours; undefined for a name without the prefix or not in that shape. The
 * reader of `defaultSnapshotName`, held to it by a round-trip test.
 */
export function readDefaultName(name: string, prefix: string): NameParts | undefined {
  if (!isManaged({ name }, prefix)) return undefined;
  const tail = DEFAULT_NAME_TAIL.exec(name.slice(prefix.length));
  if (!tail) return undefined;
  const [, commit, runId, attempt] = tail;
  return {
    prefix,
    commit: commit?.toLowerCase(),
    runId: runId === undefined ? undefined : Number(runId),
    attempt: attempt === undefined ? undefined : Number(attempt),
  };
}

/**
 * The commits a snapshot was made for, as this action writes them by default: right after the
 * name prefix, or as `commit 3f2a9c1` in the description. A digit string elsewhere (the run id) is
 * not a commit.
 */
export function commitsOf(snapshot: Snapshot, namePrefix: string): string[] {
  const inName = readDefaultName(snapshot.name, namePrefix)?.commit;
  const description = typeof snapshot.description === "string" ? snapshot.description : "";
  const inDescription = DESCRIBED_COMMIT.exec(description)?.[1]?.toLowerCase();
  return [inName, inDescription].filter((c) => c !== undefined);
}

/**
 * A snapshot of ours made for the commit. A snapshot carries a short sha, the user may give a long
 * one: they agree on what both hold.
 */
export function isMadeForCommit(snapshot: Snapshot, namePrefix: string, sha: string): boolean {
  const sameCommit = (carried: string) => {
    const length = Math.min(carried.length, sha.length);
    return carried.slice(0, length) === sha.slice(0, length);
  };
  return isManaged(snapshot, namePrefix) && commitsOf(snapshot, namePrefix).some(sameCommit);
}

const COMMIT_WORD = /^commit:\s*(.*)$/i;
const COMMIT_SHA = /^[0-9a-f]{7,40}$/;

/**
 * `snapshot-id: commit:<sha>`: the sha in lower case, and whether it is one (7 to 40 hex digits);
 * undefined for text that does not start with `commit:`.
 */
export function parseCommitWord(text: string): { sha: string; valid: boolean } | undefined {
  const word = COMMIT_WORD.exec(text);
  if (!word) return undefined;
  const sha = (word[1] ?? "").toLowerCase();
  return { sha, valid: COMMIT_SHA.test(sha) };
}

/** `commit:3f2a9c1`, as a person writes it in `snapshot-id`. */
export function commitWord(sha: string): string {
  return `commit:${sha}`;
}
