/**
 * Long reads off the request path, for the server on a SQLite file: a worker thread with its own
 * read-only connection to the same file runs them, so the server's thread keeps answering other
 * requests meanwhile. better-sqlite3 runs a statement synchronously on the thread that calls it: a
 * search of an organization of a million guests (docs/guests.md, List guests) compares the term
 * with every record, about a second during which the server answered nothing (a get sent beside
 * 20 such searches waited 858 ms at the median, measured by the benchmark).
 *
 * SQLite in WAL mode lets a reader on another connection run beside the server's writes: the
 * worker's reads see what was committed when each statement began, as the server's own reads do.
 * Writes never go there (the connection is read-only, and a statement that is not a read is
 * refused before it runs).
 *
 * The reads arrive as Kysely queries: the reader's `kysely` is a Kysely instance of the SQLite
 * dialect whose driver sends each compiled statement to the worker (its raw rows come back and are
 * made into objects as prepared.ts makes them), so the same query code runs on either
 * connection. The worker starts with the first read (an idle server pays nothing for it) and runs
 * one statement at a time, in order.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import {
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { Database } from './types.js';
import { rowBuilder } from './prepared.js';
import { SQLITE_BUSY_TIMEOUT_MS } from './database.js';
import type { Config } from '../config.js';

/** How long after a failure of the worker reads go to the server's connection. */
const RETRY_AFTER_FAILURE_MS = 60_000;

// Plain JavaScript (the worker does not go through the TypeScript loader); CommonJS, so require.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
// Waiting for a lock blocks only this thread, never the server's.
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const statements = new Map();
parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  const { id, sql, parameters } = message;
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (!statement.reader) throw new Error('the read connection runs reads only');
      statements.set(sql, statement);
    }
    // Rows as arrays: a fraction of the cost of objects to copy between threads.
    statement.raw(true);
    const rows = statement.all(parameters);
    parentPort.postMessage({ id, columns: statement.columns().map((column) => column.name), rows });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String((error && error.message) || error), code: error && error.code } });
  }
});
`;

interface Answer {
  id: number;
  columns?: string[];
  rows?: unknown[][];
  error?: { message: string; code?: string };
}

interface Pending {
  resolve(rows: Array<Record<string, unknown>>): void;
  reject(error: Error): void;
}

/** The worker cannot run the read (it stopped, failed to start, or was closed): read elsewhere. */
export class SqliteReaderUnavailable extends Error {
  override name = 'SqliteReaderUnavailable';
}

/** A failure of the read connection, as better-sqlite3 would throw it (its `code` kept). */
class SqliteReadError extends Error {
  override name = 'SqliteError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export interface SqliteReader {
  /** A Kysely instance whose queries run on the worker's connection: reads only, no transactions. */
  readonly kysely: Kysely<Database>;
  /** Statements sent to the worker so far (whatever their outcome). */
  readonly statements: number;
  /** Stops the worker (when it was started); reads sent after fail. */
  close(): Promise<void>;
}

/**
 * The reader of the searches of a server on this database: a worker of its own on a SQLite file;
 * none on PostgreSQL (no statement holds the process there) or in memory (no file to share).
 */
export function searchReaderFor(database: Config['database']): SqliteReader | undefined {
  if (database.kind !== 'sqlite' || database.file === ':memory:') return undefined;
  return createSqliteReader(database.file, database.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS);
}

export function createSqliteReader(file: string, busyTimeoutMs: number): SqliteReader {
  let worker: Worker | undefined;
  let exited: Promise<void> | undefined;
  let closed = false;
  let failedAt = -Infinity;
  let nextId = 0;
  let sent = 0;
  const pending = new Map<number, Pending>();

  function failAll(error: Error): void {
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  }

  function started(): Worker {
    if (worker) return worker;
    // A worker that failed is not started again for a while: the reads go to the server's
    // connection meanwhile rather than each paying for a thread that fails the same way.
    if (Date.now() - failedAt < RETRY_AFTER_FAILURE_MS)
      throw new SqliteReaderUnavailable('the SQLite read worker failed a moment ago');
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const thread = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, busyTimeoutMs } });
    thread.on('message', (answer: Answer) => {
      const waiting = pending.get(answer.id);
      if (!waiting) return;
      pending.delete(answer.id);
      if (answer.error) waiting.reject(new SqliteReadError(answer.error.message, answer.error.code));
      else {
        const build = rowBuilder(answer.columns ?? []);
        waiting.resolve((answer.rows ?? []).map((row) => build(row) as Record<string, unknown>));
      }
    });
    thread.on('error', (error) => {
      // The thread is ending: the next read must not be sent to it.
      if (worker === thread) worker = undefined;
      failedAt = Date.now();
      failAll(new SqliteReaderUnavailable(`the SQLite read worker failed: ${error.message}`));
    });
    exited = new Promise<void>((resolve) =>
      thread.once('exit', () => {
        // A worker that stopped (or failed to start) is started again by a read after RETRY_AFTER_FAILURE_MS.
        if (worker === thread) worker = undefined;
        if (!closed) failedAt = Date.now();
        failAll(new SqliteReaderUnavailable('the SQLite read worker stopped'));
        resolve();
      }),
    );
    // Never what keeps the process running; a read waiting for its answer holds it (ref below).
    thread.unref();
    worker = thread;
    return thread;
  }

  function read(sql: string, parameters: readonly unknown[]): Promise<Array<Record<string, unknown>>> {
    if (closed) return Promise.reject(new SqliteReaderUnavailable('the SQLite read worker is closed'));
    let thread: Worker;
    try {
      thread = started();
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const id = nextId++;
    sent += 1;
    return new Promise((resolve, reject) => {
      if (pending.size === 0) thread.ref();
      const settle = () => {
        if (pending.size === 0) thread.unref();
      };
      pending.set(id, {
        resolve: (rows) => {
          settle();
          resolve(rows);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      thread.postMessage({ id, sql, parameters });
    });
  }

  const connection: DatabaseConnection = {
    async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
      return { rows: (await read(compiled.sql, compiled.parameters)) as R[] };
    },
    // eslint-disable-next-line require-yield -- refuses before yielding anything
    async *streamQuery() {
      throw new Error('the SQLite read worker does not stream');
    },
  };
  const noTransactions = async () => {
    throw new Error('the SQLite read worker runs no transactions');
  };
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: noTransactions,
    commitTransaction: noTransactions,
    rollbackTransaction: noTransactions,
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  const dialect: Dialect = {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => driver,
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
  return {
    kysely: new Kysely<Database>({ dialect }),
    get statements() {
      return sent;
    },
    async close() {
      closed = true;
      const thread = worker;
      if (!thread) return;
      thread.postMessage('stop');
      const timer = setTimeout(() => void thread.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
