/** How many redirects one request may follow before it is taken for a loop. */
export const MAX_REDIRECTS = 5;

/** Why a redirect is not followed; each caller has its own words for it. */
export type RefusedRedirect =
  | { follow: false; reason: "another-origin"; origin: string | undefined }
  | { follow: false; reason: "too-many" };

/** Where a redirect leads, or why it is not followed. */
type Redirect = { follow: true; url: URL } | RefusedRedirect;

/**
 * A redirect is followed only on the origin the request was sent to, the only one trusted with
 * it (the API's token, the service under check), and only `MAX_REDIRECTS` times. A Location that
 * cannot be read is not shown to be on that origin, so it counts as another (`origin` unknown).
 * `followed` is how many redirects the request has already followed.
 */
export function redirectTo(location: string, from: string, followed: number): Redirect {
  const url = URL.canParse(location, from) ? new URL(location, from) : undefined;
  if (url?.origin !== new URL(from).origin) {
    return { follow: false, reason: "another-origin", origin: url?.origin };
  }
  if (followed >= MAX_REDIRECTS) return { follow: false, reason: "too-many" };
  return { follow: true, url };
}
