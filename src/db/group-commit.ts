/**
 * Group commit for SQLite. A SQLite commit costs more than the few inserts of a create (it writes
 * a WAL frame for every page touched: the table and each index): measured on this schema, a create
 * committed alone takes 200 µs, ten creates sharing one commit 60 µs each. SQLite has a single
 * writer anyway, so writes that arrive together share one transaction:
 *
 * - each write runs in its own savepoint: one that throws is undone alone and its caller gets its
 *   error, while the others go on;
 * - every caller is answered only after the commit, so an answer still means "written"; if the
 *   commit itself fails, every write of the batch fails with that error;
 * - a batch is what arrived during one turn of the event loop (the first write schedules the
 *   flush with `setImmediate`, so there is no timer and no added wait when the service is idle),
 *   in arrival order, at most MAX_BATCH writes.
 *
 * A write's work must use only the transaction it is given and must not wait for anything but it
 * (no network): the whole batch waits for each write.
 *
 * On PostgreSQL each write is simply its own transaction: transactions there run in parallel on
 * the pool's connections and the server groups their WAL flushes itself.
 */
import type { Kysely, Transaction } from 'kysely';
import type SQLite from 'better-sqlite3';
import { sqliteConnectionOf } from './database.js';
import type { Database } from './types.js';

/** Writes per shared transaction: bounds how long the first of them waits for the last. */
export const MAX_BATCH = 64;

type Work<T> = (trx: Transaction<Database>) => Promise<T>;

interface Pending {
  work: Work<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

class SqliteGroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly savepoint: SQLite.Statement;
  private readonly release: SQLite.Statement;
  private readonly rollback: SQLite.Statement;

  constructor(
    private readonly db: Kysely<Database>,
    connection: SQLite.Database,
  ) {
    this.savepoint = connection.prepare('savepoint grouped_write');
    this.release = connection.prepare('release grouped_write');
    this.rollback = connection.prepare('rollback to grouped_write');
  }

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, MAX_BATCH);
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const pending of batch) {
          // Inside our transaction the connection is ours: the savepoint statements run on it directly.
          this.savepoint.run();
          try {
            const value = await pending.work(trx);
            this.release.run();
            outcomes.push({ ok: true, value });
          } catch (error) {
            // A failure that ended the whole transaction (SQLite does so on I/O errors) makes this
            // throw too, and the batch fails as one below.
            this.rollback.run();
            this.release.run();
            outcomes.push({ ok: false, error });
          }
        }
      });
      batch.forEach((pending, i) => {
        const outcome = outcomes[i];
        if (outcome?.ok) pending.resolve(outcome.value);
        else pending.reject(outcome?.error);
      });
    } catch (error) {
      // Nothing of the batch was committed: a write that failed by itself keeps its own error.
      batch.forEach((pending, i) => {
        const outcome = outcomes[i];
        pending.reject(outcome && !outcome.ok ? outcome.error : error);
      });
    } finally {
      this.scheduled = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}

const batchers = new WeakMap<object, SqliteGroupCommit>();

/**
 * Runs `work` in a transaction that commits before this resolves; on SQLite it shares the
 * transaction (not the outcome) with the writes that arrived with it. See the top of this file.
 */
export function inGroupCommit<T>(db: Kysely<Database>, work: Work<T>): Promise<T> {
  if (db.isTransaction) return work(db as Transaction<Database>);
  const connection = sqliteConnectionOf(db);
  if (!connection) return db.transaction().execute(work);
  const adapter = db.getExecutor().adapter;
  let batcher = batchers.get(adapter);
  if (!batcher) {
    batcher = new SqliteGroupCommit(db, connection);
    batchers.set(adapter, batcher);
  }
  return batcher.run(work);
}

/**
 * One statement's write that needs no transaction of its own (the outbox's claims and sent marks):
 * on SQLite it shares the commit of the writes that arrive with it, as `inGroupCommit` does, instead
 * of paying a commit of its own on the event loop; on PostgreSQL it runs alone, in autocommit, so
 * it costs no BEGIN and COMMIT round trips.
 */
export function inSharedCommit<T>(db: Kysely<Database>, work: (q: Kysely<Database>) => Promise<T>): Promise<T> {
  // inGroupCommit runs it in the transaction it is given, if it is given one.
  return sqliteConnectionOf(db) ? inGroupCommit(db, work) : work(db);
}
