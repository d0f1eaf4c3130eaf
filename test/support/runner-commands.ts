import fc from "fast-check";
/**
 * A model of how the Actions runner (actions/runner) finds a workflow command in one log line, so
 * that tests can ask the runner's own question of what the action writes, not a guess at it.
 * OutputManager.OnDataReceived (src/Runner.Worker/Handlers/OutputManager.cs) hands each line that
 * StreamReader.ReadLine cut (at \n, \r or \r\n) to ActionCommandManager.TryProcessCommand, which
 * tries ActionCommand.TryParseV2, then ActionCommand.TryParse (src/Runner.Common/ActionCommand.cs).
 *
 * The runner compares `::` and `##[` with the culture's rules (ICU), which skip zero-width
 * characters; the model compares them as written. What the difference could add is harmless: the
 * runner then reads the command's name from a fixed offset (2, or 3 past the prefix), which lands
 * on `:`, `#`, `[` or the zero-width character, and no command's name starts with one.
 */

/**
 * The names ActionCommandManager.Initialize registers (each IActionCommandExtension's `Command`,
 * and stop-commands), looked up with StringComparer.OrdinalIgnoreCase.
 */
export const RUNNER_COMMANDS: ReadonlySet<string> = new Set([
  "stop-commands",
  "set-env",
  "set-output",
  "save-state",
  "add-mask",
  "add-path",
  "add-matcher",
  "remove-matcher",
  "debug",
  "warning",
  "error",
  "notice",
  "group",
  "endgroup",
  "echo",
]);

/**
 * .NET's char.IsWhiteSpace, which string.TrimStart() removes: U+0009 to U+000D, U+0085, and the
 * Unicode space (Zs), line (Zl) and paragraph (Zp) separators, as its documentation lists them.
 */
export const DOTNET_WHITESPACE = [
  ..."\t\n\v\f\r\u0085\u0020\u00a0\u1680\u202f\u205f\u3000\u2028\u2029",
  ...Array.from({ length: 11 }, (_, i) => String.fromCharCode(0x2000 + i)),
];

/** The name of the command the runner would run for this line, or null when it runs none. */
export function runnerCommand(line: string): string | null {
  return commandV2(line) ?? commandV1(line);
}

/** ActionCommand.TryParseV2: `::name props::data`, at the start once leading whitespace is gone. */
function commandV2(line: string): string | null {
  let start = 0;
  while (start < line.length && DOTNET_WHITESPACE.includes(line[start] ?? "")) start++;
  const message = line.slice(start);
  if (!message.startsWith("::")) return null;
  const end = message.indexOf("::", 2);
  return end < 0 ? null : registered(message.slice(2, end));
}

/** ActionCommand.TryParse: `##[name props]data`, the first `##[` anywhere in the line. */
function commandV1(line: string): string | null {
  const prefix = line.indexOf("##[");
  if (prefix < 0) return null;
  const end = line.indexOf("]", prefix);
  return end < 0 ? null : registered(line.slice(prefix + 3, end));
}

/**
 * The command's name is what comes before the first space of its command info. Upper case, then
 * lower, folds at least what OrdinalIgnoreCase does (`ſ` is `S` to it, `ı` is `I`).
 */
function registered(info: string): string | null {
  const space = info.indexOf(" ");
  const name = (space < 0 ? info : info.slice(0, space)).toUpperCase().toLowerCase();
  return RUNNER_COMMANDS.has(name) ? name : null;
}

// The ways a line can carry a command to the runner, and what sits around them in a name.
const hostilePieces = fc.constantFrom(
  "\n",
  "\r\n",
  "\r",
  "\u2028",
  "\u0085",
  "\u200b",
  "::",
  ":",
  "##[",
  "###[",
  "##[##[",
  "#",
  "[",
  "]",
  " ",
  "\t",
  "\u00a0",
  "\u3000",
  "::set-output name=snapshot-id::666",
  "##[set-output name=snapshot-id;]666",
  "::warning::x",
  "##[stop-commands]t0k3n",
  "ſet-output ",
  "|",
  "<b>",
  "\\",
  "a",
);
export const hostileText = fc
  .array(hostilePieces, { maxLength: 12 })
  .map((parts) => parts.join(""));
