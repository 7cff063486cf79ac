/**
 * The auth changes channel through Redis publish/subscribe (REDIS_URL): one connection subscribed,
 * another publishing. In a module of its own so that an instance without Redis never loads the
 * client library. See src/auth/auth-channels.ts for what the channel is for.
 */
import { Redis } from 'ioredis';
import type { AuthCache, AuthChange } from './auth-cache.js';
import { ListeningWaiters, applyMessage, encodeAuthChange, reconnectDelay, type AuthChannel } from './auth-changes.js';

interface Logger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

const options = {
  connectTimeout: 2000,
  retryStrategy: (attempt: number) => reconnectDelay(attempt),
} as const;

/** Waits before each repeat of a publish that failed: about three seconds in all. */
const REPUBLISH_WAITS_MS = [100, 400, 1000, 1500];

export class RedisAuthChannel implements AuthChannel {
  readonly #subscriber: Redis;
  readonly #publisher: Redis;
  readonly #listening: ListeningWaiters;
  #lastWarning = 0;
  #closed = false;

  constructor(
    url: string,
    private readonly channel: string,
    private readonly cache: AuthCache,
    private readonly log: Logger,
  ) {
    this.#listening = new ListeningWaiters(cache);
    // Subscribed anew on every connection (below), so that "listening" is known, not assumed.
    this.#subscriber = new Redis(url, { ...options, autoResubscribe: false, maxRetriesPerRequest: null });
    this.#publisher = new Redis(url, {
      ...options,
      // A write's answer must never wait for Redis: fail fast, the TTL bounds a lost message.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
    });
    this.#publisher.on('error', (error: Error) => this.#warn(error, 'publish'));
    this.#subscriber.on('error', (error: Error) => this.#warn(error, 'listen'));
    this.#subscriber.on('close', () => {
      if (this.cache.trusted && !this.#closed) {
        this.log.warn(
          {},
          'auth cache: the Redis subscription closed; every request reads the database until it is back',
        );
      }
      this.cache.setTrusted(false);
    });
    this.#subscriber.on('ready', () => void this.#subscribe());
    this.#subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) applyMessage(this.cache, message);
    });
  }

  async #subscribe(): Promise<void> {
    try {
      await this.#subscriber.subscribe(this.channel);
    } catch (error) {
      this.#warn(error as Error, 'listen');
      // The connection is not usable for listening: drop it; the retry strategy opens another.
      this.#subscriber.disconnect(true);
      return;
    }
    this.cache.setTrusted(true);
    this.log.info({}, 'auth cache: listening for changes (Redis)');
    this.#listening.listening();
  }

  #warn(error: Error, what: 'listen' | 'publish'): void {
    const now = Date.now();
    if (now - this.#lastWarning < 60_000) return;
    this.#lastWarning = now;
    this.log.warn(
      { err: { message: error.message } },
      what === 'listen'
        ? 'auth cache: Redis unavailable; every request reads the database until it is back'
        : 'auth cache: could not tell the other instances through Redis; their answers last at most AUTH_CACHE_TTL_MS',
    );
  }

  /**
   * Sends the change. The answer waits for one try at most (500 ms); a try that fails is repeated in
   * the background (the message only drops answers, so a repeat is harmless), so that a publishing
   * connection that is reconnecting still carries it.
   */
  async publish(change: AuthChange): Promise<void> {
    const message = encodeAuthChange(change);
    if (await this.#tryPublish(message)) return;
    void this.#publishLater(message);
  }

  async #tryPublish(message: string): Promise<boolean> {
    try {
      await this.#publisher.publish(this.channel, message);
      return true;
    } catch (error) {
      this.#warn(error as Error, 'publish');
      return false;
    }
  }

  async #publishLater(message: string): Promise<void> {
    for (const wait of REPUBLISH_WAITS_MS) {
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
      if (this.#closed || (await this.#tryPublish(message))) return;
    }
  }

  ready(timeoutMs: number): Promise<void> {
    return this.#listening.ready(timeoutMs);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.cache.setTrusted(false);
    this.#subscriber.disconnect();
    this.#publisher.disconnect();
  }
}

/** One message from a process that does not listen (the CLI): connect, publish, disconnect. */
export async function publishOnce(url: string, channel: string, change: AuthChange, log: Logger): Promise<void> {
  const redis = new Redis(url, { connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.publish(channel, encodeAuthChange(change));
  } catch (error) {
    log.warn(
      { err: { message: (error as Error).message } },
      'could not tell the serving instances through Redis; their answers last at most AUTH_CACHE_TTL_MS',
    );
  } finally {
    redis.disconnect();
  }
}
