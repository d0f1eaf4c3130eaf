import * as core from "@actions/core";
import type { Logger } from "./logger.js";
import type { Redactor } from "../text/redact.js";
import type { ServerNames } from "../text/server-names.js";
import { untrusted, untrustedLines } from "../text/untrusted.js";

/**
 * Everything the program reads from or writes to the Actions runner. Only `coreIO` touches
 * `@actions/core`; the rest of the program receives this interface, so tests can hand in a fake.
 */
export interface ActionIO {
  getInput(name: string): string;
  /**
   * The names of the inputs the workflow gave this step, as it wrote them: the runner passes each
   * as `INPUT_<NAME>`, one that action.yml does not declare (`server_id`) too.
   */
  givenInputNames(): string[];
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
 * The few calls of the Actions toolkit that the runner's IO makes, each as `@actions/core` has it.
 * The bundle runs on `@actions/core` itself; the in-process tests hand in one that records the
 * runner's workflow commands as core writes them, so that what `coreIO` does to the text on its
 * way out (names, redaction, `untrusted`, groups) is the same code in both.
 */
export interface Toolkit extends Omit<ActionIO, "writeSummary" | "log" | "names"> {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  startGroup(title: string): void;
  endGroup(): void;
  /** `core.summary.addRaw(markdown, true).write()`: appended to the job summary. */
  appendSummary(markdown: string): Promise<void>;
}

const actionsToolkit: Toolkit = {
  getInput: (name) => core.getInput(name),
  givenInputNames: () => inputNamesIn(process.env),
  setOutput: (name, value) => core.setOutput(name, value),
  getState: (name) => core.getState(name),
  saveState: (name, value) => core.saveState(name, value),
  getEnv: (name) => process.env[name] ?? "",
  exportVariable: (name, value) => core.exportVariable(name, value),
  setSecret: (value) => core.setSecret(value),
  setFailed: (message) => core.setFailed(message),
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  debug: (message) => core.debug(message),
  startGroup: (title) => core.startGroup(title),
  endGroup: () => core.endGroup(),
  appendSummary: async (markdown) => {
    await core.summary.addRaw(markdown, true).write();
  },
};

/**
 * The runner's IO, with every text that leaves the program passed through the redactor, and every
 * line of the log and of the failure made one that cannot carry a workflow command (`untrusted`).
 */
export function coreIO(
  redactor: Redactor,
  names: ServerNames,
  toolkit: Toolkit = actionsToolkit,
): ActionIO {
  const clean = (text: string) => redactor.redact(text);
  // What a person reads names each server; outputs and state keep the program's own words.
  const read = (text: string) => clean(names.inText(text));
  const line = (text: string) => untrusted(read(text));
  // A group opens at its first line that a person sees: one whose body says nothing (a wait with
  // nothing to wait for, checks that only found problems, which the failure names) leaves no empty
  // group in the log. Debug lines do not open it: the runner hides them unless step debug is on.
  let unopened: string | undefined;
  const openGroup = () => {
    if (unopened !== undefined) toolkit.startGroup(unopened);
    unopened = undefined;
  };
  return {
    getInput: (name) => toolkit.getInput(name),
    givenInputNames: () => toolkit.givenInputNames(),
    setOutput: (name, value) => toolkit.setOutput(name, clean(value)),
    getState: (name) => toolkit.getState(name),
    saveState: (name, value) => toolkit.saveState(name, clean(value)),
    getEnv: (name) => toolkit.getEnv(name),
    exportVariable: (name, value) => toolkit.exportVariable(name, clean(value)),
    setSecret: (value) => toolkit.setSecret(value),
    setFailed: (message) => toolkit.setFailed(untrustedLines(read(message))),
    // Rendered already, with names in their escaped places: only secrets are taken out.
    writeSummary: async (markdown) => {
      await toolkit.appendSummary(redactor.redact(markdown));
    },
    names,
    log: {
      info: (message) => {
        openGroup();
        toolkit.info(line(message));
      },
      warning: (message) => {
        openGroup();
        toolkit.warning(line(message));
      },
      debug: (message) => toolkit.debug(line(message)),
      group: async (title, body) => {
        unopened = line(title);
        try {
          return await body();
        } finally {
          if (unopened === undefined) toolkit.endGroup();
          unopened = undefined;
        }
      },
    },
  };
}

/** The inputs an environment carries, lower-cased as workflows write them (`INPUT_SERVER_ID`). */
export function inputNamesIn(env: Record<string, string | undefined>): string[] {
  return Object.keys(env)
    .filter((key) => key.startsWith("INPUT_"))
    .map((key) => key.slice("INPUT_".length).toLowerCase());
}
