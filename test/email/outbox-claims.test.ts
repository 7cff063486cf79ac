/**
 * Claims on the outbox: two workers on one database never hold (or send) the same message, a
 * running lease keeps others off, an expired one (a worker that died) lets them on again, and
 * finished messages and old throttle counters are cleared away. On PostgreSQL the second worker
 * has its own connection pool, as a second instance would.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { buildTestApp, uniqueEmail, type TestContext } from '../../support/app.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../support/smtp.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import type { Database } from '../../src/db/types.js';
import { sql } from 'kysely';
import { rowsRead, type PlanNode } from '../guests/plan-reads.js';
import {
  claimBatch,
  claimStatement,
  enqueue,
  markSent,
  newMessageId,
  outboxValues,
  pruneFinished,
  release,
} from '../../src/outbox/outbox.repository.js';
import { createOutboxWorker } from '../../src/outbox/worker.js';
import { accessRequestHandlers } from '../../src/public/access.resolve.js';
import { consumeWindow, pruneWindows } from '../../src/public/throttle.repository.js';
import { formatTimestamp } from '../../src/core/time.js';

describe('outbox claims', () => {
  let ctx: TestContext;
  let smtp: TestSmtpServer;
  /** A second handle on the same database: its own pool on PostgreSQL; the same one on in-memory SQLite. */
  let second: Db | undefined;
  let otherDb: Kysely<Database>;

  before(async () => {
    smtp = await startTestSmtpServer();
    ctx = await buildTestApp({ env: { SMTP_URL: smtp.url } });
    if (ctx.config.database.kind === 'postgres') {
      second = openDatabase(ctx.config.database);
      otherDb = second.kysely;
    } else {
      otherDb = ctx.db.kysely;
    }
  });
  after(async () => {
    await second?.close();
    await ctx.close();
    await smtp.stop();
  });
  beforeEach(async () => {
    await ctx.db.kysely.deleteFrom('outbox').execute();
    smtp.received.length = 0;
  });

  async function queue(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const messageId = newMessageId(ctx.config.publicBaseUrl);
      await enqueue(
        ctx.db.kysely,
        { kind: 'test', recipient: uniqueEmail('claim'), subject: `Message ${i}`, text: `Body ${i}`, html: null },
        messageId,
      );
      ids.push(messageId);
    }
    return ids;
  }

  it('two claimers racing take disjoint sets that together cover every due message', async () => {
    await queue(40);
    const a: number[] = [];
    const b: number[] = [];
    // Small batches, many rounds, both at once: every round is a chance to collide.
    const drain = async (db: Kysely<Database>, worker: string, into: number[]) => {
      for (;;) {
        const rows = await claimBatch(db, worker, 60_000, 3);
        if (rows.length === 0) return;
        assert.ok(rows.length <= 3, `a claim of at most 3 took ${rows.length}`);
        into.push(...rows.map((r) => r.id));
        for (const r of rows) assert.equal(r.locked_by, worker);
      }
    };
    await Promise.all([drain(ctx.db.kysely, 'worker-a', a), drain(otherDb, 'worker-b', b)]);
    const overlap = a.filter((id) => b.includes(id));
    assert.deepEqual(overlap, [], 'no message claimed twice');
    assert.equal(new Set([...a, ...b]).size, 40);
    assert.equal(a.length + b.length, 40);
  });

  it('a claim reads the oldest due messages by their index, not every message waiting', async () => {
    // A backlog of 3,000 (sent in statements of 500), then one claim in flight.
    const waiting = 3000;
    for (let start = 0; start < waiting; start += 500) {
      const rows = Array.from({ length: 500 }, (_, i) =>
        outboxValues(
          { kind: 'test', recipient: `backlog-${start + i}@guests.test`, subject: 'Backlog', text: 'Body', html: null },
          newMessageId(ctx.config.publicBaseUrl),
        ),
      );
      await ctx.db.kysely.insertInto('outbox').values(rows).execute();
    }
    const first = await claimBatch(ctx.db.kysely, 'worker-a', 60_000, 10);
    assert.equal(first.length, 10);
    const next = claimStatement(ctx.db.kysely, 'worker-b', 60_000, 10).compile();
    if (ctx.config.database.kind === 'sqlite') {
      const plan = await ctx.db.kysely.executeQuery<{ detail: string }>({
        ...next,
        sql: `explain query plan ${next.sql}`,
      });
      const steps = plan.rows.map((r) => r.detail);
      // An index entry ends with the rowid (the id): the pending messages' index gives the order.
      assert.ok(
        steps.some((step) =>
          /^SEARCH outbox USING INDEX outbox__pending \(sent_at=\? AND failed_at=\? AND available_at<\?\)/.test(step),
        ),
        `the candidates are read by the index of pending messages: ${steps.join('; ')}`,
      );
      assert.ok(!steps.some((step) => step.includes('TEMP B-TREE')), `no sort of the backlog: ${steps.join('; ')}`);
      return;
    }
    await sql`analyze outbox`.execute(ctx.db.kysely);
    // EXPLAIN ANALYZE runs the update: in a transaction given up after.
    const read = await ctx.db.kysely
      .transaction()
      .execute(async (trx) => {
        const plan = await trx.executeQuery<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>({
          ...next,
          sql: `explain (analyze, format json) ${next.sql}`,
        });
        const root = plan.rows[0]?.['QUERY PLAN'][0]?.Plan;
        assert.ok(root);
        throw new PlanRead(rowsRead(root, 'outbox'));
      })
      .catch((error: unknown) => {
        if (error instanceof PlanRead) return error.rows;
        throw error;
      });
    // The ten in flight passed over, ten taken, each read again by the update: not the 3,000.
    assert.ok(read <= 40, `the claim read ${read} rows of the outbox`);
  });

  it('a claim takes at most the batch size, the oldest first', async () => {
    await queue(4);
    const due = await ctx.db.kysely.selectFrom('outbox').select('id').orderBy('id').execute();
    const claimed = await claimBatch(ctx.db.kysely, 'worker-a', 60_000, 3);
    assert.deepEqual(
      claimed.map((r) => r.id),
      due.slice(0, 3).map((r) => r.id),
    );
    const locked = await ctx.db.kysely.selectFrom('outbox').select('id').where('locked_by', 'is not', null).execute();
    assert.equal(locked.length, 3, 'the fourth is left for the next claim');
    assert.deepEqual(
      (await claimBatch(otherDb, 'worker-b', 60_000, 3)).map((r) => r.id),
      due.slice(3).map((r) => r.id),
    );
  });

  it('two workers sending at once deliver each message exactly once', async () => {
    const messageIds = await queue(24);
    const options = { config: ctx.config, handlers: accessRequestHandlers(ctx.links), log: ctx.app.log, batchSize: 4 };
    const one = createOutboxWorker({ ...options, db: ctx.db.kysely, workerId: 'one' });
    const two = createOutboxWorker({ ...options, db: otherDb, workerId: 'two' });
    const sentBy = { one: 0, two: 0 };
    const run = async (worker: typeof one, name: 'one' | 'two') => {
      for (;;) {
        const result = await worker.runOnce();
        if (result.claimed === 0) return;
        sentBy[name] += result.sent;
      }
    };
    await Promise.all([run(one, 'one'), run(two, 'two')]);
    const received = smtp.received.map((m) => m.messageId).sort();
    assert.deepEqual(received, [...messageIds].sort(), 'every message once, none twice');
    assert.equal(sentBy.one + sentBy.two, 24);
    const unsent = await ctx.db.kysely.selectFrom('outbox').select('id').where('sent_at', 'is', null).execute();
    assert.equal(unsent.length, 0);
  });

  it('a running lease keeps other workers off; an expired one (the worker died) lets them take it', async () => {
    await queue(1);
    const [held] = await claimBatch(ctx.db.kysely, 'crashed', 60_000, 10);
    assert.ok(held);
    assert.equal(held.attempts, 1);
    assert.equal((await claimBatch(otherDb, 'other', 60_000, 10)).length, 0);
    // The lease runs out, as it does when its worker never comes back.
    await ctx.db.kysely
      .updateTable('outbox')
      .set({ locked_until: formatTimestamp(new Date(Date.now() - 2000)) })
      .where('id', '=', held.id)
      .execute();
    const [retaken] = await claimBatch(otherDb, 'other', 60_000, 10);
    assert.equal(retaken?.id, held.id);
    assert.equal(retaken?.locked_by, 'other');
    assert.equal(retaken?.attempts, 2, 'the lost attempt counts');
  });

  it('release gives unused claims back at once, without counting an attempt', async () => {
    await queue(3);
    const rows = await claimBatch(ctx.db.kysely, 'stopping', 60_000, 10);
    assert.equal(rows.length, 3);
    await release(
      ctx.db.kysely,
      rows.map((r) => r.id),
      'someone-else',
    );
    assert.equal((await claimBatch(otherDb, 'other', 60_000, 10)).length, 0, 'only the holder can release');
    await release(
      ctx.db.kysely,
      rows.map((r) => r.id),
      'stopping',
    );
    const again = await claimBatch(otherDb, 'other', 60_000, 10);
    assert.equal(again.length, 3);
    assert.ok(again.every((r) => r.attempts === 1));
  });

  it('housekeeping deletes messages finished long ago and old throttle counters, nothing else', async () => {
    await queue(3);
    const rows = await ctx.db.kysely.selectFrom('outbox').select('id').orderBy('id').execute();
    const [oldSent, oldFailed, pending] = rows.map((r) => r.id) as [number, number, number];
    const longAgo = '2020-01-01 00:00:00';
    await ctx.db.kysely.updateTable('outbox').set({ sent_at: longAgo }).where('id', '=', oldSent).execute();
    await ctx.db.kysely.updateTable('outbox').set({ failed_at: longAgo }).where('id', '=', oldFailed).execute();
    await queue(1);
    const recent = (
      await ctx.db.kysely.selectFrom('outbox').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()
    ).id;
    await markSent(ctx.db.kysely, [recent]);
    assert.equal(await pruneFinished(ctx.db.kysely, '2021-01-01 00:00:00'), 2);
    const left = (await ctx.db.kysely.selectFrom('outbox').select('id').orderBy('id').execute()).map((r) => r.id);
    assert.deepEqual(left, [pending, recent]);

    assert.equal(await consumeWindow(ctx.db.kysely, 'test', 'x', '2020-01-01 10:00:00', 5), true);
    assert.equal(await consumeWindow(ctx.db.kysely, 'test', 'x', formatTimestamp(new Date()), 5), true);
    assert.equal(await pruneWindows(ctx.db.kysely, '2021-01-01 00:00:00'), 1);
    const windows = await ctx.db.kysely
      .selectFrom('throttle_windows')
      .selectAll()
      .where('scope', '=', 'test')
      .execute();
    assert.equal(windows.length, 1);
  });

  it('consumeWindow lets through exactly the cap, also when requests race', async () => {
    const window = formatTimestamp(new Date());
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? ctx.db.kysely : otherDb)
          .transaction()
          .execute((trx) => consumeWindow(trx, 'race', 'subject', window, 5)),
      ),
    );
    assert.equal(results.filter(Boolean).length, 5);
  });
});

/** Carries a plan's figure out of the transaction it is rolled back with. */
class PlanRead extends Error {
  constructor(readonly rows: number) {
    super('plan read');
  }
}
