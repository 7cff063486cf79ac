/**
 * Changes that alter what the token look-up answers (a token revoked; a membership added, removed,
 * disabled, enabled or given another role; a user deleted) are announced here by the code that
 * made them, after its transaction committed: `await announceAuthChange(db, { userId })`.
 *
 * Who hears them is registered on the database handle (the Kysely instance, whose transactions
 * share it): the app registers its token memory and its channel to the other instances
 * (src/auth/auth-channels.ts); the CLI registers only the channel. A writer therefore needs
 * nothing but the database it wrote to, and a handle nobody listens on announces to no one.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { AuthCache, AuthChange } from './auth-cache.js';

/** One listener: drops this process's answers at once, then tells the other processes. */
export interface AuthChangeListener {
  local?(change: AuthChange): void;
  remote?(change: AuthChange): Promise<void>;
}

const listeners = new WeakMap<object, Set<AuthChangeListener>>();

const handleOf = (db: Kysely<Database>): object => db.getExecutor().adapter;

/** Registers `listener` on the database handle; the function returned takes it off again. */
export function listenForAuthChanges(db: Kysely<Database>, listener: AuthChangeListener): () => void {
  const handle = handleOf(db);
  let set = listeners.get(handle);
  if (!set) listeners.set(handle, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * Tells every listener of `db` that `change` was committed. Call it after the transaction: an
 * instance told before the commit could read the old row again and keep it.
 */
export async function announceAuthChange(db: Kysely<Database>, change: AuthChange): Promise<void> {
  const set = listeners.get(handleOf(db));
  if (!set) return;
  for (const listener of set) listener.local?.(change);
  // The change is committed: a channel that fails (it logs why) must not turn the answer into an
  // error. The other instances then hold the old answer for at most their TTL.
  await Promise.all([...set].map((listener) => listener.remote?.(change).catch(() => undefined)));
}

/** The text of a change on the wire: `u:<user id>` or `t:<token id>`. */
export function encodeAuthChange(change: AuthChange): string {
  return 'userId' in change ? `u:${change.userId}` : `t:${change.tokenId}`;
}

/** The change a message names; undefined for anything else (dropped: it names nothing known). */
export function decodeAuthChange(text: string): AuthChange | undefined {
  const match = /^([ut]):(\d{1,15})$/.exec(text);
  if (!match) return undefined;
  const id = Number(match[2]);
  return match[1] === 'u' ? { userId: id } : { tokenId: id };
}

/** What a channel does with one message: the change it names, or everything when unreadable. */
export function applyMessage(cache: Pick<AuthCache, 'invalidate' | 'clear'>, text: string): void {
  const change = decodeAuthChange(text);
  if (change) cache.invalidate(change);
  else cache.clear();
}

/** First wait before a lost listening connection is opened again; doubled up to the longest. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_LONGEST_MS = 5000;

/** Waits, in order, before each reconnection: 100 ms, 200 ms ... 5 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(RECONNECT_FIRST_MS * 2 ** attempt, RECONNECT_LONGEST_MS);
}

/** How changes travel to the other instances (src/auth/auth-channels.ts). */
export interface AuthChannel {
  /** Tells the other instances (this one's memory is told directly). */
  publish(change: AuthChange): Promise<void>;
  /** Resolves once the channel listens, or after `timeoutMs` (the memory stays untrusted till then). */
  ready(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A channel's waiters for its first subscription: `ready` resolves once the channel listens (the
 * cache trusted) or after `timeoutMs`, whichever comes first; `listening` releases them all.
 */
export class ListeningWaiters {
  readonly #waiting: Array<() => void> = [];

  constructor(private readonly cache: Pick<AuthCache, 'trusted'>) {}

  ready(timeoutMs: number): Promise<void> {
    if (this.cache.trusted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  listening(): void {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}
