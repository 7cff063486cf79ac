/**
 * The per-token request limit (docs/conventions.md, Request limits): `limit` requests per
 * `windowMs`, counted from the first request of a window. Kept in process by default, in Redis when
 * REDIS_URL is set so that every instance counts against the same window. When Redis does not
 * answer, the instance falls back to its own count (logged, at most once a minute) and keeps
 * serving: a degraded limit, never a failed request.
 *
 * Answers carry `RateLimit-Policy` and `RateLimit` (IETF httpapi draft, structured fields) and,
 * on 429, `Retry-After`.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/errors.js';

export interface Hit {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends. */
  resetMs: number;
}

export interface RateLimitStore {
  hit(key: string, windowMs: number): Promise<Hit>;
  /** The current count of `key` without counting (0 and `windowMs` when no window is open). */
  peek(key: string, windowMs: number): Promise<Hit>;
  /** Adds `amount` (a cost, e.g. rows) to `key`'s window; `hit` is `add(key, windowMs, 1)`. */
  add(key: string, windowMs: number, amount: number): Promise<Hit>;
  /** Resolves once the store can count (or after `timeoutMs`, counting locally until it can). */
  ready?(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface Logger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** Counts in this process only; windows are dropped once over. */
export class MemoryStore implements RateLimitStore {
  readonly #windows = new Map<string, { count: number; endsAt: number }>();
  #lastSweep = Date.now();

  async hit(key: string, windowMs: number): Promise<Hit> {
    return this.add(key, windowMs, 1);
  }

  async add(key: string, windowMs: number, amount: number): Promise<Hit> {
    const now = Date.now();
    if (now - this.#lastSweep > windowMs) this.#sweep(now);
    let window = this.#windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowMs };
      this.#windows.set(key, window);
    }
    window.count += amount;
    return { count: window.count, resetMs: window.endsAt - now };
  }

  async peek(key: string, windowMs: number): Promise<Hit> {
    const now = Date.now();
    const window = this.#windows.get(key);
    if (!window || window.endsAt <= now) return { count: 0, resetMs: windowMs };
    return { count: window.count, resetMs: window.endsAt - now };
  }

  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [key, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(key);
  }

  async close(): Promise<void> {
    this.#windows.clear();
  }
}

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  store: RateLimitStore;
}

/** Registers the limit as an onRequest hook after authentication, keyed by token. */
export function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): void {
  const policy = `"per-token";q=${options.limit};w=${Math.round(options.windowMs / 1000)}`;
  app.addHook('onRequest', async (request, reply) => {
    const principal = request.principal as { tokenId?: number } | undefined;
    if (principal?.tokenId === undefined) return;
    const hit = await options.store.hit(`token:${principal.tokenId}`, options.windowMs);
    const resetSeconds = Math.max(1, Math.ceil(hit.resetMs / 1000));
    const remaining = Math.max(0, options.limit - hit.count);
    reply.header('ratelimit-policy', policy);
    reply.header('ratelimit', `"per-token";r=${remaining};t=${resetSeconds}`);
    if (hit.count > options.limit) {
      throw new AppError(
        'RATE_LIMIT_EXCEEDED',
        `Too many requests for this token: at most ${options.limit} every ${Math.round(options.windowMs / 1000)} seconds. Retry in ${resetSeconds} seconds.`,
        {
          headers: { 'retry-after': String(resetSeconds) },
        },
      );
    }
  });
}
