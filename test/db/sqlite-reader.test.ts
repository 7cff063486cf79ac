/**
 * The SQLite read worker (src/db/sqlite-reader.ts): reads of a SQLite file on a connection of its
 * own in a worker thread, while the server's thread stays free; reads only; a worker that cannot
 * run says so with SqliteReaderUnavailable (its callers then read on the server's connection).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import {
  createSqliteReader,
  searchReaderFor,
  SqliteReaderUnavailable,
  type SqliteReader,
} from '../../src/db/sqlite-reader.js';

describe('SQLite read worker', () => {
  let dir: string;
  let file: string;
  let server: SQLite.Database;
  let reader: SqliteReader;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-reader-'));
    file = path.join(dir, 'db.sqlite');
    server = new SQLite(file);
    server.pragma('journal_mode = WAL');
    server.exec('create table guests (id integer primary key, email text not null, note text)');
    const insert = server.prepare('insert into guests (email, note) values (?, ?)');
    for (let i = 1; i <= 50; i++) insert.run(`g${i}@example.com`, i % 2 ? null : `note ${i}`);
    reader = createSqliteReader(file, 1000);
  });

  after(async () => {
    await reader.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers the rows the server connection reads, as objects with the same values', async () => {
    const query = sql<{
      id: number;
      email: string;
      note: string | null;
    }>`select id, email, note from guests where id in (${1}, ${2}, ${3}) order by id`;
    const { rows } = await query.execute(reader.kysely);
    assert.deepEqual(
      rows,
      server.prepare('select id, email, note from guests where id in (1, 2, 3) order by id').all(),
    );
    assert.ok(reader.statements >= 1);
  });

  it("sees what the server's connection committed after the worker started", async () => {
    server.prepare('insert into guests (email) values (?)').run('late@example.com');
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from guests where email = ${'late@example.com'}`.execute(reader.kysely);
    assert.deepEqual(rows, [{ n: 1 }]);
  });

  it("keeps the server's thread free while a long read runs", async () => {
    // A read of about a second's work on the worker; meanwhile this thread's timers keep firing.
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    const started = Date.now();
    try {
      const { rows } = await sql<{
        n: number;
      }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < ${3_000_000}) select count(*) as n from c`.execute(
        reader.kysely,
      );
      assert.deepEqual(rows, [{ n: 3_000_000 }]);
    } finally {
      clearInterval(timer);
    }
    const tookMs = Date.now() - started;
    assert.ok(tookMs >= 100, `the read took ${tookMs} ms: too short to show anything`);
    // On the server's thread the same read would have let no timer fire until it ended.
    assert.ok(ticks >= Math.min(10, tookMs / 50), `${ticks} ticks in ${tookMs} ms`);
  });

  it('refuses a write, and changes nothing', async () => {
    await assert.rejects(sql`delete from guests`.execute(reader.kysely), /reads only|readonly/);
    assert.equal((server.prepare('select count(*) as n from guests').get() as { n: number }).n, 51);
  });

  it("passes SQLite's error, with its code, for a statement that fails", async () => {
    await assert.rejects(sql`select x from nowhere`.execute(reader.kysely), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'SQLITE_ERROR');
      assert.match(error.message, /no such table/);
      return true;
    });
  });

  it('runs no transactions', async () => {
    await assert.rejects(
      reader.kysely.transaction().execute(async () => undefined),
      /runs no transactions/,
    );
  });

  it('a worker that cannot open its file answers SqliteReaderUnavailable, and is not started again at once', async () => {
    const missing = createSqliteReader(path.join(dir, 'missing.sqlite'), 1000);
    try {
      await assert.rejects(sql`select 1`.execute(missing.kysely), SqliteReaderUnavailable);
      const started = Date.now();
      await assert.rejects(sql`select 1`.execute(missing.kysely), /failed a moment ago/);
      assert.ok(Date.now() - started < 50, 'refused without starting a thread');
    } finally {
      await missing.close();
    }
  });

  it('after close, reads answer SqliteReaderUnavailable; closing one never started is immediate', async () => {
    const other = createSqliteReader(file, 1000);
    await other.close();
    await assert.rejects(sql`select 1`.execute(other.kysely), SqliteReaderUnavailable);
    const used = createSqliteReader(file, 1000);
    await sql`select 1`.execute(used.kysely);
    await used.close();
    await assert.rejects(sql`select 1`.execute(used.kysely), SqliteReaderUnavailable);
  });
  it('a server gets a reader on a SQLite file only: none in memory, none on PostgreSQL', async () => {
    const onFile = searchReaderFor({ kind: 'sqlite', file });
    assert.ok(onFile, 'a reader on a file');
    try {
      const { rows } = await sql<{ n: number }>`select count(*) as n from guests`.execute(onFile.kysely);
      assert.deepEqual(rows, [{ n: 51 }]);
      assert.equal(onFile.statements, 1, 'it read on its worker');
    } finally {
      await onFile.close();
    }
    assert.equal(searchReaderFor({ kind: 'sqlite', file: ':memory:' }), undefined);
    assert.equal(searchReaderFor({ kind: 'postgres', url: 'postgres://127.0.0.1/none', poolSize: 1 }), undefined);
  });
});
