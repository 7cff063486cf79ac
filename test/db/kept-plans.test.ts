/**
 * PostgreSQL: the fixed statement texts the service runs most (`prepared()` queries, Create
 * guest's single statement) are sent as named prepared statements, parsed and planned once per
 * connection; every other text stays an unnamed statement, so texts that vary per call (an
 * `in (...)` list of each length) leave nothing behind on the connections.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { databaseError } from '../../src/core/database-errors.js';
import { keepPostgresPlan, openDatabase, type Db } from '../../src/db/database.js';
import { prepared, type Placeholder } from '../../src/db/prepared.js';
import type { Database } from '../../src/db/types.js';
import { freshDatabaseUrl } from '../../support/app.js';
import { statementsSentBy } from '../../support/statement-counter.js';

const postgres = Boolean(process.env.TEST_DATABASE_URL);

const twice = prepared((db, p: Placeholder<{ n: number }>) =>
  db.selectNoFrom(sql<number>`cast(${p('n')} as integer) * 2`.as('doubled')),
);

describe('statements PostgreSQL keeps prepared', { skip: !postgres }, () => {
  let db: Db;
  let drop: () => Promise<void>;
  before(async () => {
    const fresh = await freshDatabaseUrl();
    drop = fresh.drop;
    // One connection: what it holds prepared is what the statements below left there.
    db = openDatabase({ kind: 'postgres', url: fresh.url, poolSize: 1 });
  });
  after(async () => {
    await db.close();
    await drop();
  });

  /** The statements prepared on the pool's one connection: their texts by name. */
  async function preparedOnConnection(): Promise<Map<string, string>> {
    const { rows } = await sql<{
      name: string;
      statement: string;
    }>`select name, statement from pg_prepared_statements`.execute(db.kysely);
    return new Map(rows.map((row) => [row.name, row.statement]));
  }

  it('runs a prepared() query as one named statement, with fresh values each call', async () => {
    const { sent, result } = await statementsSentBy(async () => [
      await twice.first(db.kysely, { n: 3 }),
      await twice.first(db.kysely, { n: 21 }),
    ]);
    assert.deepEqual(
      result.map((row) => Number(row?.doubled)),
      [6, 42],
    );
    assert.equal(
      sent.length,
      2,
      'each call is one statement, and is seen by a wrapper of pg installed after connecting',
    );
    const kept = [...(await preparedOnConnection()).entries()].filter(([, text]) => text === sent[0]?.text);
    assert.equal(
      kept.length,
      1,
      `one named statement for the text: ${JSON.stringify([...(await preparedOnConnection())])}`,
    );
  });

  it('names a text only once it is kept, and only that text', async () => {
    const text = 'select $1::integer + 1 as next';
    const run = async (n: number) =>
      (await db.kysely.executeQuery<{ next: number }>(CompiledQuery.raw(text, [n]))).rows[0]?.next;
    assert.equal(await run(1), 2);
    assert.ok(![...(await preparedOnConnection()).values()].includes(text), 'an unkept text is sent unnamed');
    keepPostgresPlan(text);
    keepPostgresPlan(text);
    assert.equal(await run(2), 3);
    assert.equal(await run(40), 41);
    const named = [...(await preparedOnConnection()).entries()].filter(([, statement]) => statement === text);
    assert.equal(named.length, 1, 'kept twice, prepared once');
  });

  it('names nothing with DATABASE_NAMED_STATEMENTS off (a pooler that cannot keep them)', async () => {
    const fresh = await freshDatabaseUrl();
    const plain = openDatabase({ kind: 'postgres', url: fresh.url, poolSize: 1, namedStatements: false });
    try {
      assert.equal(Number((await twice.first(plain.kysely, { n: 5 }))?.doubled), 10);
      assert.equal(Number((await twice.first(plain.kysely, { n: 6 }))?.doubled), 12);
      const { rows } = await sql<{ n: number }>`select count(*)::integer as n from pg_prepared_statements`.execute(
        plain.kysely,
      );
      assert.equal(rows[0]?.n, 0);
    } finally {
      await plain.close();
      await fresh.drop();
    }
  });

  it('survives a schema change made while the statement is prepared (another instance migrating)', async () => {
    await sql`create table kept_plan_rows (id integer primary key, name text)`.execute(db.kysely);
    await sql`insert into kept_plan_rows values (1, 'one')`.execute(db.kysely);
    const text = 'select * from kept_plan_rows where id = $1';
    keepPostgresPlan(text);
    const read = async (q: Kysely<Database>) =>
      (await q.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, [1]))).rows[0];
    assert.deepEqual(await read(db.kysely), { id: 1, name: 'one' });
    await sql`alter table kept_plan_rows add column extra integer default 7`.execute(db.kysely);
    // Outside a transaction: sent again unnamed, answered with the new column.
    assert.deepEqual(await read(db.kysely), { id: 1, name: 'one', extra: 7 });
    assert.deepEqual(await read(db.kysely), { id: 1, name: 'one', extra: 7 });
    await sql`alter table kept_plan_rows add column more integer default 8`.execute(db.kysely);
    // The text is unnamed on this connection now: a transaction reads it at once too.
    assert.deepEqual(await db.kysely.transaction().execute(read), { id: 1, name: 'one', extra: 7, more: 8 });
  });

  it('fails a transaction whose kept statement went stale with a retryable error, and the retry succeeds', async () => {
    await sql`create table kept_plan_tx (id integer primary key)`.execute(db.kysely);
    await sql`insert into kept_plan_tx values (1)`.execute(db.kysely);
    const text = 'select * from kept_plan_tx where id = $1';
    keepPostgresPlan(text);
    const read = async (q: Kysely<Database>) =>
      (await q.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, [1]))).rows[0];
    assert.deepEqual(await read(db.kysely), { id: 1 });
    await sql`alter table kept_plan_tx add column extra integer default 7`.execute(db.kysely);
    const failed = await db.kysely
      .transaction()
      .execute(read)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.ok(failed, 'the stale statement is refused inside the transaction');
    assert.equal(databaseError(failed)?.code, 'SERVICE_UNAVAILABLE', String(failed));
    assert.deepEqual(await db.kysely.transaction().execute(read), { id: 1, extra: 7 });
  });

  it('answers a kept statement that fails with its error, and the connection goes on', async () => {
    const text = 'select 1 / $1::integer as quotient';
    keepPostgresPlan(text);
    await assert.rejects(db.kysely.executeQuery(CompiledQuery.raw(text, [0])), /division by zero/);
    const { rows } = await db.kysely.executeQuery<{ quotient: number }>(CompiledQuery.raw(text, [1]));
    assert.equal(rows[0]?.quotient, 1);
  });
});
