/**
 * "Did you mean": the declared word a mistyped one was meant to be. A mode written `restor`, or an
 * input written `server_id` (which the runner passes on, warns about, and the step then reads as
 * missing), is named in the same error as the fix.
 */

/** The candidate `given` most likely means, or undefined when none is close enough. */
export function nearMiss(given: string, candidates: readonly string[]): string | undefined {
  const word = normalized(given);
  if (word === "") return undefined;
  const exact = candidates.find((candidate) => normalized(candidate) === word);
  if (exact !== undefined) return exact;
  // Two edits for a word of five or more letters, one for a shorter one: `restor` and `prun` are
  // meant, `list` for `lost` is a guess too far.
  const allowed = word.length >= 5 ? 2 : 1;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, normalized(candidate));
    if (distance <= allowed && (best === undefined || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

/** Case and `_` for `-` are not typos but spellings: `SERVER_ID` is `server-id`. */
function normalized(word: string): string {
  return word.trim().toLowerCase().replace(/_/g, "-");
}

/** Insertions, deletions, substitutions and swaps of two neighbours, each one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = rows[i] as number[];
      const above = rows[i - 1] as number[];
      const substitution = (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row[j] = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}
