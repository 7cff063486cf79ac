/**
 * Opens the database the configuration names: embedded SQLite (one file, WAL) by default,
 * PostgreSQL when DATABASE_URL is a postgres:// URL. Both go through the same Kysely code.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
} from 'kysely';
import type { Config } from '../config.js';
import type { Database } from './types.js';

export type DatabaseKind = Config['database']['kind'];

/**
 * The kind of database behind a Kysely instance or one of its transactions, read from its
 * dialect's adapter (which transactions share): repositories ask it where their SQL differs
 * (locks, collations) instead of being handed the kind with every call.
 */
export function kindOf(db: Kysely<Database>): DatabaseKind {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export interface Db {
  kysely: Kysely<Database>;
  kind: DatabaseKind;
  close(): Promise<void>;
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE: they all write, and a deferred BEGIN that
 * upgrades its read lock fails at once with SQLITE_BUSY when another process (a CLI command, a
 * second server) writes, instead of waiting for busy_timeout.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  #connection: DatabaseConnection | undefined;

  constructor(
    config: ConstructorParameters<typeof SqliteDriver>[0],
    private readonly sqlite: SQLite.Database,
    private readonly busyTimeoutMs: number,
  ) {
    super(config);
  }

  /**
   * The one connection, with statements outside a transaction (BEGIN IMMEDIATE included) retried
   * while SQLite answers SQLITE_BUSY: see `retryWhileBusy`. Inside a transaction the write lock is
   * ours already, so nothing there waits for another connection.
   */
  override async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await super.acquireConnection();
    const connection: DatabaseConnection = this.#connection ?? {
      executeQuery: <R>(query: CompiledQuery) =>
        this.sqlite.inTransaction
          ? inner.executeQuery<R>(query)
          : retryWhileBusy(() => inner.executeQuery<R>(query), this.busyTimeoutMs),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => inner.streamQuery<R>(query, chunkSize),
    };
    this.#connection = connection;
    return connection;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQLite's "another connection holds the lock" (SQLITE_BUSY and its extended codes). */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/** Default of SQLITE_BUSY_TIMEOUT_MS: how long a statement waits for another connection's lock. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Runs `attempt` again while it fails with SQLITE_BUSY, waiting between attempts with timers
 * (2 ms, doubling up to 100 ms) until `timeoutMs` has passed, then lets the error through (503
 * with Retry-After, see core/database-errors.ts). The connection's own busy_timeout is 0: SQLite's
 * busy handler sleeps in the thread that runs the statement, and better-sqlite3 runs statements
 * on the event loop's thread, so waiting there would stop every request of the process.
 */
export async function retryWhileBusy<T>(attempt: () => T | Promise<T>, timeoutMs: number): Promise<T> {
  const start = Date.now();
  let wait = 2;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const left = timeoutMs - (Date.now() - start);
      if (!isSqliteBusy(error) || left <= 0) throw error;
      // The last wait is cut to what is left, so the statement tries once more at the deadline.
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, left)));
      wait = Math.min(wait * 2, 100);
    }
  }
}

/**
 * SQLite does run DDL inside transactions; saying so makes Kysely's migrator run each batch in one
 * (BEGIN IMMEDIATE, above), so processes starting together on one file migrate one after another
 * instead of both creating the same tables.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing is a large share of a simple
 * request's cost (a profile of GET guest showed 15% in `prepare`). The queries this service runs
 * are a small, fixed set of SQL texts, so their statements are kept and reused. Bounded: an
 * `in (...)` list of each length is its own text; the oldest entries go first.
 */
