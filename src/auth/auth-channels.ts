/**
 * How a change announced in one process reaches the token memory (src/auth/auth-cache.ts) of
 * every instance:
 *
 * - REDIS_URL set: Redis publish/subscribe (src/auth/redis-auth-channel.ts);
 * - otherwise on PostgreSQL: NOTIFY, heard by a LISTEN on a connection of its own;
 * - on SQLite (one instance; the CLI may write the same file from another process): nothing is
 *   sent; before the look-ups (once per turn of the event loop) `PRAGMA data_version` tells
 *   whether another connection committed since, and the memory is dropped when it did.
 *
 * While the listening connection is down (and until it first connects) the memory is not
 * trusted: every request reads the database. Messages sent meanwhile are lost, so the memory
 * starts empty once it is back.
 */
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import type { Config } from '../config.js';
import { sqliteConnectionOf, type Db } from '../db/database.js';
import type { Database } from '../db/types.js';
import { AuthCache, type AuthChange } from './auth-cache.js';
import {
  ListeningWaiters,
  applyMessage,
  encodeAuthChange,
  listenForAuthChanges,
  reconnectDelay,
  type AuthChannel,
} from './auth-changes.js';

interface Logger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** The PostgreSQL notification channel (one per database). */
export const PG_AUTH_CHANNEL = 'guests_auth_changes';

/** The Redis channel, under the deployment's key prefix. */
export const redisAuthChannel = (config: Pick<Config, 'redisKeyPrefix'>) => `${config.redisKeyPrefix}auth-changes`;

/** How often the listening connection is checked, and how long the check may take. */
const HEARTBEAT_MS = 5000;
const HEARTBEAT_TIMEOUT_MS = 2000;

/** NOTIFY on the pool; heard by every instance's LISTEN (its own too, which is harmless). */
function pgPublish(db: Kysely<Database>, log: Logger) {
  return async (change: AuthChange): Promise<void> => {
    try {
      await sql`select pg_notify(${PG_AUTH_CHANNEL}, ${encodeAuthChange(change)})`.execute(db);
    } catch (error) {
      log.warn(
        { err: { message: (error as Error).message }, change },
        'auth cache: could not notify the other instances; their answers last at most AUTH_CACHE_TTL_MS',
      );
    }
  };
}

/** LISTEN on a connection of its own, opened again (with backoff) whenever it fails. */
class PgListener implements AuthChannel {
  #client: pg.Client | undefined;
  #attempt = 0;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #listening: ListeningWaiters;
  readonly publish: (change: AuthChange) => Promise<void>;

  constructor(
    private readonly url: string,
    private readonly cache: AuthCache,
    private readonly log: Logger,
    db: Kysely<Database>,
  ) {
    this.publish = pgPublish(db, log);
    this.#listening = new ListeningWaiters(cache);
    this.#heartbeat = setInterval(() => void this.#check(), HEARTBEAT_MS);
    this.#heartbeat.unref();
    void this.#connect();
  }

  async #connect(): Promise<void> {
    this.#timer = undefined;
    const client = new pg.Client({
      connectionString: this.url,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 5000,
      query_timeout: HEARTBEAT_TIMEOUT_MS,
      // Names the process in pg_stat_activity: an operator (or a test) can tell whose listener it is.
      application_name: `guests-auth-listener:${process.pid}`,
    });
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client.on('notification', (message) => {
      if (message.channel === PG_AUTH_CHANNEL) applyMessage(this.cache, message.payload ?? '');
    });
    this.#client = client;
    try {
      await client.connect();
      await client.query(`listen ${PG_AUTH_CHANNEL}`);
    } catch (error) {
      this.#lost(client, error as Error);
      return;
    }
    if (this.#closed || this.#client !== client) return;
    this.#attempt = 0;
    this.cache.setTrusted(true);
    this.log.info({}, 'auth cache: listening for changes (PostgreSQL)');
    this.#listening.listening();
  }

  #lost(client: pg.Client, error?: Error): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.cache.setTrusted(false);
    client.end().catch(() => undefined);
    if (this.#closed) return;
    this.log.warn(
      { err: error && { message: error.message } },
      'auth cache: change listener lost; every request reads the database until it is back',
    );
    this.#timer = setTimeout(() => void this.#connect(), reconnectDelay(this.#attempt++));
    this.#timer.unref();
  }

