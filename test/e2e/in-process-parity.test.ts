/**
 * The in-process steps (test/support/in-process.ts) write what the bundle writes: the same log,
 * line for line and command for command, the same outputs, saved state, job environment and
 * summary, for the same steps against two simulators seeded alike. The mode tests run in-process
 * on the strength of this.
 */
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../scripts/run-action.js";
import type { Simulator, SimulatorOptions } from "../../simulator/server.js";
import { daysAgo } from "../support/fixtures.js";
import * as inProcess from "../support/in-process.js";
import * as bundle from "./support.js";

/** Both simulators take the same token, so the mask commands match too. */
const TOKEN = "sim-parity-0123456789abcdef";

/** A run as both sides may differ in it: the API's URL (each simulator's port) and random keys. */
function comparable(result: RunResult, sim: Simulator) {
  const same = (text: string) =>
    text
      .replaceAll(sim.url, "<api-url>")
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>");
  const each = (values: Record<string, string>) =>
    Object.fromEntries(Object.entries(values).map(([name, value]) => [name, same(value)]));
  return {
    exitCode: result.exitCode,
    stdout: same(result.stdout),
    outputs: each(result.outputs),
    savedState: each(result.savedState),
    exportedEnv: each(result.exportedEnv),
    summary: same(result.summary),
  };
}

/** One job of these steps on the bundle and in-process, each against a simulator of its own. */
async function bothWays(
  options: SimulatorOptions,
  steps: Record<string, string>[],
  jobStatus: "success" | "failure",
) {
  const ways = [
    [bundle.simulator, bundle.runJob],
    [inProcess.simulator, inProcess.runJob],
  ] as const;
  const [onBundle, onInProcess] = await Promise.all(
    ways.map(async ([simulator, runJob]) => {
      const sim = await simulator({ ...options, token: TOKEN });
      const { mains, posts } = await runJob(sim, steps, jobStatus);
      return [...mains, ...posts].map((result) => result && comparable(result, sim));
    }),
  );
  return { onBundle, onInProcess };
}

const HOSTILE =
  "x ##[set-output name=snapshot-id;]666\n\u2003::warning::pwned %0A | <b>b</b> \r\n::error::e";

describe("in-process steps write what the bundle writes", () => {
  it("inputs that are not valid: the failure, escaped, and the summary", async () => {
    const { onBundle, onInProcess } = await bothWays(
      {},
      [{ "server-id": "1,x", timeout: "soon", wait: "nah", name: "100%\nsure" }],
      "success",
    );
    expect(onInProcess).toEqual(onBundle);
  });

  it("list and a restore dry run over names and statuses that carry commands", async () => {
    const snapshots = [
      { id: 901, serverId: 12345, name: `pre-deploy-${HOSTILE}`, createdAt: daysAgo(3) },
      { id: 902, serverId: 12346, name: "pre-deploy-b", status: HOSTILE, createdAt: daysAgo(2) },
      { id: 903, serverId: 12345, name: "manual", description: HOSTILE, createdAt: daysAgo(1) },
    ];
    const { onBundle, onInProcess } = await bothWays(
      { snapshots },
      [
        { mode: "list", "server-id": "12345 12346" },
        { mode: "restore", "snapshot-id": "901", "dry-run": "true" },
        { mode: "prune", "server-id": "12345", keep: "0", "dry-run": "true" },
      ],
      "success",
    );
    expect(onInProcess).toEqual(onBundle);
  });

  it("a wait step with rollback-on-failure, a confirm step, and their post steps", async () => {
    const { onBundle, onInProcess } = await bothWays(
      { snapshots: [{ id: 801, serverId: 12345, name: "pre-deploy-a", createdAt: daysAgo(1) }] },
      [
        { mode: "wait", "snapshot-id": '{"12345":801}', "rollback-on-failure": "true" },
        { mode: "confirm", "api-token": "" },
      ],
      "failure",
    );
    expect(onInProcess).toEqual(onBundle);
  });

  it("an API error that echoes the token, and a server that does not exist", async () => {
    const { onBundle, onInProcess } = await bothWays(
      { echoTokenInErrors: true },
      [{ "server-id": "12345 99999", "rollback-on-failure": "true" }],
      "failure",
    );
    expect(onInProcess).toEqual(onBundle);
  });
});
