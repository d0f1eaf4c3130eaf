/**
 * Every line the step writes to its log passes here, and so does every piece of text the API sent
 * (names, descriptions, statuses, dates, error messages) that it contains. The runner executes a
 * log line as a workflow command in two forms: `::name::data` at the start of the line after any
 * whitespace, and the older `##[name]data` anywhere in the line. A snapshot named
 * "x ##[set-output name=snapshot-id;]666" or "x\n::set-output name=snapshot-id::666" must not set
 * an output, raise an annotation or stop the log's commands. So no line break survives, a `::` that
 * would start the line is split, and so is every `##[`.
 */
export function untrusted(text: string): string {
  return oneLine(text)
    .replace(OLD_COMMAND, "# ")
    .replace(COMMAND_START, (_, space: string) => `${space}: :`);
}

/** `untrusted` for text whose line breaks mean something (a failure that lists several). */
export function untrustedLines(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map(untrusted)
    .join("\n");
}

/**
 * Any JSON value the API sent, as a person reads it: a field documented as text can come as a
 * number, `null`, an object or not at all, and must still show, never break a line or a cell.
 */
export function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Line breaks and other control characters, each run made one space: the text stays one line. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS_AND_CONTROLS, " ");
}

// Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const LINE_BREAKS_AND_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
// Each `#` right before a `#[` gets a space after it, so no `##[` is left however many `#` came
// before (`###[`, `##[##[`). A visible space: the runner compares with ICU, which skips zero-width
// characters.
const OLD_COMMAND = /#(?=#\[)/g;
// The runner trims with .NET's char.IsWhiteSpace: \p{Z} and U+0085 besides what \s covers.
const COMMAND_START = /^([\s\p{Z}\u0085]*)::/u;
