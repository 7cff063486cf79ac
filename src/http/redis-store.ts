/**
 * The request-limit store shared through Redis (REDIS_URL). In a module of its own so that an
 * instance without Redis never loads the client library.
 */
import { Redis } from 'ioredis';
import { MemoryStore, type Hit, type Logger, type RateLimitStore } from './rate-limit.js';

// INCR and set the expiry on the window's first request, atomically; answer count and time left.
const HIT_SCRIPT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2] or 1)
if count == tonumber(ARGV[2] or 1) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

// The count and time left of a window, without counting.
const PEEK_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

/** Shared by every instance on the same Redis; falls back to `fallback` while Redis is away. */
export class RedisStore implements RateLimitStore {
  readonly #redis: Redis;
  readonly #fallback = new MemoryStore();
  #lastWarning = 0;

  constructor(
    url: string,
    private readonly logger: Logger,
    private readonly prefix = 'guests:ratelimit:',
  ) {
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
    this.#redis.defineCommand('rateLimitPeek', { numberOfKeys: 1, lua: PEEK_SCRIPT });
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
    this.logger.warn(
      { err: { message: error.message } },
      'rate limit store: Redis unavailable, counting in this instance only',
    );
  }

  async hit(key: string, windowMs: number): Promise<Hit> {
    return this.add(key, windowMs, 1);
  }

  async add(key: string, windowMs: number, amount: number): Promise<Hit> {
    try {
      const command = (
        this.#redis as unknown as { rateLimitHit(key: string, ms: number, amount: number): Promise<[number, number]> }
      ).rateLimitHit;
      const [count, ttl] = await command.call(
        this.#redis,
        `${this.prefix}${key}`,
        windowMs,
        Math.max(0, Math.round(amount)),
      );
      return { count: Number(count), resetMs: Number(ttl) };
    } catch (error) {
      this.#warn(error as Error);
      return this.#fallback.add(key, windowMs, amount);
    }
  }

  async peek(key: string, windowMs: number): Promise<Hit> {
    try {
      const command = (this.#redis as unknown as { rateLimitPeek(key: string, ms: number): Promise<[number, number]> })
        .rateLimitPeek;
      const [count, ttl] = await command.call(this.#redis, `${this.prefix}${key}`, windowMs);
      return { count: Number(count), resetMs: Number(ttl) };
    } catch (error) {
      this.#warn(error as Error);
      return this.#fallback.peek(key, windowMs);
    }
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
    await this.#fallback.close();
  }
}
