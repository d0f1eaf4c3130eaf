import { describe, expect, it } from "vitest";
import { InputError, parseInputs } from "../../../../src/workflow/inputs/parse.js";
import type { RunContext } from "../../../../src/runner/toolkit/run-context.js";

const run: RunContext = {
  repository: "octo-org/shop",
  workflow: "Deploy",
  sha: "1a2b3c4d5e6f7a8b9c0d",
  runId: 9876543210,
  runNumber: 42,
  runAttempt: 2,
  serverUrl: "https://github.com",
};

const token = { "api-token": "tok-123456" };
const valid = { ...token, "server-id": "12345" };

/** Each test names the mode whose settings it reads: they are read here as one flat record. */
function parse(inputs: Record<string, string>) {
  const parsed = parseInputs((name) => inputs[name] ?? "", run);
  return { ...parsed, settings: { ...parsed.settings } as Record<string, unknown> };
}

function problemsOf(inputs: Record<string, string>): string[] {
  try {
    parse(inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  throw new Error("expected an InputError");
}

describe("inputs: defaults", () => {
  it("fills the contract's defaults for create", () => {
    const { settings } = parse(valid);
    expect(settings).toMatchObject({
      apiUrl: "https://admin.vps.org/api/v1",
      mode: "create",
      serverIds: [12345],
      namePrefix: "pre-deploy-",
      name: "pre-deploy-1a2b3c4-9876543210-2",
      wait: true,
      timeoutMs: 30 * 60_000,
      pollIntervalMs: 10_000,
    });
  });

  it("describes the run in the default description, with the run's URL", () => {
    const { settings } = parse(valid);
    expect(settings.description).toContain("octo-org/shop");
    expect(settings.description).toContain('workflow "Deploy"');
    expect(settings.description).toContain("run #42");
    expect(settings.description).toContain("commit 1a2b3c4");
    expect(settings.description).toContain(
      "https://github.com/octo-org/shop/actions/runs/9876543210",
    );
  });

  it("fills the defaults of the other modes", () => {
    expect(parse({ ...valid, mode: "restore", "snapshot-id": "801" }).settings).toMatchObject({
      mode: "restore",
      timeoutMs: 45 * 60_000,
      snapshots: { kind: "ids", ids: [801] },
      dryRun: false,
    });
    expect(parse({ ...valid, mode: "prune" }).settings).toMatchObject({
      keep: 2,
      olderThanMs: undefined,
    });
    expect(parse(valid).settings).toMatchObject({
      ifExists: "fail",
      onLimit: "delete-oldest",
      rollbackOnFailure: false,
    });
  });

  it("builds the default name from name-prefix", () => {
    expect(parse({ ...valid, "name-prefix": "rel_" }).settings.name).toBe(
      "rel_1a2b3c4-9876543210-2",
    );
  });

  it("strips a trailing slash from api-url and keeps its path", () => {
    expect(parse({ ...valid, "api-url": "https://api.example.com/v1/" }).settings.apiUrl).toBe(
      "https://api.example.com/v1",
    );
  });
});

describe("inputs: lists of server ids", () => {
  it("splits on commas, spaces and newlines", () => {
    expect(parse({ ...valid, "server-id": "1, 2\n3   4,5" }).settings.serverIds).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });

  it("keeps a repeated id once and says so", () => {
    const { settings, notes } = parse({ ...valid, "server-id": "7,7,8" });
    expect(settings.serverIds).toEqual([7, 8]);
    expect(notes.join("\n")).toMatch(/7 more than once/);
  });
});

describe("inputs: every bad input is named, all in one error", () => {
  it.each([
    [{ "server-id": "abc" }, 'server-id "abc" is not a positive integer'],
    [{ "server-id": "0" }, 'server-id "0" is not a positive integer'],
    [{ "server-id": "-3" }, 'server-id "-3" is not a positive integer'],
    [{ "server-id": "1.5" }, 'server-id "1.5" is not a positive integer'],
    [{ "server-id": "99999999999999999999" }, "is not a positive integer"],
    [{ "server-id": "" }, "server-id or server-name is required in mode create"],
    [{ "server-id": " , " }, "server-id or server-name is required in mode create"],
    [{ "api-token": "" }, "api-token is required"],
    [{ "api-token": "   " }, "api-token is required"],
    [
      { name: "bad name!" },
      'name "bad name!" may contain only letters, digits, hyphens and underscores',
    ],
    [{ "name-prefix": "pre deploy" }, 'name-prefix "pre deploy" may contain only'],
    [{ mode: "backup" }, 'mode "backup" is not one of'],
    [{ wait: "yes" }, 'wait "yes" is not true or false'],
    [{ timeout: "soon" }, 'timeout "soon" is not a positive duration'],
    [{ timeout: "0" }, 'timeout "0" is not a positive duration'],
    [{ timeout: "-5m" }, 'timeout "-5m" is not a positive duration'],
    [{ "poll-interval": "10x" }, 'poll-interval "10x" is not a positive duration'],
    [{ "api-url": "not a url" }, 'api-url "not a url" is not a URL'],
    [{ "api-url": "http://admin.vps.org/api/v1" }, "must use https://"],
    [{ "api-url": "ftp://127.0.0.1/api" }, "must use https://"],
    [{ "api-url": "https://user:pw@admin.vps.org/api/v1" }, "must not contain credentials"],
    [{ "api-url": "https://admin.vps.org/api/v1?x=1" }, "must not have a query"],
    [{ "if-exists": "overwrite" }, 'if-exists "overwrite" is not one of: fail, reuse, replace'],
    [
      { "on-limit": "delete-newest" },
      'on-limit "delete-newest" is not one of: delete-oldest, fail',
    ],
    [{ keep: "1.5" }, 'keep "1.5" is not a whole number'],
    [{ "older-than": "0" }, 'older-than "0" is not a positive duration'],
    [{ "dry-run": "yes" }, 'dry-run "yes" is not true or false'],
    [{ "rollback-on-failure": "on" }, 'rollback-on-failure "on" is not true or false'],
    [{ mode: "restore" }, "snapshot-id is required in mode restore"],
    [{ mode: "delete", "snapshot-id": "latest" }, 'snapshot-id "latest" is only for mode restore'],
    [{ mode: "prune", "server-id": "" }, "server-id or server-name is required in mode prune"],
    [{ mode: "wait" }, "snapshot-id is required in mode wait"],
    [
      { mode: "wait", "snapshot-id": "latest" },
      'snapshot-id "latest" is only for mode restore: name the snapshots to wait for by id, or pass the snapshot-ids output of the create step',
    ],
    [
      { mode: "wait", "snapshot-id": "801", wait: "false" },
      "wait applies only to mode create or restore, not wait",
    ],
    [
      { "rollback-on-failure": "true", wait: "false" },
      "rollback-on-failure: true needs wait: true on a create step",
    ],
    [
      { mode: "restore", "snapshot-id": "801", "rollback-on-failure": "true" },
      "rollback-on-failure applies only to mode create or wait, not restore",
    ],
    [
      { mode: "prune", "rollback-on-failure": "true" },
      "rollback-on-failure applies only to mode create or wait, not prune",
    ],
  ])("%o -> %s", (bad, message) => {
    expect(problemsOf({ ...valid, ...bad }).join("\n")).toContain(message);
  });

  it("a snapshot-id map that is not JSON: one problem, with the parser's position, and no other", () => {
    for (const mode of ["restore", "wait", "delete"]) {
      expect(problemsOf({ ...token, mode, "snapshot-id": '{"12345": 5' })).toEqual([
        expect.stringMatching(
          /^snapshot-id starts with "\{" but is not valid JSON \(.* at position 11\b.*\): \{"12345": 5$/,
        ),
      ]);
    }
  });

  it("reports several bad inputs together", () => {
    const problems = problemsOf({
      "api-token": "",
      "server-id": "x",
      timeout: "never",
      wait: "maybe",
    });
    expect(problems).toHaveLength(4);
    const message = new InputError(problems).message;
    for (const input of ["api-token", "server-id", "timeout", "wait"])
      expect(message).toContain(input);
  });

  it("allows plain http only to a loopback host", () => {
    for (const url of [
      "http://127.0.0.1:8080/api/v1",
      "http://localhost/api",
      "http://[::1]:9/api",
      "http://127.9.8.7/x",
    ]) {
      expect(parse({ ...valid, "api-url": url }).settings.apiUrl).toBe(url.replace(/\/$/, ""));
    }
  });

  it("a create step that waits may roll back; wait: false points at a later wait step", () => {
    expect(parse({ ...valid, "rollback-on-failure": "true" }).settings.rollbackOnFailure).toBe(
      true,
    );
    const [problem] = problemsOf({ ...valid, "rollback-on-failure": "true", wait: "false" });
    expect(problem).toMatch(/cannot know that the deploy came after it.*mode: wait/);
  });

  it("mode wait takes ids or a create step's snapshot-ids map, may roll back, waits 30m", () => {
    const ids = parse({ ...token, mode: "wait", "snapshot-id": "801, 802" }).settings;
    expect(ids).toMatchObject({
      mode: "wait",
      snapshots: { kind: "ids", ids: [801, 802] },
      timeoutMs: 30 * 60_000,
    });
    const map = parse({
      ...token,
      mode: "wait",
      "snapshot-id": '{"12345":801,"12346":802}',
      "rollback-on-failure": "true",
    }).settings;
    expect(map.snapshots).toEqual({
      kind: "by-server",
      pairs: [
        { serverId: 12345, snapshotId: 801 },
        { serverId: 12346, snapshotId: 802 },
      ],
    });
    expect(map.rollbackOnFailure).toBe(true);
  });

  it("accepts the YAML booleans that core.getBooleanInput accepts", () => {
    expect(parse({ ...valid, wait: "False" }).settings.wait).toBe(false);
    expect(parse({ ...valid, wait: "TRUE" }).settings.wait).toBe(true);
  });

  it("warns that a name outside name-prefix is not managed by prune", () => {
    const { notes } = parse({ ...valid, name: "manual-1" });
    expect(notes.join("\n")).toMatch(/does not start with name-prefix "pre-deploy-"/);
  });
});

describe("inputs: mode confirm", () => {
  it("needs no token and no server", () => {
    expect(parse({ mode: "confirm" }).settings.mode).toBe("confirm");
  });

  it("every other mode still needs the token", () => {
    for (const mode of ["create", "wait", "restore", "prune", "delete", "list"]) {
      expect(problemsOf({ mode, "server-id": "1", "snapshot-id": "2" })).toContain(
        "api-token is required: pass the API token from a secret",
      );
    }
  });

  it("refuses server-id, snapshot-id and rollback-on-failure, which it has no use for", () => {
    expect(
      problemsOf({
        mode: "confirm",
        "server-id": "1",
        "snapshot-id": "2",
        "rollback-on-failure": "true",
      }),
    ).toEqual([
      "server-id has no meaning in mode confirm, which confirms every rollback armed before it in the job",
      "snapshot-id has no meaning in mode confirm, which confirms every rollback armed before it in the job",
      "rollback-on-failure has no meaning in mode confirm, which confirms every rollback armed before it in the job",
    ]);
  });
});

describe("inputs: what counts as healthy", () => {
  const restore = {
    ...valid,
    mode: "restore",
    "snapshot-id": "801",
    "health-url": "https://{hostname}/up",
  };

  it("health-expect and health-successes go with health-url, one answer and no text by default", () => {
    expect(parse(restore).settings.health).toEqual({
      urlTemplate: "https://{hostname}/up",
      timeoutMs: 600_000,
      expect: undefined,
      successes: 1,
    });
    const given = { ...restore, "health-expect": "ready", "health-successes": "3" };
    expect(parse(given).settings.health).toMatchObject({ expect: "ready", successes: 3 });
  });

  it.each([
    [{ "health-successes": "0" }, 'health-successes "0" is not a whole number of 1 or more'],
    [{ "health-successes": "2.5" }, 'health-successes "2.5" is not a whole number of 1 or more'],
    [
      { "health-successes": "three" },
      'health-successes "three" is not a whole number of 1 or more',
    ],
  ])("refuses %j", (inputs, problem) => {
    expect(problemsOf({ ...restore, ...inputs })).toEqual([problem]);
  });

  it("refuses health-expect, or health-successes other than 1, without health-url", () => {
    const alone = { ...valid, mode: "restore", "snapshot-id": "801" };
    expect(problemsOf({ ...alone, "health-expect": "ready", "health-successes": "2" })).toEqual([
      "health-expect needs health-url: it says what the health check's answer must hold",
      "health-successes needs health-url: it says how many healthy answers in a row the health check waits for",
    ]);
    expect(parse({ ...alone, "health-successes": "1" }).settings.health).toBeUndefined();
  });
});

describe("inputs: durations need a unit", () => {
  it.each([
    [{ timeout: "10" }, 'timeout "10" needs a unit: 10m, 600s or 1h'],
    [{ "poll-interval": "5" }, 'poll-interval "5" needs a unit: 5s or 5m'],
    [{ mode: "prune", "older-than": "7" }, 'older-than "7" needs a unit: 7d or 7h'],
    [
      {
        mode: "restore",
        "snapshot-id": "801",
        "health-url": "https://x.example/",
        "health-timeout": "3",
      },
      'health-timeout "3" needs a unit: 3m, 180s or 1h',
    ],
    [{ timeout: "0" }, 'timeout "0" is not a positive duration (examples: 90s, 15m, 1h)'],
  ])("%o -> %s", (bad, message) => {
    expect(problemsOf({ ...valid, ...bad })).toEqual([message]);
  });

  it("takes each with its unit", () => {
    expect(parse({ ...valid, timeout: "10m", "poll-interval": "5s" }).settings).toMatchObject({
      timeoutMs: 600_000,
      pollIntervalMs: 5_000,
    });
  });
});

describe("inputs: snapshot-id commit:<sha>", () => {
  it("restore with servers takes 7 to 40 hex digits, in any case", () => {
    const restore = { ...valid, mode: "restore" };
    expect(parse({ ...restore, "snapshot-id": "commit:3F2A9C1" }).settings.snapshots).toEqual({
      kind: "commit",
      sha: "3f2a9c1",
    });
    const full = "3f2a9c1d0e5b7a8c9d0e1f2a3b4c5d6e7f8a9b0c";
    expect(parse({ ...restore, "snapshot-id": `commit:${full}` }).settings.snapshots).toEqual({
      kind: "commit",
      sha: full,
    });
  });

  it.each([
    [
      { mode: "restore", "snapshot-id": "commit:3f2a9" },
      'snapshot-id "commit:3f2a9" names no commit',
    ],
    [
      { mode: "restore", "snapshot-id": "commit:main" },
      'snapshot-id "commit:main" names no commit',
    ],
    [
      { mode: "restore", "snapshot-id": "commit:3f2a9c1", "server-id": "" },
      'server-id or server-name is required with snapshot-id "commit:3f2a9c1": which servers go back to it?',
    ],
    [
      { mode: "delete", "snapshot-id": "commit:3f2a9c1", "server-id": "" },
      'snapshot-id "commit:3f2a9c1" is only for mode restore: name the snapshots to delete by id',
    ],
  ])("%o -> %s", (bad, message) => {
    expect(problemsOf({ ...valid, ...bad }).join("\n")).toContain(message);
  });
});
