/**
 * The API documents no error body format. These are the common shapes: `{"detail": "..."}`,
 * `{"error": "..."}`, `{"message": "..."}` and field-keyed lists (`{"name": ["..."]}`).
 */
export function apiMessageFrom(body: string): string {
  const text = body.trim();
  if (!text) return "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return looksLikeMarkup(text) ? "(the body is not JSON)" : truncate(text);
  }
  return truncate(messageFromJson(parsed));
}

function messageFromJson(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(messageFromJson).filter(Boolean).join("; ");
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const key of ["detail", "error", "message", "non_field_errors"]) {
      const found = record[key] !== undefined ? messageFromJson(record[key]) : "";
      if (found) return found;
    }
    return Object.entries(record)
      .map(([field, detail]) => `${field}: ${messageFromJson(detail)}`)
      .join("; ");
  }
  return value === null || value === undefined ? "" : String(value);
}

function looksLikeMarkup(text: string): boolean {
  return text.startsWith("<");
}

function truncate(text: string): string {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > 300 ? `${oneLine.slice(0, 297)}...` : oneLine;
}

/** `Retry-After` as seconds or as an HTTP date, in milliseconds from now. */
export function parseRetryAfter(header: string | undefined, wallNow: Date): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - wallNow.getTime());
}
