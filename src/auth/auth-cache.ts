/**
 * A short memory, in this process, of what the token look-up answered: the token's owner, expiry
 * and revocation, and the owner's role and disable in one organization (or in none). A client
 * repeating its token is then served without the look-up's round trip to the database.
 *
 * Safe only because every change that alters an answer reaches this memory before the changed
 * token is used again (src/auth/auth-changes.ts): the writer drops the entries here at once after
 * its commit and tells the other instances (Redis or PostgreSQL notifications, see the channels);
 * on SQLite another process's commit (the CLI's) is seen through `PRAGMA data_version` on every
 * request. While the channel to the other instances is down the memory is not trusted: every
 * request reads the database, as without it. The TTL bounds what a lost message could cost.
 *
 * Bounded in size (the least recently used entries go first). Expiry is compared with the clock
 * on every request by the caller, never remembered as "valid".
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { findTokenByHash } from './token.repository.js';

/** What the look-up answers for a known token (src/auth/token.repository.ts). */
export type TokenAnswer = NonNullable<Awaited<ReturnType<typeof findTokenByHash>>>;

/** A change that may alter answers: every entry of a user, or of one token. */
export type AuthChange = { userId: number } | { tokenId: number };

export interface AuthCacheOptions {
  /** How long an answer is reused; 0 turns the memory off. */
  ttlMs: number;
  /** Entries kept at most. */
  maxEntries?: number;
  /** Whether answers may be reused from the start (false until a channel to the others is up). */
  trusted?: boolean;
  /**
   * Checked before each look-up: true when the database changed in a way this process was not told
   * of (another process wrote to the same SQLite file); the memory is dropped then.
   */
  changedElsewhere?: () => boolean;
}

interface Entry {
  answer: TokenAnswer;
  until: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;

export class AuthCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #changedElsewhere: (() => boolean) | undefined;
  /** Moves on every drop: a look-up that began before a drop does not store its (maybe old) answer. */
  #generation = 0;
  #trusted: boolean;

  constructor(options: AuthCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#trusted = options.trusted ?? true;
    this.#changedElsewhere = options.changedElsewhere;
  }

  /** Whether answers are reused now (false while the channel to the other instances is down). */
  get trusted(): boolean {
    return this.#trusted && this.#ttlMs > 0;
  }

  /** Up or down: either way the memory starts empty, since messages may have been missed. */
  setTrusted(trusted: boolean): void {
    this.#trusted = trusted;
    this.clear();
  }

  /** The look-up's answer for a token in an organization (or none), from memory when it may be. */
  async find(db: Kysely<Database>, tokenHash: string, organizationId: string | undefined) {
    if (this.#ttlMs === 0) return findTokenByHash(db, tokenHash, organizationId);
    if (this.#changedElsewhere?.()) this.clear();
    const key = `${tokenHash}/${organizationId ?? ''}`;
    const now = Date.now();
    if (this.#trusted) {
      const entry = this.#entries.get(key);
      if (entry && entry.until > now) {
        // Most recently used last: the first entries are the ones to let go.
        this.#entries.delete(key);
        this.#entries.set(key, entry);
        return entry.answer;
      }
      if (entry) this.#entries.delete(key);
    }
    const generation = this.#generation;
    const answer = await findTokenByHash(db, tokenHash, organizationId);
    if (answer && this.#trusted && generation === this.#generation) {
      this.#entries.set(key, { answer, until: now + this.#ttlMs });
      if (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
    }
    return answer;
  }

  /** Drops every answer the change may alter. */
  invalidate(change: AuthChange): void {
    this.#generation += 1;
    const matches =
      'userId' in change
        ? (answer: TokenAnswer) => answer.userId === change.userId
        : (answer: TokenAnswer) => answer.tokenId === change.tokenId;
    for (const [key, entry] of this.#entries) if (matches(entry.answer)) this.#entries.delete(key);
  }

  /** Drops everything. */
  clear(): void {
    this.#generation += 1;
    this.#entries.clear();
  }

  /** Entries held (for tests and logs). */
  get size(): number {
    return this.#entries.size;
  }
}
