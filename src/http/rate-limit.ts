/**
 * The per-token request limit (contract §7): `limit` requests per `windowMs`, counted from the
 * first request of a window. Kept in process by default, in Redis when REDIS_URL is set so that
 * every instance counts against the same window. When Redis does not answer, the instance falls
 * back to its own count (logged, at most once a minute) and keeps serving: a degraded limit,
 * never a failed request.
 *
 * Answers carry `RateLimit-Policy` and `RateLimit` (IETF httpapi draft, structured fields) and,
 * on 429, `Retry-After`.
 */
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { AppError } from './errors.js';

export interface Hit {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends. */
  resetMs: number;
}

export interface RateLimitStore {
  hit(key: string, windowMs: number): Promise<Hit>;
  /** Resolves once the store can count (or after `timeoutMs`, counting locally until it can). */
  ready?(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

interface Logger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** Counts in this process only; windows are dropped once over. */
export class MemoryStore implements RateLimitStore {
  readonly #windows = new Map<string, { count: number; endsAt: number }>();
  #lastSweep = Date.now();

  async hit(key: string, windowMs: number): Promise<Hit> {
    const now = Date.now();
    if (now - this.#lastSweep > windowMs) this.#sweep(now);
    let window = this.#windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowMs };
      this.#windows.set(key, window);
    }
    window.count += 1;
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

// INCR and set the expiry on the window's first request, atomically; answer count and time left.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

/** Shared by every instance on the same Redis; falls back to `fallback` while Redis is away. */
export class RedisStore implements RateLimitStore {
  readonly #redis: Redis;
  readonly #fallback = new MemoryStore();
  #lastWarning = 0;

  constructor(url: string, private readonly logger: Logger, private readonly prefix = 'guests:ratelimit:') {
    this.#redis = new Redis(url, {
      // Fail fast instead of queueing while disconnected: a request must never wait for Redis.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      commandTimeout: 500,
      lazyConnect: false,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    this.#redis.on('error', (error: Error) => this.#warn(error));
    this.#redis.on('ready', () => this.logger.info({}, 'rate limit store: Redis connected'));
    this.#redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  }

  async ready(timeoutMs: number): Promise<void> {
    if (this.#redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#warn(new Error(`Redis not ready after ${timeoutMs} ms`));
        done();
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#redis.off('ready', done);
        resolve();
      };
      this.#redis.once('ready', done);
    });
  }

  #warn(error: Error): void {
    const now = Date.now();
    if (now - this.#lastWarning < 60_000) return;
    this.#lastWarning = now;
    this.logger.warn({ err: { message: error.message } }, 'rate limit store: Redis unavailable, counting in this instance only');
  }

  async hit(key: string, windowMs: number): Promise<Hit> {
    try {
      const command = (this.#redis as unknown as { rateLimitHit(key: string, ms: number): Promise<[number, number]> }).rateLimitHit;
      const [count, ttl] = await command.call(this.#redis, `${this.prefix}${key}`, windowMs);
      return { count: Number(count), resetMs: Number(ttl) };
    } catch (error) {
      this.#warn(error as Error);
      return this.#fallback.hit(key, windowMs);
    }
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
    await this.#fallback.close();
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
      throw new AppError('RATE_LIMIT_EXCEEDED', `Too many requests for this token: at most ${options.limit} every ${Math.round(options.windowMs / 1000)} seconds. Retry in ${resetSeconds} seconds.`, {
        headers: { 'retry-after': String(resetSeconds) },
      });
    }
  });
}
