import { inputNamesIn, type Toolkit } from "../../src/runner/toolkit/io.js";

/**
 * `@actions/core`'s escaping of a command's data (lib/command.js, `escapeData`): the runner reads
 * one command per line, and turns these back.
 */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/**
 * The Actions toolkit as `@actions/core` 3 behaves in a step of the runner, for a step run
 * in-process: it reads what core reads from the step's environment (`INPUT_<NAME>`, `STATE_<name>`,
 * the job's environment), writes the log as core writes it to stdout (`::error::`, `::warning::`,
 * `::debug::`, `::group::`, `::endgroup::` and `::add-mask::` commands, their data escaped), and
 * keeps what core appends to the runner's files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV,
 * GITHUB_STEP_SUMMARY), as the runner reads them back. It touches no process-wide state: several
 * steps may run side by side in one process.
 */
export class RecordingToolkit implements Toolkit {
  stdout = "";
  /** `core.setFailed` sets the process's exit code to 1. */
  failed = false;
  readonly outputs: Record<string, string> = {};
  readonly savedState: Record<string, string> = {};
  readonly exportedEnv: Record<string, string> = {};
  summary = "";

  /** `env`: the step's environment, as the runner would start the step's process with it. */
  constructor(private readonly env: Record<string, string | undefined>) {}

  getInput(name: string): string {
    return (this.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] || "").trim();
  }

  givenInputNames(): string[] {
    return inputNamesIn(this.env);
  }

  getState(name: string): string {
    return this.env[`STATE_${name}`] || "";
  }

  getEnv(name: string): string {
    return this.env[name] ?? "";
  }

  setOutput(name: string, value: string): void {
    this.outputs[name] = value;
  }

  saveState(name: string, value: string): void {
    this.savedState[name] = value;
  }

  /** Core sets the variable in its own process too, so the rest of the step reads it. */
  exportVariable(name: string, value: string): void {
    this.env[name] = value;
    this.exportedEnv[name] = value;
  }

  setSecret(value: string): void {
    this.command("add-mask", value);
  }

  setFailed(message: string): void {
    this.failed = true;
    this.error(message);
  }

  info(message: string): void {
    this.stdout += `${message}\n`;
  }

  warning(message: string): void {
    this.command("warning", message);
  }

  private error(message: string): void {
    this.command("error", message);
  }

  debug(message: string): void {
    this.command("debug", message);
  }

  startGroup(title: string): void {
    this.command("group", title);
  }

  endGroup(): void {
    this.command("endgroup", "");
  }

  async appendSummary(markdown: string): Promise<void> {
    this.summary += `${markdown}\n`;
  }

  private command(name: string, data: string): void {
    this.stdout += `::${name}::${escapeData(data)}\n`;
  }
}
