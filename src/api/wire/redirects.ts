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
 * `followed` is how many redirects the request has already followed. With `httpsUpgrade`, one
 * change of origin is followed too: from `http://host` to `https://host`, both on their default
 * ports, the redirect nearly every web server sends, which only makes the request safer.
 */
export function redirectTo(
  location: string,
  from: string,
  followed: number,
  { httpsUpgrade = false } = {},
): Redirect {
  const url = URL.canParse(location, from) ? new URL(location, from) : undefined;
  const origin = new URL(from);
  const upgrade = httpsUpgrade && url !== undefined && isHttpsUpgrade(origin, url);
  if (url?.origin !== origin.origin && !upgrade) {
    return { follow: false, reason: "another-origin", origin: url?.origin };
  }
  if (followed >= MAX_REDIRECTS) return { follow: false, reason: "too-many" };
  return { follow: true, url };
}

/** `http://host/…` to `https://host/…`: the same host, each scheme on its default port. */
function isHttpsUpgrade(from: URL, to: URL): boolean {
  return (
    from.protocol === "http:" &&
    to.protocol === "https:" &&
    from.hostname === to.hostname &&
    from.port === "" &&
    to.port === ""
  );
}
