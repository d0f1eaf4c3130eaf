/** Servers are handled this many at a time: enough for a fleet, few enough to be polite. */
export const SERVER_CONCURRENCY = 10;

/**
 * Runs `work` for every item with at most `limit` at once, in input order of start. Each call
 * handles its own errors: one server's failure must not stop the others.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Each item's value, worked out at most `limit` at once, by item. */
export async function mapConcurrently<T, V>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<V>,
): Promise<Map<T, V>> {
  const values = new Map<T, V>();
  await forEachConcurrently(items, limit, async (item) => {
    values.set(item, await work(item));
  });
  return values;
}
