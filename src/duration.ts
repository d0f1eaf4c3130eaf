const MS_PER_UNIT: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Reads `90s`, `15m`, `1h`, `7d` (decimals allowed) into milliseconds. A number without a unit is
 * not a duration: `10` would be ten seconds, never what is meant of a snapshot's timeout or a
 * prune's age. Returns undefined for anything else, so the caller can name the input in its error.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([smhd])$/i.exec(text.trim());
  if (!match) return undefined;
  const [, amount = "", unit = ""] = match;
  const ms = Number(amount) * (MS_PER_UNIT[unit.toLowerCase()] ?? 0);
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** `45s`, `2m 05s`, `1h 02m`, `3d 04h`: short enough for a log line, exact enough for a person. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const days = Math.floor(totalSeconds / 86_400);
  if (days >= 2)
    return `${days}d ${String(Math.floor((totalSeconds % 86_400) / 3600)).padStart(2, "0")}h`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, "0")}m`;
  if (minutes > 0) return `${minutes}m ${String(seconds).padStart(2, "0")}s`;
  return `${seconds}s`;
}