  /** A connection that died without a word (a network gone) shows here. */
  async #check(): Promise<void> {
    const client = this.#client;
    if (!client || !this.cache.trusted) return;
    try {
      // LISTEN again: a no-op when listening, and a round trip that fails on a dead connection.
      await client.query(`listen ${PG_AUTH_CHANNEL}`);
    } catch (error) {
      this.#lost(client, error as Error);
    }
  }

  ready(timeoutMs: number): Promise<void> {
    return this.#listening.ready(timeoutMs);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    this.cache.setTrusted(false);
    await client?.end().catch(() => undefined);
  }
}

/**
 * True once per commit of another connection to the SQLite file (including other processes).
 *
 * Read at most once per turn of the event loop: the look-ups of the requests that arrived
 * together share one read (`pragma data_version` costs about 5 µs, a third of a Get guest's own
 * read). A commit made while those requests are being served reaches the requests of the next
 * turn: as it would had they been answered a moment earlier, and as a NOTIFY reaches the other
 * instances on PostgreSQL, after the commit rather than with it.
 */
export function sqliteChangedElsewhere(db: Db): (() => boolean) | undefined {
  const connection = sqliteConnectionOf(db.kysely);
  if (!connection) return undefined;
  const statement = connection.prepare('pragma data_version').pluck();
  const read = () => statement.get() as number;
  let seen = read();
  let readThisTurn = false;
  const nextTurn = () => {
    readThisTurn = false;
  };
  return () => {
    if (readThisTurn) return false;
    readThisTurn = true;
    setImmediate(nextTurn);
    const version = read();
    if (version === seen) return false;
    seen = version;
    return true;
  };
}

export interface AuthMemory {
  cache: AuthCache;
  ready(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The app's token memory and its channel, registered on the database handle so that every writer
 * of that handle drops the memory's answers and tells the other instances.
 */
export async function openAuthMemory(config: Config, db: Db, log: Logger): Promise<AuthMemory> {
  const ttlMs = config.authCacheTtlMs;
  const sqlite = db.kind === 'sqlite';
  const cache = new AuthCache({
    ttlMs,
    // On SQLite nothing needs to listen: the memory is trusted from the start.
    trusted: sqlite,
    ...(sqlite && ttlMs > 0 && { changedElsewhere: sqliteChangedElsewhere(db) }),
  });
  let channel: AuthChannel | undefined;
  if (ttlMs > 0 && !sqlite) {
    channel = config.redisUrl
      ? new (await import('./redis-auth-channel.js')).RedisAuthChannel(
          config.redisUrl,
          redisAuthChannel(config),
          cache,
          log,
        )
      : new PgListener((config.database as { url: string }).url, cache, log, db.kysely);
  }
  const stop = listenForAuthChanges(db.kysely, {
    local: (change) => cache.invalidate(change),
    ...(channel && { remote: (change: AuthChange) => channel.publish(change) }),
  });
  return {
    cache,
    ready: (timeoutMs) => channel?.ready(timeoutMs) ?? Promise.resolve(),
    async close() {
      stop();
      await channel?.close();
    },
  };
}

/**
 * For a process that only writes (the CLI): its announcements go to the serving instances, by
 * the same channel they listen on. On SQLite they see the commit by themselves (data_version).
 */
export async function openAuthPublisher(config: Config, db: Db, log: Logger): Promise<() => Promise<void>> {
  if (db.kind === 'sqlite') return async () => undefined;
  if (config.redisUrl) {
    const { publishOnce } = await import('./redis-auth-channel.js');
    const url = config.redisUrl;
    return listenAndStop(db, { remote: (change) => publishOnce(url, redisAuthChannel(config), change, log) });
  }
  return listenAndStop(db, { remote: pgPublish(db.kysely, log) });
}

function listenAndStop(db: Db, listener: Parameters<typeof listenForAuthChanges>[1]) {
  const stop = listenForAuthChanges(db.kysely, listener);
  return async () => stop();
}
