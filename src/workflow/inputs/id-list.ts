/** Ids separated by commas, spaces or newlines; a repeated id is kept once, with a note. */
export function parseIdList(
  inputName: string,
  text: string,
  problems: string[],
  notes: string[],
): number[] {
  const ids: number[] = [];
  for (const token of text.split(/[\s,]+/).filter(Boolean)) {
    const id = /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!Number.isSafeInteger(id) || id <= 0) {
      problems.push(`${inputName} "${token}" is not a positive integer`);
    } else if (ids.includes(id)) {
      notes.push(`${inputName} lists ${id} more than once; it is used once.`);
    } else {
      ids.push(id);
    }
  }
  return ids;
}
