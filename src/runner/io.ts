import * as core from "@actions/core";
import type { Logger } from "./logger.js";
import type { Redactor } from "./redact.js";
import type { ServerNames } from "./server-names.js";
import { untrusted, untrustedLines } from "./untrusted.js";

/**
 * Everything the program reads from or writes to the Actions runner. Only `coreIO` touches
 * `@actions/core`; the rest of the program receives this interface, so tests can hand in a fake.
 */
export interface ActionIO {
  getInput(name: string): string;
  setOutput(name: string, value: string): void;
  getState(name: string): string;
  saveState(name: string, value: string): void;
  /** Read from the job's environment, which earlier steps may have added to. */
  getEnv(name: string): string;
  /** Added to the job's environment, for every later step and post step of the job. */
  exportVariable(name: string, value: string): void;
  setSecret(value: string): void;
  setFailed(message: string): void;
  writeSummary(markdown: string): Promise<void>;
  log: Logger;
  /** The servers' names as the step learns them, for everything a person reads. */
  names: ServerNames;
}

/**
 * The runner's IO, with every text that leaves the program passed through the redactor, and every
 * line of the log and of the failure made one that cannot carry a workflow command (`untrusted`).
 */
export function coreIO(redactor: Redactor, names: ServerNames): ActionIO {
  const clean = (text: string) => redactor.redact(text);
  // What a person reads names each server; outputs and state keep the program's own words.
  const read = (text: string) => clean(names.inText(text));
  const line = (text: string) => untrusted(read(text));
  // A group opens at its first line that a person sees: one whose body says nothing (a wait with
  // nothing to wait for, checks that only found problems, which the failure names) leaves no empty
  // group in the log. Debug lines do not open it: the runner hides them unless step debug is on.
  let unopened: string | undefined;
  const openGroup = () => {
    if (unopened !== undefined) core.startGroup(unopened);
    unopened = undefined;
  };
  return {
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, clean(value)),
    getState: (name) => core.getState(name),
    saveState: (name, value) => core.saveState(name, clean(value)),
    getEnv: (name) => process.env[name] ?? "",
    exportVariable: (name, value) => core.exportVariable(name, clean(value)),
    setSecret: (value) => core.setSecret(value),
    setFailed: (message) => core.setFailed(untrustedLines(read(message))),
    // Rendered already, with names in their escaped places: only secrets are taken out.
    writeSummary: async (markdown) => {
      await core.summary.addRaw(redactor.redact(markdown), true).write();
    },
    names,
    log: {
      info: (message) => {
        openGroup();
        core.info(line(message));
      },
      warning: (message) => {
        openGroup();
        core.warning(line(message));
      },
      error: (message) => {
        openGroup();
        core.error(line(message));
      },
      debug: (message) => core.debug(line(message)),
      group: async (title, body) => {
        unopened = line(title);
        try {
          return await body();
        } finally {
          if (unopened === undefined) core.endGroup();
          unopened = undefined;
        }
      },
    },
  };
}
