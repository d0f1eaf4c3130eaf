// @ts-check
/**
 * What the two ways of running the action on a developer's machine share: the local runner
 * (`npm run action`, scripts/local-run.js) and @github/local-action (`npm run local-action`,
 * scripts/local-action.js). Each invocation is a run of its own, as on GitHub: a fresh run id,
 * so that the default snapshot name (`<prefix><sha>-<run id>-<attempt>`) of a second create on the
 * same simulator or account is new, not one that `if-exists: fail` refuses; and a job summary in a
 * file that it names.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * @typedef {object} MadeUpRun
 * @property {Record<string, string>} env  the run's id and attempt, as the runner sets them
 * @property {string} summaryFile           an empty file for the job summary
 * @property {string} headline              the first line to print: that none of it is real
 */

/** @returns {Promise<MadeUpRun>} */
export async function madeUpRun() {
  // Milliseconds: two runs a person starts one after the other never share one.
  const runId = String(Date.now());
  const dir = await mkdtemp(path.join(tmpdir(), `vps-snapshot-run-${runId}-`));
  const summaryFile = path.join(dir, "summary.md");
  await writeFile(summaryFile, "");
  return {
    env: { GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: "1" },
    summaryFile,
    headline:
      `Local run ${runId}, attempt 1: the run context (repository, commit, run) is made up, ` +
      `not a GitHub Actions run's. Job summary: ${summaryFile}`,
  };
}

/**
 * The runner's workflow commands, for a person at a terminal rather than for the runner: an
 * annotation as `Error: ...` with its line breaks back (the runner escapes them as %0A), each
 * group's lines indented under its title, the mask command left out, and debug lines only with
 * ACTIONS_STEP_DEBUG=true, as on GitHub. Text comes in chunks that need not end at a line's end:
 * `write` keeps the unfinished line until `end`.
 * @param {(text: string) => void} print
 * @param {{ debug: boolean }} options
 */
export function personView(print, { debug }) {
  let pending = "";
  let inGroup = false;
  /** @param {string} line */
  const show = (line) => {
    const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line);
    if (!command) {
      print(`${inGroup ? "  " : ""}${line}\n`);
      return;
    }
    const [, name = "", data = ""] = command;
    const text = data.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
    switch (name) {
      case "add-mask":
        return;
      case "debug":
        if (debug) print(`${inGroup ? "  " : ""}Debug: ${text}\n`);
        return;
      case "group":
        inGroup = true;
        print(`${text}\n`);
        return;
      case "endgroup":
        inGroup = false;
        return;
      default: {
        const label = `${name.charAt(0).toUpperCase()}${name.slice(1)}: `;
        const lines = `${label}${text}`.split("\n");
        const indent = inGroup ? "  " : "";
        print(
          `${lines.map((l, i) => `${indent}${i > 0 ? " ".repeat(label.length) : ""}${l}`).join("\n")}\n`,
        );
      }
    }
  };
  return {
    /** @param {string} chunk */
    write(chunk) {
      const lines = (pending + chunk).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) show(line);
    },
    end() {
      if (pending !== "") show(pending);
      pending = "";
      inGroup = false;
    },
  };
}