export function withStatementCache(sqlite: SQLite.Database, maxEntries = 256): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (source: string): SQLite.Statement => {
    const cached = cache.get(source);
    // A statement still iterating cannot run again; such a call gets a fresh one.
    if (cached && !cached.busy) {
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const statement = sqlite.prepare(source);
    if (!cached) {
      cache.set(source, statement);
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    }
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqliteConfig: ConstructorParameters<typeof SqliteDialect>[0],
    private readonly sqlite: SQLite.Database,
    private readonly busyTimeoutMs: number,
  ) {
    super(sqliteConfig);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.sqliteConfig, this.sqlite, this.busyTimeoutMs);
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/** Each SQLite Kysely instance's connection, by its adapter (which its transactions share). */
const sqliteConnections = new WeakMap<DialectAdapter, SQLite.Database>();

/**
 * The better-sqlite3 connection behind a Kysely instance or transaction of this module, or
 * undefined on PostgreSQL: for the few hot paths that run statements on it directly (see
 * `prepared.ts` and `group-commit.ts` for when that is safe).
 */
export function sqliteConnectionOf(db: Kysely<Database>): SQLite.Database | undefined {
  return sqliteConnections.get(db.getExecutor().adapter);
}

/**
 * Whether a statement may run on the SQLite connection directly, synchronously, now: inside a
 * transaction of ours (on SQLite the one transaction there can be holds the only connection), or
 * when no transaction is open (a statement that runs to its end without yielding cannot land
 * inside one). Otherwise another request's transaction is open, and the statement must go
 * through Kysely, which waits for the connection.
 */
export function mayRunDirectly(db: Kysely<Database>, connection: SQLite.Database): boolean {
  return db.isTransaction || !connection.inTransaction;
}

/**
 * PostgreSQL statement texts run as named prepared statements, by text: each connection parses,
 * analyzes and plans such a text once, then only binds and runs it. An unnamed statement (what
 * Kysely sends) is parsed and planned again at every call, which for the larger fixed statements
 * (Create guest's single statement joins a dozen parts) cost more than running them. Only fixed
 * texts are named (the bounded set `prepared()` compiles, and the few written out in full): a
 * text that varies per call would leave a statement behind on each connection for each variant.
 */
const namedPostgresTexts = new Map<string, string>();

/** Has PostgreSQL keep this fixed statement text prepared on each connection (see above). */
export function keepPostgresPlan(text: string): void {
  if (!namedPostgresTexts.has(text)) namedPostgresTexts.set(text, `guests_${namedPostgresTexts.size + 1}`);
}

type QueryArgs = Parameters<pg.PoolClient['query']>;

/** PostgreSQL's code for "cached plan must not change result type" (among other unsupported features). */
const CACHED_PLAN_CHANGED = '0A000';

/**
 * Sends each call of a kept text (keepPostgresPlan) on `client` as its named statement. The
 * client's own `query` is looked up at each call, so that anything wrapping pg's Client later (a
 * statement counter) still sees every statement.
 *
 * A schema change made while the connection is open (another instance's migration during a
 * rolling deploy) can change what a prepared `select *` or `returning *` answers; PostgreSQL then
 * refuses the statement once ("cached plan must not change result type"). The text is sent unnamed
 * on this connection from then on, and the call is sent again at once when it ran outside a
 * transaction; inside one the transaction is already failed, so the error goes to the caller
 * (which answers 503) and the next attempt succeeds.
 */
function sendKeptTextsNamed(client: pg.PoolClient): void {
  const prototype = Object.getPrototypeOf(client) as { query: (...args: unknown[]) => unknown };
  const stale = new Set<string>();
  client.query = ((...args: QueryArgs) => {
    const [text, values] = args;
    const name = typeof text === 'string' && !stale.has(text) ? namedPostgresTexts.get(text) : undefined;
    if (name === undefined || !(values === undefined || Array.isArray(values)))
      return prototype.query.apply(client, args);
    const alone = client.getTransactionStatus() === 'I';
    return new Promise<unknown>((resolve, reject) => {
      // Built from the text, then named: pg copies a config object ({ name, text, values }) property
      // by property through its descriptors before sending it, 2.5 µs a statement against 0.15 µs
      // for a text (200,000 of each, Node 20), on every statement the service sends.
      const query = new pg.Query(text, values, (error, result) => (error ? reject(error) : resolve(result)));
      (query as unknown as { name: string }).name = name;
      prototype.query.call(client, query);
    }).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== CACHED_PLAN_CHANGED) throw error;
      stale.add(text as string);
      if (!alone) throw error;
      return prototype.query.apply(client, args);
    });
  }) as pg.PoolClient['query'];
}

/** How long opening waits for another process that holds the file's lock (switching to WAL needs it). */
const OPEN_BUSY_TIMEOUT_MS = 10_000;

/**
 * A pragma run while opening the file. Processes starting together on a new file all switch it to
 * WAL, which SQLite may refuse at once with SQLITE_BUSY (without waiting in its busy handler) while
 * another holds the lock; nothing is served yet, so this waits in place and tries again.
 */
function pragmaAtOpen(sqlite: SQLite.Database, text: string): void {
  const deadline = Date.now() + OPEN_BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      sqlite.pragma(text);
      return;
    } catch (error) {
      if (!isSqliteBusy(error) || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

export function openDatabase(config: Config['database']): Db {
  if (config.kind === 'sqlite') {
    if (config.file !== ':memory:') fs.mkdirSync(path.dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    pragmaAtOpen(sqlite, 'journal_mode = WAL');
    pragmaAtOpen(sqlite, 'synchronous = NORMAL');
    pragmaAtOpen(sqlite, 'foreign_keys = ON');
    // Never wait inside SQLite for another connection's lock: that would block the event loop.
    // Statements are retried asynchronously instead (retryWhileBusy).
    sqlite.pragma('busy_timeout = 0');
    const connection = withStatementCache(sqlite);
    const kysely = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect(
        { database: connection },
        sqlite,
        config.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS,
      ),
    });
    sqliteConnections.set(kysely.getExecutor().adapter, connection);
    return { kysely, kind: 'sqlite', close: () => kysely.destroy() };
  }
  // node-postgres returns BIGINT/COUNT as strings; ids here fit in a JS number.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
  // A request waits at most 5 s for a connection: with the database gone it fails (503) rather than hangs.
  // A query whose answer never comes (a network partition) fails after 30 s (-> 503) instead of hanging.
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    query_timeout: 30_000,
    keepAlive: true,
  });
  pool.on('error', () => {
    // An idle client lost its connection (database restarted): the pool drops it and reconnects.
  });
  // The pool listens for errors on idle clients only. A client that is checked out (a query or a
  // transaction running) emits 'error' when its connection drops, and with no listener that
  // would end the process. The query in flight fails by itself (-> 503) and the pool discards
  // the broken client when it is released.
  const named = config.namedStatements !== false;
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    if (named) sendKeptTextsNamed(client);
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, kind: 'postgres', close: () => kysely.destroy() };
}
