/**
 * A short memory, in this process, of token hashes the database did not know: a client that
 * repeats a bad token is answered 401 without a database look-up each time.
 *
 * Bounded in size (the oldest entries go first) and in time (a few seconds). A token created in
 * this process is forgotten here at once (insertToken), so it works on its first use; a token
 * created on another instance could be refused by this one for at most the TTL, and only if this
 * very token had been tried here just before it existed, which a random secret never is.
 */
const TTL_MS = 5000;
const MAX_ENTRIES = 10_000;

const unknown = new Map<string, number>();

/** True while `tokenHash` is remembered as unknown. */
export function isKnownUnknown(tokenHash: string, now = Date.now()): boolean {
  const until = unknown.get(tokenHash);
  if (until === undefined) return false;
  if (until > now) return true;
  unknown.delete(tokenHash);
  return false;
}

/** Remembers that the database does not know `tokenHash`. */
export function rememberUnknown(tokenHash: string, now = Date.now()): void {
  unknown.delete(tokenHash);
  unknown.set(tokenHash, now + TTL_MS);
  for (const oldest of unknown.keys()) {
    if (unknown.size <= MAX_ENTRIES) break;
    unknown.delete(oldest);
  }
}

/** A token with this hash now exists: never answer it from memory. */
export function forgetUnknown(tokenHash: string): void {
  unknown.delete(tokenHash);
}

export function unknownTokenCount(): number {
  return unknown.size;
}
