const MASK = "***";

/** `user:password@` in a URL: never repeated back, wherever the rest of the URL is quoted. */
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i;

/** The URL as it may be quoted: its credentials, if any, masked. */
export function hideCredentials(url: string): string {
  return url.replace(URL_CREDENTIALS, `$1${MASK}@`);
}

/**
 * Removes every secret from text that may reach a log, an error, an output or the summary.
 * The runner masks registered secrets in the log only; outputs and the summary are not masked,
 * and an API may echo the token back in an error body.
 */
export class Redactor {
  private readonly secrets: string[] = [];

  add(secret: string): void {
    // Very short values would mask ordinary words; a real token is never that short.
    if (secret.length >= 4 && !this.secrets.includes(secret)) this.secrets.push(secret);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) result = result.split(secret).join(MASK);
    return result;
  }
}
