import { describe, expect, it } from "vitest";
import { HttpStatusError, NoAnswerError } from "../../../../src/api/answers/errors.js";
import type {
  CreateSnapshotRequest,
  Snapshot,
  SnapshotsApi,
} from "../../../../src/api/answers/types.js";
import { Deadline } from "../../../../src/runner/time/clock.js";
import {
  createSnapshotOnce,
  RESEND_RESTORE_WITHIN_MS,
  restoreSnapshotOnce,
} from "../../../../src/fleet/snapshots/exactly-once.js";
import { DEFAULT_RETRY_POLICY } from "../../../../src/api/wire/retry.js";
import { FakeClock, recordingLogger } from "../../../support/fakes.js";
import { apiSnapshot } from "../../../support/fixtures.js";

const request: CreateSnapshotRequest = {
  server_id: 5,
  name: "pre-deploy-abc-1-1",
  description: "d",
};

/** A snapshot of server 5 just made: in progress, no size yet. */
function made(id: number, name = request.name): Snapshot {
  return apiSnapshot({ id, server: { id: 5 }, name, status: "in_progress", size_mb: null });
}

/**
 * A fake server: each create either answers, or fails after or before taking effect, as the script
 * says; the list shows what really exists.
 */
function fakeServer(
  script: Array<"ok" | "lost-after-create" | "lost-before-create" | "bad-request">,
  existing: Snapshot[] = [],
) {
  const snapshots = [...existing];
  let nextId = 900;
  const calls = { create: 0, list: 0 };
  const api = {
    listSnapshots: async () => {
      calls.list++;
      return { snapshots: [...snapshots], complete: true, pages: 1 };
    },
    createSnapshot: async (req: CreateSnapshotRequest) => {
      const step = script[calls.create++];
      if (step === "bad-request")
        throw new HttpStatusError(400, "name: bad", "POST /snapshots/", undefined);
      if (step !== "lost-before-create") snapshots.push(made(nextId++, req.name));
      if (step === "ok") return snapshots.at(-1) as Snapshot;
      throw new NoAnswerError("connection", "POST /snapshots/", true, "socket hang up");
    },
  } as unknown as SnapshotsApi;
  return { api, calls, snapshots };
}

function context(totalMs = 600_000) {
  const clock = new FakeClock();
  return {
    clock,
    deadline: new Deadline(clock, totalMs),
    policy: DEFAULT_RETRY_POLICY,
    random: () => 1,
    log: recordingLogger(),
  };
}

