/**
 * List guests (docs/guests.md, List guests) sends the same few statements whatever the page's
 * size: `with=stats` adds one grouped statement for the whole page (src/guests/guest-stats.ts),
 * not one per guest, and a page read from the end costs no more statements than the first page.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, createGuest, guestsUrl, type TestContext } from '../../support/app.js';
import { statementsOf } from '../../support/statement-counter.js';

describe('List guests: statements per page', () => {
  let ctx: TestContext;
  before(async () => {
    // The pages an instance keeps are off: this counts what reading a page costs the database.
    ctx = await buildTestApp({ env: { RATE_LIMIT_MAX: '0', LIST_CACHE_MB: '0' } });
    for (let i = 0; i < 120; i += 1) await createGuest(ctx);
    // Every guest owns a task: each guest of a page has stats to read.
    const records = await ctx.db.kysely.selectFrom('organization_guests').select('id').execute();
    await ctx.db.kysely
      .insertInto('tasks')
      .values({
        id: 'stats-task',
        organization_id: ctx.orgId,
        title: 'A task',
        deadline: '2026-05-01 00:00:00',
        task_type: 'task',
        everyone_must_complete: 0,
        created_at: '2026-01-01 00:00:00',
        updated_at: '2026-01-01 00:00:00',
      })
      .execute();
    await ctx.db.kysely
      .insertInto('task_guests')
      .values(records.map((r) => ({ task_id: 'stats-task', organization_guest_id: r.id, completed_at: null })))
      .execute();
  });
  after(() => ctx.close());

  const statements = async (query: string) => {
    const url = `${guestsUrl(ctx.orgId)}?${query}`;
    // Once before counting: what a first request prepares or looks up once is not the page's.
    await call(ctx, ctx.tokens.admin, 'GET', url);
    const { statements: n, result } = await statementsOf(() => call(ctx, ctx.tokens.admin, 'GET', url));
    assert.equal(result.statusCode, 200, result.body);
    return n;
  };

  it('with=stats adds one statement, for per_page 1 and 100 alike, and so does a page read from the end', async () => {
    const plain = await statements('per_page=100');
    for (const query of ['per_page=1&with=stats', 'per_page=100&with=stats', 'per_page=100&page=2&with=stats']) {
      assert.equal(await statements(query), plain + 1, query);
    }
    assert.equal(await statements('per_page=1&page=120'), plain, 'the last page, read from the end');
  });
});
