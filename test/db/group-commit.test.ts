/**
 * Writes sharing a commit (SQLite) and prepared statements run directly on the SQLite connection:
 * a write that fails is undone alone, a failed commit fails every write of its batch and keeps
 * nothing, nobody is answered before the commit, and a statement run directly never lands inside
 * another request's open transaction. On PostgreSQL every write is its own transaction, so the
 * same calls must keep the same per-write outcomes.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely, type Transaction } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import { MAX_BATCH, inGroupCommit, inSharedCommit } from '../../src/db/group-commit.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { prepared } from '../../src/db/prepared.js';
import type { Database } from '../../src/db/types.js';
import { freshDatabaseUrl } from '../../support/app.js';

// Scratch tables of this test only, reached through the untyped builder.
type Scratch = Kysely<Record<string, Record<string, unknown>>>;

const insertItem = prepared((db, p) => (db as unknown as Scratch).insertInto('gc_items').values({ name: p('name') }));

describe('group commit and direct statements', () => {
  let db: Db;
  let drop: () => Promise<void>;
  let q: Kysely<Database>;
  const scratch = (k: Kysely<Database>) => k as unknown as Scratch;
  const names = async () =>
    (await scratch(q).selectFrom('gc_items').select('name').orderBy('name').execute()).map((r) => r.name);

  before(async () => {
    const fresh = await freshDatabaseUrl();
    drop = fresh.drop;
    db = openDatabase(
      loadConfig({ DATABASE_URL: fresh.url, DATA_DIR: '/nonexistent', GUEST_CODE_KEY: '7e57c0de'.repeat(8) }).database,
    );
    await migrateToLatest(db);
    q = db.kysely;
    await sql`create table gc_items (name text primary key)`.execute(q);
    await sql`create table gc_parents (id integer primary key)`.execute(q);
    // Checked at COMMIT, not at the insert: the way to make a commit itself fail.
    await sql`create table gc_children (parent_id integer references gc_parents (id) deferrable initially deferred)`.execute(
      q,
    );
  });
  after(async () => {
    await db.close();
    await drop();
  });
  beforeEach(async () => {
    await sql`delete from gc_items`.execute(q);
    await sql`delete from gc_children`.execute(q);
  });

  it('runs every write and answers each with its own result, in one transaction on SQLite', async () => {
    const seen: Array<Transaction<Database>> = [];
    const results = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        inGroupCommit(q, async (trx) => {
          seen.push(trx);
          await insertItem.run(trx, { name });
          return name.toUpperCase();
        }),
      ),
    );
    assert.deepEqual(results, ['A', 'B', 'C']);
    assert.deepEqual(await names(), ['a', 'b', 'c']);
    const transactions = new Set(seen).size;
    assert.equal(
      transactions,
      db.kind === 'sqlite' ? 1 : 3,
      'writes arriving together share one transaction on SQLite only',
    );
  });

  it('undoes a write that throws, alone: its caller gets its error, the others are committed', async () => {
    const outcomes = await Promise.allSettled(
      ['a', 'b', 'c'].map((name) =>
        inGroupCommit(q, async (trx) => {
          await insertItem.run(trx, { name });
          if (name === 'b') throw new Error('b refused after its insert');
          return name;
        }),
      ),
    );
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /b refused/);
    assert.deepEqual(await names(), ['a', 'c']);
  });

  it('undoes a write whose statement fails (a unique violation) and keeps the rest', async () => {
    const outcomes = await Promise.allSettled(
      ['x', 'x', 'y'].map((name) => inGroupCommit(q, (trx) => insertItem.run(trx, { name }))),
    );
    const statuses = outcomes.map((o) => o.status);
    if (db.kind === 'sqlite') {
      // One writer runs the batch in arrival order: the second 'x' is the one refused.
      assert.deepEqual(statuses, ['fulfilled', 'rejected', 'fulfilled']);
    } else {
      // Each write has its own transaction on its own connection; either 'x' may commit first.
      assert.deepEqual([...statuses.slice(0, 2)].sort(), ['fulfilled', 'rejected']);
      assert.equal(statuses[2], 'fulfilled');
    }
    assert.deepEqual(await names(), ['x', 'y']);
  });

  it('a failed commit fails every write of its batch and keeps none of them (SQLite); alone on PostgreSQL', async () => {
    const outcomes = await Promise.allSettled([
      inGroupCommit(q, (trx) => insertItem.run(trx, { name: 'before' })),
      inGroupCommit(q, (trx) => sql`insert into gc_children (parent_id) values (42)`.execute(trx)),
      inGroupCommit(q, (trx) => insertItem.run(trx, { name: 'after' })),
    ]);
    if (db.kind === 'sqlite') {
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['rejected', 'rejected', 'rejected'],
      );
      for (const outcome of outcomes) assert.match(String((outcome as PromiseRejectedResult).reason), /FOREIGN KEY/i);
      assert.deepEqual(await names(), []);
    } else {
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.deepEqual(await names(), ['after', 'before']);
    }
    const children = await scratch(q).selectFrom('gc_children').selectAll().execute();
    assert.equal(children.length, 0);
  });

  it('nobody is answered before the commit: a write answered is visible to the next read', async () => {
    let answeredBeforeCommit = false;
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        inGroupCommit(q, (trx) => insertItem.run(trx, { name: `n${i}` })).then(async () => {
          // A read outside the batch's transaction: on SQLite it waits for the connection, which the
          // batch holds until its commit; it must see this write.
          const found = await scratch(q)
            .selectFrom('gc_items')
            .select('name')
            .where('name', '=', `n${i}`)
            .executeTakeFirst();
          if (!found) answeredBeforeCommit = true;
        }),
      ),
    );
    assert.equal(answeredBeforeCommit, false);
  });

  it(`takes more writes than one batch holds (${MAX_BATCH}) and completes them all, in order`, async () => {
    const count = MAX_BATCH * 2 + 7;
    const order: number[] = [];
    const results = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        inGroupCommit(q, async (trx) => {
          order.push(i);
          await insertItem.run(trx, { name: `m${String(i).padStart(4, '0')}` });
          return i;
        }),
      ),
    );
    assert.deepEqual(
      results,
      Array.from({ length: count }, (_, i) => i),
    );
    if (db.kind === 'sqlite') assert.deepEqual(order, results, 'run in arrival order');
    assert.equal((await names()).length, count);
  });

  it('a shared-commit write joins the group transaction on SQLite, and runs alone in autocommit on PostgreSQL', async () => {
    const seen = new Map<string, Kysely<Database>>();
    const results = await Promise.all([
      inGroupCommit(q, async (trx) => {
        seen.set('request', trx);
        await insertItem.run(trx, { name: 'request' });
        return 'request';
      }),
      inSharedCommit(q, async (on) => {
        seen.set('claim', on);
        await insertItem.run(on, { name: 'claim' });
        return 'claim';
      }),
    ]);
    assert.deepEqual(results, ['request', 'claim']);
    assert.deepEqual(await names(), ['claim', 'request']);
    if (db.kind === 'sqlite') {
      assert.equal(seen.get('claim'), seen.get('request'), 'one transaction, one commit for both');
      assert.ok(seen.get('claim')?.isTransaction);
    } else {
      assert.equal(seen.get('claim'), q, 'the database itself: no BEGIN and COMMIT of its own');
    }
    // A failing shared write is undone alone, as any write of a group is.
    const outcomes = await Promise.allSettled([
      inGroupCommit(q, (trx) => insertItem.run(trx, { name: 'kept' })),
      inSharedCommit(q, (on) => insertItem.run(on, { name: 'request' })),
    ]);
    assert.equal(outcomes[0].status, 'fulfilled');
    assert.equal(outcomes[1].status, 'rejected');
    assert.deepEqual(await names(), ['claim', 'kept', 'request']);
    // Inside a transaction already, it runs in that transaction.
    await q.transaction().execute(async (trx) => {
      await inSharedCommit(trx, async (on) => {
        assert.equal(on, trx);
        await insertItem.run(on, { name: 'inner' });
      });
    });
    assert.deepEqual(await names(), ['claim', 'inner', 'kept', 'request']);
  });

  it('inside a transaction already, runs in that transaction', async () => {
    await assert.rejects(
      q.transaction().execute(async (trx) => {
        await inGroupCommit(trx, (inner) => insertItem.run(inner, { name: 'inner' }));
        throw new Error('outer rolls back');
      }),
      /outer rolls back/,
    );
    assert.deepEqual(await names(), []);
  });

  it("a prepared statement never lands inside another request's open transaction", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    // One request's transaction writes, then waits (as if for the network) and rolls back.
    const other = q.transaction().execute(async (trx) => {
      await insertItem.run(trx, { name: 'rolled-back' });
      opened();
      await held;
      throw new Error('rolled back');
    });
    await isOpen;
    // Meanwhile another request writes through the database, not the transaction.
    const outside = insertItem.run(q, { name: 'kept' });
    setTimeout(release, 20);
    await assert.rejects(other, /rolled back/);
    await outside;
    assert.deepEqual(await names(), ['kept']);
  });
});
