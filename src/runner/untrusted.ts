/**
 * Every line the step writes to its log passes here, and so does every piece of text the API sent
 * (names, descriptions, statuses, dates, error messages) that it contains. The runner executes a
 * log line that starts with `::` (or the older `##[`) as a workflow command: a snapshot named
 * "x\n::set-output name=snapshot-id::666" must not set an output, raise an annotation or stop the
 * log's commands. So no line break survives, and a line that would start a command is defused.
 */
export function untrusted(text: string): string {
  return oneLine(text).replace(
    COMMAND_START,
    (_, space: string, start: string) => `${space}${start.split("").join(" ")}`,
  );
}

/** Line breaks and other control characters, each run made one space: the text stays one line. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS_AND_CONTROLS, " ");
}

// Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const LINE_BREAKS_AND_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const COMMAND_START = /^(\s*)(::|##\[)/;
