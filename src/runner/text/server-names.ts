/** `server 12345`, as the program's sentences name a server. */
const SERVER_IN_TEXT = /\b([Ss]erver) (\d+)\b/g;

/**
 * The names of the servers a step has seen, so that what a person reads says `web-server-01
 * (12345)` where the program's sentences say `server 12345`: people know their servers by name,
 * the API by id. Filled from every answer that carries a name (`api/client/names-from-answers.ts` wraps
 * the API client so that none is missed); a server not seen keeps its id.
 */
export class ServerNames {
  private readonly names = new Map<number, string>();

  /** A name that is not text (the API documents a string) names nothing. */
  learn(serverId: number, name: unknown): void {
    const text = typeof name === "string" ? name.trim() : "";
    if (text) this.names.set(serverId, text);
  }

  name(serverId: number): string | undefined {
    return this.names.get(serverId);
  }

  /** `web-server-01 (12345)`, or `12345` while its name is not known. */
  label(serverId: number): string {
    const name = this.names.get(serverId);
    return name === undefined ? String(serverId) : `${name} (${serverId})`;
  }

  /** Every `server 12345` of a sentence, named. */
  inText(text: string): string {
    return text.replace(SERVER_IN_TEXT, (whole, word: string, id: string) =>
      this.names.has(Number(id)) ? `${word} ${this.label(Number(id))}` : whole,
    );
  }
}