describe("create exactly once", () => {
  it("sends one request when the answer comes", async () => {
    const server = fakeServer(["ok"]);
    const result = await createSnapshotOnce(server.api, request, new Set(), context());
    expect(result).toEqual({ value: made(900), recovered: false });
    expect(server.calls).toEqual({ create: 1, list: 0 });
  });

  it("adopts the snapshot a lost answer made, without sending again", async () => {
    const server = fakeServer(["lost-after-create", "ok"]);
    const ctx = context();
    const result = await createSnapshotOnce(server.api, request, new Set(), ctx);
    expect(result).toEqual({ value: made(900), recovered: true });
    expect(server.calls.create).toBe(1);
    expect(server.snapshots).toHaveLength(1);
    expect(ctx.log.warnings.join()).toMatch(
      /no clear answer.*checking whether the snapshot was made/,
    );
  });

  it("sends again only after the list shows nothing was made", async () => {
    const server = fakeServer(["lost-before-create", "lost-before-create", "ok"]);
    const result = await createSnapshotOnce(server.api, request, new Set(), context());
    expect(result.recovered).toBe(false);
    expect(server.calls).toEqual({ create: 3, list: 2 });
    expect(server.snapshots).toHaveLength(1);
  });

  it("does not adopt a snapshot of the same name that existed before", async () => {
    const old = made(100);
    const server = fakeServer(["lost-before-create", "ok"], [old]);
    const result = await createSnapshotOnce(server.api, request, new Set([100]), context());
    expect(result.value.id).toBe(900);
    expect(server.calls.create).toBe(2);
  });

  it("fails without resending when the list cannot be read to check", async () => {
    const server = fakeServer(["lost-before-create", "ok"]);
    server.api.listSnapshots = async () => {
      throw new HttpStatusError(503, "down", "GET /snapshots/", undefined);
    };
    await expect(createSnapshotOnce(server.api, request, new Set(), context())).rejects.toThrow(
      /could not be listed to check.*may exist/,
    );
    expect(server.calls.create).toBe(1);
  });

  it("never retries a clear refusal", async () => {
    const server = fakeServer(["bad-request", "ok"]);
    await expect(
      createSnapshotOnce(server.api, request, new Set(), context()),
    ).rejects.toBeInstanceOf(HttpStatusError);
    expect(server.calls).toEqual({ create: 1, list: 0 });
  });

  it("gives up when the tries run out, having made nothing twice", async () => {
    const server = fakeServer(Array(10).fill("lost-before-create"));
    await expect(
      createSnapshotOnce(server.api, request, new Set(), context()),
    ).rejects.toBeInstanceOf(NoAnswerError);
    expect(server.calls.create).toBe(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(server.snapshots).toHaveLength(0);
  });

  it("does not wait past the deadline to check", async () => {
    const server = fakeServer(["lost-before-create", "ok"]);
    await expect(
      createSnapshotOnce(server.api, request, new Set(), context(300)),
    ).rejects.toBeInstanceOf(NoAnswerError);
    expect(server.calls).toEqual({ create: 1, list: 0 });
  });
});

describe("restore exactly once", () => {
  const target: Snapshot = { ...made(801), status: "completed" };

  function fakeRestore(
    script: Array<"ok" | "lost-after-start" | "lost-before-start" | "hang-then-lost">,
    clock: FakeClock,
  ) {
    let restoring = false;
    const calls = { restore: 0, status: 0 };
    const api = {
      restoreSnapshot: async () => {
        const step = script[calls.restore++];
        if (step === "hang-then-lost") clock.advance(120_000);
        if (step !== "lost-before-start") restoring = step !== "hang-then-lost";
        if (step === "ok") return { status: "success", server: { id: 5, status: "restoring" } };
        throw new NoAnswerError("timeout", "POST /snapshots/801/restore/", true, "no answer");
      },
      getServer: async () => {
        calls.status++;
        return { id: 5, status: restoring ? "restoring" : "active" };
      },
    } as unknown as SnapshotsApi;
    return { api, calls };
  }

  it("a lost answer with the server restoring means accepted: not sent again", async () => {
    const ctx = context();
    const server = fakeRestore(["lost-after-start", "ok"], ctx.clock);
    const result = await restoreSnapshotOnce(server.api, target, ctx);
    expect(result.recovered).toBe(true);
    expect(server.calls).toEqual({ restore: 1, status: 1 });
  });

  it("soon after, a server that is not restoring never started one: sent again", async () => {
    const ctx = context();
    const server = fakeRestore(["lost-before-start", "ok"], ctx.clock);
    const result = await restoreSnapshotOnce(server.api, target, ctx);
    expect(result.recovered).toBe(false);
    expect(server.calls).toEqual({ restore: 2, status: 1 });
  });

  it("long after, a server that is not restoring may have finished one: never sent again", async () => {
    const ctx = context();
    const server = fakeRestore(["hang-then-lost", "ok"], ctx.clock);
    await expect(restoreSnapshotOnce(server.api, target, ctx)).rejects.toThrow(
      /not restoring, 2m 0\ds later: the restore may have started and already finished, so it is not sent again/,
    );
    expect(server.calls.restore).toBe(1);
    expect(RESEND_RESTORE_WITHIN_MS).toBeLessThan(5 * 60_000);
  });
});
