/**
 * A list read once more when it moved while it was read (not complete) and the first read is not
 * `enough` for the caller; still not complete after that, it says so rather than be trusted. The
 * one rule for every list the fleet reads: a server's snapshots, the account's, the servers.
 */
export async function readAgainIfMoved<L extends { complete: boolean }>(
  read: () => Promise<L>,
  enough: (list: L) => boolean = (list) => list.complete,
): Promise<L> {
  const first = await read();
  return enough(first) ? first : read();
}
