import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MODES } from "../../src/workflow/inputs/modes.js";

/** The repository's own upkeep: its workflows, Dependabot, and the release line. */

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  steps?: Step[];
  needs?: string | string[];
  "continue-on-error"?: boolean;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflows = readdirSync(".github/workflows")
  .filter((file) => file.endsWith(".yml"))
  .map((file) => ({
    file,
    workflow: parse(readFileSync(`.github/workflows/${file}`, "utf8")) as Workflow,
  }));

describe("workflows", () => {
  it("every checkout leaves no credentials in the clone for later steps to read", () => {
    const checkouts = workflows.flatMap(({ file, workflow }) =>
      Object.entries(workflow.jobs).flatMap(([job, { steps = [] }]) =>
        steps
          .filter((step) => step.uses?.startsWith("actions/checkout@"))
          .map((step) => ({
            where: `${file} ${job}`,
            persist: step.with?.["persist-credentials"],
          })),
      ),
    );
    expect(checkouts.length).toBeGreaterThan(0);
    for (const { where, persist } of checkouts) expect(persist, where).toBe(false);
  });

  it("a job that fails on purpose runs in no pull request's checks, and a verdict job reads it", () => {
    for (const { file, workflow } of workflows) {
      const failing = Object.entries(workflow.jobs)
        .filter(([, job]) => job["continue-on-error"] === true)
        .map(([name]) => name);
      if (failing.length === 0) continue;
      expect(Object.keys(workflow.on), file).not.toContain("pull_request");
      expect(Object.keys(workflow.on), file).not.toContain("pull_request_target");
      const verdicts = Object.values(workflow.jobs).filter((job) =>
        failing.every((name) => [job.needs ?? []].flat().includes(name)),
      );
      expect(verdicts, file).toHaveLength(1);
    }
  });

  it("CodeQL scans the workflows (actions) as well as the code", () => {
    const codeql = workflows.find(({ file }) => file === "codeql.yml")?.workflow;
    const analyze = codeql?.jobs.analyze as { strategy?: { matrix?: { language?: string[] } } };
    expect(analyze.strategy?.matrix?.language).toEqual(["actions", "javascript-typescript"]);
  });
});

describe("Dependabot", () => {
  const config = parse(readFileSync(".github/dependabot.yml", "utf8")) as {
    updates: { "package-ecosystem": string; cooldown?: Record<string, number> }[];
  };

  it("leaves every new release alone for a week before proposing it", () => {
    for (const update of config.updates) {
      expect(update.cooldown?.["default-days"], update["package-ecosystem"]).toBeGreaterThanOrEqual(
        7,
      );
    }
  });

  it("gives github-actions no semver-*-days, which would make Dependabot refuse the entry", () => {
    const actions = config.updates.find((u) => u["package-ecosystem"] === "github-actions");
    expect(Object.keys(actions?.cooldown ?? {})).toEqual(["default-days"]);
  });
});

describe("the release line", () => {
  const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
    version: string;
    engines: { node: string };
  };

  it("package.json's version is the newest release in CHANGELOG.md", () => {
    const changelog = readFileSync("CHANGELOG.md", "utf8");
    const newest = /^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$/m.exec(changelog)?.[1];
    expect(newest).toBeDefined();
    expect(pkg.version).toBe(newest);
  });

  it("the README pins that release: the current one it names, and every `uses:` of this action", () => {
    const version = pkg.version;
    const major = version.split(".")[0];
    const readme = readFileSync("README.md", "utf8");
    expect(readme).toContain(`The current release is **v${version}**.`);
    const uses = [
      ...readme.matchAll(/uses: vps-snapshot-action\/vps-snapshot-action@(\S+)(?: # (v\S+))?/g),
    ];
    expect(uses.length).toBeGreaterThan(5);
    for (const [line, ref = "", comment] of uses) {
      // The major tag, the release's tag, or its commit with the version in a comment.
      if (/^v\d/.test(ref)) {
        expect([`v${major}`, `v${version}`], line).toContain(ref);
        continue;
      }
      expect(ref, line).toMatch(/^[0-9a-f]{40}$/);
      expect(comment, `${line}: a commit pin names its version`).toBe(`v${version}`);
      // The commit is that release: its package.json says so.
      const released = execFileSync("git", ["show", `${ref}:package.json`], { encoding: "utf8" });
      expect((JSON.parse(released) as { version: string }).version, line).toBe(version);
    }
  });

  it("nothing that action.yml already declares waits under [Unreleased]: a pinned release has it", () => {
    const changelog = readFileSync("CHANGELOG.md", "utf8");
    const unreleased = /^## \[Unreleased\]\n([^]*?)(?=^## \[)/m.exec(changelog)?.[1] ?? "";
    const added = /^### Added\n([^]*?)(?=^### |(?![^]))/m.exec(unreleased)?.[1] ?? "";
    const action = parse(readFileSync("action.yml", "utf8")) as { inputs: object };
    const shipped = [...Object.keys(action.inputs), ...MODES.map((mode) => `mode: ${mode}`)];
    for (const entry of added.split(/^- /m).slice(1)) {
      const named = [...entry.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? "");
      expect(
        named.filter((name) => shipped.includes(name)),
        `[Unreleased] adds what the README already documents: ${entry}`,
      ).toEqual([]);
    }
  });

  it("develops on the Node that GitHub runs the action on, which engines allows", () => {
    const nodeVersion = readFileSync(".node-version", "utf8").trim();
    expect(nodeVersion).toBe("24");
    expect(pkg.engines.node).toContain(`>=${nodeVersion}`);
  });
});
