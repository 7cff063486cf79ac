/**
 * A short memory, in this process, of token hashes the database did not know: a client that
 * repeats a bad token is answered 401 without a database look-up each time.
 *
 * Bounded in size (the oldest entries go first) and in time (a few seconds). One instance per
 * app, built by the composition root. A token created since (here or on another instance) could
 * be refused for at most the TTL, and only if this very token had been tried here just before it
 * existed, which a random secret never is.
 */
const TTL_MS = 5000;
const MAX_ENTRIES = 10_000;

export class UnknownTokens {
  readonly #until = new Map<string, number>();

  /** True while `tokenHash` is remembered as unknown. */
  has(tokenHash: string, now = Date.now()): boolean {
    const until = this.#until.get(tokenHash);
    if (until === undefined) return false;
    if (until > now) return true;
    this.#until.delete(tokenHash);
    return false;
  }

  /** Remembers that the database does not know `tokenHash`. */
  remember(tokenHash: string, now = Date.now()): void {
    this.#until.delete(tokenHash);
    this.#until.set(tokenHash, now + TTL_MS);
    for (const oldest of this.#until.keys()) {
      if (this.#until.size <= MAX_ENTRIES) break;
      this.#until.delete(oldest);
    }
  }
}
