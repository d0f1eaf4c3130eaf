/**
 * Every workflow in the README passes its drill: each ```yaml block that holds a job (a workflow,
 * or a list of steps, which is drilled as the steps of a deploy job) is drilled whole, and no
 * scenario may end ✗; a ⚠ only where the README's text before the block explains it. The old
 * background recipe, which the drill fails, is drilled in cli.test.ts.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { drillTable } from "../../scripts/drill/report.js";
import { startSimulator } from "../../simulator/server.js";
import { closedAfterTest } from "../support/runs.js";
import { drill, drillOne, row } from "./support.js";

interface Block {
  /** The heading the block is under, and the text between the previous block and this one. */
  heading: string;
  before: string;
  yaml: string;
}

function yamlBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let heading = "";
  const fence = /^( *)```yaml\n([^]*?)^\1```$/gm;
  let last = 0;
  for (let match = fence.exec(markdown); match; match = fence.exec(markdown)) {
    const text = markdown.slice(last, match.index);
    heading = [...text.matchAll(/^#+ (.+)$/gm)].at(-1)?.[1] ?? heading;
    const indent = match[1] ?? "";
    const yaml = (match[2] ?? "").replace(new RegExp(`^${indent}`, "gm"), "");
    blocks.push({ heading, before: text, yaml });
    last = match.index + match[0].length;
  }
  return blocks;
}

/** A block as a workflow file, or why it holds no job. */
function asWorkflow(block: Block): { workflow: string } | { notAJob: string } {
  const value: unknown = parse(block.yaml);
  if (Array.isArray(value)) {
    if (!value.some((step: { uses?: unknown }) => /vps-snapshot-action@/.test(String(step.uses)))) {
      return { notAJob: "steps of other actions alone: a piece of a job" };
    }
    const steps = block.yaml.replace(/^/gm, "      ");
    return {
      workflow: `on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`,
    };
  }
  const workflow = value as { on?: unknown; jobs?: Record<string, { steps?: unknown }> };
  if (workflow.on !== undefined && Object.values(workflow.jobs ?? {}).some((job) => job.steps)) {
    return { workflow: block.yaml };
  }
  return { notAJob: "jobs without a trigger: a part of a workflow" };
}

const readme = await readFile("README.md", "utf8");
const blocks = yamlBlocks(readme);
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "readme-drill-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileOf(block: Block, n: number): Promise<string> {
  const workflow = asWorkflow(block);
  if (!("workflow" in workflow)) throw new Error(`block ${n} holds no job`);
  const file = path.join(dir, `block-${n}.yml`);
  await writeFile(file, workflow.workflow);
  return file;
}

/**
 * The blocks that hold no job, and the steps that go around a deploy without holding one (the
 * drill refuses them, as it refuses any job without a deploy step): named, so none is missed.
 */
const NOT_DRILLED = {
  "Which failures roll back": "steps of other actions alone: a piece of a job",
  "Is the site back, and who is told": "jobs without a trigger: a part of a workflow",
};
const AROUND_A_DEPLOY = ["In production"];

describe("every workflow in the README passes its drill", () => {
  it("finds the blocks it expects", () => {
    const skipped = blocks.flatMap((block) => {
      const workflow = asWorkflow(block);
      return "notAJob" in workflow ? [[block.heading, workflow.notAJob]] : [];
    });
    expect(Object.fromEntries(skipped)).toEqual(NOT_DRILLED);
    expect(blocks.length - skipped.length).toBe(7);
  });

  const drilled = blocks.flatMap((block, n) =>
    "workflow" in asWorkflow(block) ? [{ block, n }] : [],
  );
  it.each(drilled.filter(({ block }) => !block.yaml.includes("inputs.commit")))(
    "$block.heading (block $n): no ✗, a ⚠ only where the text explains it",
    async ({ block, n }) => {
      const file = await fileOf(block, n);
      if (AROUND_A_DEPLOY.includes(block.heading)) {
        await expect(drill(file)).rejects.toThrow(/has no deploy step/);
        return;
      }
      const reports = await drill(file);
      expect(reports.length).toBeGreaterThan(0);
      for (const report of reports) {
        expect(report.verdict.mark, row(report)).not.toBe("✗");
        if (report.verdict.mark === "⚠") expect(block.before, row(report)).toMatch(/smoke test/);
      }
      // "Rehearse your rollback" shows this workflow's table: it must be what the drill prints.
      if (block.heading === "Usage") expect(readme).toContain(drillTable(reports));
    },
  );

  it("Undo a release: after the Usage workflow deployed a commit, the undo restores its snapshot", async () => {
    const sim = closedAfterTest(
      await startSimulator({ snapshotDurationMs: 300, restoreDurationMs: 300 }),
    );
    const api = { url: sim.url, token: sim.token };
    const usage = drilled.find(({ block }) => block.heading === "Usage");
    const undo = drilled.find(({ block }) => block.yaml.includes("inputs.commit"));
    if (!usage || !undo) throw new Error("the README has no Usage or no Undo workflow");
    const sha = "3f2a9c1d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
    const deployed = await drillOne(await fileOf(usage.block, usage.n), "all steps succeed", {
      sha,
      api,
    });
    expect(deployed.job.status).toBe("success");
    const [report] = await drill(await fileOf(undo.block, undo.n), {
      api,
      inputs: { commit: "3f2a9c1" },
    });
    expect(report?.restores.map((r) => r.server)).toEqual([
      "web-server-01 (12345)",
      "web-server-02 (12346)",
    ]);
    expect(report?.verdict.mark, report && row(report)).toBe("✓");
  });
});
