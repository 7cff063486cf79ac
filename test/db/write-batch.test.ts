/**
 * A WriteBatch (src/db/write-batch.ts) sends the writes it gathered as one statement on PostgreSQL
 * and one after another on SQLite: every write lands with its own values (each write's
 * placeholders renumbered after the ones before it), and in a transaction that fails, none does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, type TestContext } from '../../support/app.js';
import { statementsSentBy } from '../../support/statement-counter.js';
import { WriteBatch } from '../../src/db/write-batch.js';
import { outboxInsert } from '../../src/outbox/outbox.repository.js';
import { prepared, type Placeholder } from '../../src/db/prepared.js';

const postgres = Boolean(process.env.TEST_DATABASE_URL);
let n = 0;

const insertOrganization = prepared((db, p: Placeholder<{ id: string; name: string; created_at: string }>) =>
  db.insertInto('organizations').values({ id: p('id'), name: p('name'), created_at: p('created_at') }),
);

describe('a batch of writes', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ env: { OUTBOX_WORKER: 'false', SCHEDULER: 'false' } });
  });
  after(() => ctx.close());

  const org = (name: string) => ({
    id: `${name}${String(n++).padStart(8, '0')}`.padEnd(32, '0'),
    name,
    created_at: '2026-01-01 00:00:00',
  });
  const message = (recipient: string) => ({
    kind: 'test',
    recipient,
    subject: `To ${recipient}`,
    text: `Hello ${recipient}`,
    html: null,
  });
  const orgsNamed = (names: string[]) =>
    ctx.db.kysely
      .selectFrom('organizations')
      .select(['id', 'name'])
      .where('name', 'in', names)
      .orderBy('name')
      .execute();

  it('sends its writes in one statement on PostgreSQL, each with its own values', async () => {
    const first = org('batch-a');
    const second = org('batch-b');
    const { sent } = await statementsSentBy(() =>
      ctx.db.kysely.transaction().execute(async (trx) => {
        const batch = new WriteBatch(trx);
        batch.add(trx.insertInto('organizations').values(first));
        batch.add(outboxInsert(trx, message('one@batch.test'), '<one@batch.test>'));
        batch.add(trx.insertInto('organizations').values(second));
        await batch.run();
      }),
    );
    const writes = sent.filter((s) => !/^\s*(begin|commit)/i.test(s.text));
    assert.equal(writes.length, postgres ? 1 : 3, writes.map((w) => w.text).join('\n'));
    assert.deepEqual(await orgsNamed(['batch-a', 'batch-b']), [
      { id: first.id, name: 'batch-a' },
      { id: second.id, name: 'batch-b' },
    ]);
    const queued = await ctx.db.kysely
      .selectFrom('outbox')
      .select(['recipient', 'subject', 'text_body', 'message_id'])
      .where('recipient', '=', 'one@batch.test')
      .execute();
    assert.deepEqual(queued, [
      {
        recipient: 'one@batch.test',
        subject: 'To one@batch.test',
        text_body: 'Hello one@batch.test',
        message_id: '<one@batch.test>',
      },
    ]);
  });

  it('writes nothing of a failing transaction, the failing write first or last', async () => {
    const taken = org('batch-taken');
    await ctx.db.kysely.insertInto('organizations').values(taken).execute();
    for (const failingFirst of [true, false]) {
      const fresh = org(`batch-lost-${failingFirst}`);
      await assert.rejects(
        ctx.db.kysely.transaction().execute(async (trx) => {
          const batch = new WriteBatch(trx);
          if (failingFirst) batch.add(trx.insertInto('organizations').values({ ...taken, name: 'again' }));
          batch.add(trx.insertInto('organizations').values(fresh));
          batch.add(outboxInsert(trx, message(`lost-${failingFirst}@batch.test`), `<lost-${failingFirst}@batch.test>`));
          if (!failingFirst) batch.add(trx.insertInto('organizations').values({ ...taken, name: 'again' }));
          await batch.run();
        }),
      );
      assert.deepEqual(await orgsNamed([fresh.name, 'again']), []);
      const lost = await ctx.db.kysely
        .selectFrom('outbox')
        .select('id')
        .where('recipient', '=', `lost-${failingFirst}@batch.test`)
        .execute();
      assert.deepEqual(lost, []);
    }
  });

  it('takes prepared statements bound to their values beside built ones, each with its own values', async () => {
    const first = org('batch-prepared-a');
    const second = org('batch-prepared-b');
    const { sent } = await statementsSentBy(() =>
      ctx.db.kysely.transaction().execute(async (trx) => {
        const batch = new WriteBatch(trx);
        batch.add(insertOrganization.bind(trx, first));
        batch.add(outboxInsert(trx, message('two@batch.test'), '<two@batch.test>'));
        batch.add(trx.insertInto('organizations').values(second));
        await batch.run();
      }),
    );
    const writes = sent.filter((s) => !/^\s*(begin|commit)/i.test(s.text));
    assert.equal(writes.length, postgres ? 1 : 3, writes.map((w) => w.text).join('\n'));
    assert.deepEqual(await orgsNamed(['batch-prepared-a', 'batch-prepared-b']), [
      { id: first.id, name: 'batch-prepared-a' },
      { id: second.id, name: 'batch-prepared-b' },
    ]);
    // The queued message: every column as outboxValues gives it, due now, unclaimed.
    const queued = await ctx.db.kysely
      .selectFrom('outbox')
      .selectAll()
      .where('recipient', '=', 'two@batch.test')
      .executeTakeFirstOrThrow();
    const { id, created_at, available_at, ...rest } = queued;
    assert.ok(Number(id) > 0);
    assert.equal(available_at, created_at);
    assert.deepEqual(rest, {
      kind: 'test',
      recipient: 'two@batch.test',
      subject: 'To two@batch.test',
      text_body: 'Hello two@batch.test',
      html_body: null,
      headers: null,
      message_id: '<two@batch.test>',
      attempts: 0,
      locked_until: null,
      locked_by: null,
      sent_at: null,
      failed_at: null,
      last_error: null,
    });
  });

  it('writes nothing of a failing transaction whose writes were prepared', async () => {
    const taken = org('batch-prepared-taken');
    await insertOrganization.run(ctx.db.kysely, taken);
    const fresh = org('batch-prepared-lost');
    await assert.rejects(
      ctx.db.kysely.transaction().execute(async (trx) => {
        const batch = new WriteBatch(trx);
        batch.add(insertOrganization.bind(trx, fresh));
        batch.add(outboxInsert(trx, message('lost-prepared@batch.test'), '<lost-prepared@batch.test>'));
        batch.add(insertOrganization.bind(trx, { ...taken, name: 'again-prepared' }));
        await batch.run();
      }),
    );
    assert.deepEqual(await orgsNamed([fresh.name, 'again-prepared']), []);
    const lost = await ctx.db.kysely
      .selectFrom('outbox')
      .select('id')
      .where('recipient', '=', 'lost-prepared@batch.test')
      .execute();
    assert.deepEqual(lost, []);
  });

  it('sends nothing when empty, and each write once', async () => {
    const batch = new WriteBatch(ctx.db.kysely);
    assert.equal((await statementsSentBy(() => batch.run())).sent.length, 0);
    const once = org('batch-once');
    batch.add(ctx.db.kysely.insertInto('organizations').values(once));
    await batch.run();
    assert.equal((await statementsSentBy(() => batch.run())).sent.length, 0, 'a second run sends nothing');
    assert.equal((await orgsNamed(['batch-once'])).length, 1);
  });
});
