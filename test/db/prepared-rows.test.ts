/**
 * Multi-row statements compiled once per shape (`preparedRows`, src/db/prepared.ts): any number of
 * rows is written in statements of at most MAX_ROWS_PER_STATEMENT rows and powers of two below,
 * each row with its own values, answers in the rows' order, on SQLite and on PostgreSQL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import {
  MAX_ROWS_PER_STATEMENT,
  columnPicker,
  preparedRows,
  statementSizes,
  type Placeholder,
} from '../../src/db/prepared.js';
import type { Database } from '../../src/db/types.js';
import { freshDatabaseUrl } from '../../support/app.js';
import { statementsSentBy } from '../../support/statement-counter.js';
import { WriteBatch } from '../../src/db/write-batch.js';

// A scratch table of this test only, reached through the untyped builder.
type Scratch = Kysely<Record<string, Record<string, unknown>>>;
interface Item {
  id: number;
  label: string;
  note: string | null;
}

const insertItems = preparedRows((db, rows: ReadonlyArray<Placeholder<Item>>) =>
  (db as unknown as Scratch)
    .insertInto('pr_items')
    .values(rows.map((p) => ({ id: p('id'), label: p('label'), note: p('note'), kind: 'fixed' })))
    .onConflict((oc) => oc.doNothing())
    .returning(['id', 'label']),
);

describe('statementSizes', () => {
  it('full statements first, then the rest in powers of two, largest first', () => {
    assert.equal(MAX_ROWS_PER_STATEMENT, 256);
    assert.deepEqual(statementSizes(0), []);
    assert.deepEqual(statementSizes(1), [1]);
    assert.deepEqual(statementSizes(7), [4, 2, 1]);
    assert.deepEqual(statementSizes(256), [256]);
    assert.deepEqual(statementSizes(300), [256, 32, 8, 4]);
    assert.deepEqual(statementSizes(1000), [256, 256, 256, 128, 64, 32, 8]);
  });

  it('covers every count with at most nine shapes', () => {
    const shapes = new Set<number>();
    for (let count = 0; count <= 2000; count += 1) {
      const sizes = statementSizes(count);
      assert.equal(
        sizes.reduce((a, b) => a + b, 0),
        count,
      );
      for (const size of sizes) shapes.add(size);
    }
    assert.deepEqual(
      [...shapes].sort((a, b) => a - b),
      [1, 2, 4, 8, 16, 32, 64, 128, 256],
    );
  });
});

describe('columnPicker', () => {
  it('copies the columns named, in their order, null where the source has none, nothing else', () => {
    const pick = columnPicker(['b', 'a', 'c'] as const);
    const row = pick({ a: 1, b: 'two', extra: true } as { a: number; b: string });
    assert.deepEqual(Object.keys(row), ['b', 'a', 'c']);
    assert.deepEqual(row, { b: 'two', a: 1, c: null });
    assert.deepEqual(pick({ a: undefined, b: 0, c: '' }), { b: 0, a: null, c: '' });
  });

  it('refuses "__proto__" as a column', () => {
    assert.throws(() => columnPicker(['id', '__proto__']), /not a column/);
  });
});

describe('preparedRows', () => {
  let db: Db;
  let drop: () => Promise<void>;
  const scratch = () => db.kysely as unknown as Scratch;
  const items = (from: number, count: number): Item[] =>
    Array.from({ length: count }, (_, i) => ({
      id: from + i,
      label: `item ${from + i}`,
      note: i % 3 === 0 ? null : `note ${i}`,
    }));

  before(async () => {
    const fresh = await freshDatabaseUrl();
    drop = fresh.drop;
    db = openDatabase(
      loadConfig({ DATABASE_URL: fresh.url, DATA_DIR: '/nonexistent', GUEST_CODE_KEY: '7e57c0de'.repeat(8) }).database,
    );
    await sql`create table pr_items (id integer primary key, label text not null, note text, kind text not null)`.execute(
      db.kysely,
    );
  });
  after(async () => {
    await db.close();
    await drop();
  });

  it('writes every row with its own values and answers each row written, across statements of every size', async () => {
    for (const [from, count] of [
      [1, 1],
      [10, 7],
      [100, 300],
      [1000, 1000],
    ] as const) {
      const rows = items(from, count);
      // Neither database promises the order of the rows a RETURNING answers: compared by id.
      const answered = (await insertItems.all(db.kysely as Kysely<Database>, rows)).sort(
        (a, b) => Number(a.id) - Number(b.id),
      );
      assert.deepEqual(
        answered,
        rows.map(({ id, label }) => ({ id, label })),
        `${count} rows`,
      );
    }
    const stored = await scratch().selectFrom('pr_items').selectAll().orderBy('id').execute();
    const expected = [...items(1, 1), ...items(10, 7), ...items(100, 300), ...items(1000, 1000)].map((item) => ({
      ...item,
      kind: 'fixed',
    }));
    assert.deepEqual(stored, expected);
  });

  it('answers only the rows written: a conflict leaves its row out, and nothing is written twice', async () => {
    const again = [...items(10, 3), { id: 5000, label: 'new', note: null }];
    assert.deepEqual(await insertItems.all(db.kysely as Kysely<Database>, again), [{ id: 5000, label: 'new' }]);
    assert.deepEqual(await insertItems.all(db.kysely as Kysely<Database>, []), []);
    const row = await scratch().selectFrom('pr_items').selectAll().where('id', '=', 10).executeTakeFirst();
    assert.deepEqual(row, { id: 10, label: 'item 10', note: null, kind: 'fixed' });
  });

  it('refuses a row missing a value, writing nothing of that statement', async () => {
    const rows = [{ id: 6000, label: 'a', note: null }, { id: 6001, note: null } as unknown as Item];
    await assert.rejects(insertItems.all(db.kysely as Kysely<Database>, rows), /no value for "label" of row 1/);
    assert.equal(
      await scratch().selectFrom('pr_items').select('id').where('id', '>=', 6000).executeTakeFirst(),
      undefined,
    );
  });

  it('binds the same statements without running them, for a WriteBatch to send', async () => {
    const rows = items(40_000, 300);
    await db.kysely.transaction().execute(async (trx) => {
      const bound = insertItems.bind(trx as Kysely<Database>, rows);
      // 256 + 32 + 8 + 4 rows, as all() writes them; nothing is sent yet.
      assert.equal(bound.length, 4);
      assert.equal(
        await (trx as unknown as Scratch)
          .selectFrom('pr_items')
          .select('id')
          .where('id', '>=', 40_000)
          .executeTakeFirst(),
        undefined,
      );
      const batch = new WriteBatch(trx as Kysely<Database>);
      batch.add(...bound);
      await batch.run();
    });
    const stored = await scratch().selectFrom('pr_items').selectAll().where('id', '>=', 40_000).orderBy('id').execute();
    assert.deepEqual(
      stored,
      rows.map((item) => ({ ...item, kind: 'fixed' })),
    );
    const missing = [{ id: 41_000, label: 'a', note: null }, { id: 41_001, note: null } as unknown as Item];
    assert.throws(() => insertItems.bind(db.kysely as Kysely<Database>, missing), /no value for "label" of row 1/);
  });

  it(
    'PostgreSQL: sends one statement per size, each text the same every time it has that size',
    {
      skip: !process.env.TEST_DATABASE_URL,
    },
    async () => {
      const { sent } = await statementsSentBy(async () => {
        await insertItems.all(db.kysely as Kysely<Database>, items(20_000, 300));
        await insertItems.all(db.kysely as Kysely<Database>, items(30_000, 300));
      });
      const inserts = sent.filter((s) => s.text.startsWith('insert into "pr_items"'));
      assert.equal(inserts.length, 8, 'two calls of 256 + 32 + 8 + 4 rows');
      assert.equal(new Set(inserts.map((s) => s.text)).size, 4, 'one text per size');
    },
  );
});
