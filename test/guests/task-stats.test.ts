/**
 * `with=stats` on Get guest and List guests (docs/guests.md, The guest object): the numbers come
 * from the tasks of the organization asked, never another's; a list page costs the same number of
 * statements whatever its size.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, call, guestsUrl, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { guestRecordId, seedTask } from '../../support/tasks.js';
import { statementsOf } from '../../support/statement-counter.js';
import { newGuest, type GuestData } from './lifecycle-helpers.js';

interface Stats {
  assigned_tasks: number;
  tasks_completed: number;
  last_task_completed_at: string | null;
  one_off_tasks_completed: number;
  last_one_off_task_completed_at: string | null;
}

type WithStats = GuestData & { stats?: Stats };

const stats = (assigned: number, completed: number, last: string | null): Stats => ({
  assigned_tasks: assigned,
  tasks_completed: completed,
  last_task_completed_at: last,
  one_off_tasks_completed: completed,
  last_one_off_task_completed_at: last,
});

describe('guest stats from tasks', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  let shared: GuestData;
  let idle: GuestData;
  before(async () => {
    // No background statements while they are counted.
    ({ ctx, other } = await buildTestAppWithOther({ env: { OUTBOX_WORKER: 'false' } }));
    shared = await newGuest(ctx, { first_name: 'Shared' });
    await newGuest(ctx, { email: shared.email }, other.tokens.admin, other.orgId);
    idle = await newGuest(ctx, { first_name: 'Idle' });
    const db = ctx.db.kysely;
    const here = await guestRecordId(db, ctx.orgId, shared.email);
    const there = await guestRecordId(db, other.orgId, shared.email);
    const users = [ctx.members.admin];
    // Here: one open, one completed by everyone, and one the guest did their part of while a member has not.
    await seedTask(db, { organizationId: ctx.orgId, users, guests: [here] });
    await seedTask(db, { organizationId: ctx.orgId, users, guests: [here], completedAt: '2026-01-02 10:00:00' });
    const part = await seedTask(db, { organizationId: ctx.orgId, users, guests: [here], everyoneMustComplete: true });
    await db
      .updateTable('task_guests')
      .set({ completed_at: '2026-01-03 09:00:00' })
      .where('task_id', '=', part.id)
      .execute();
    // There: completed later than anything here, and open ones; none of it may show here.
    const otherUsers = [other.members.admin];
    await seedTask(db, {
      organizationId: other.orgId,
      users: otherUsers,
      guests: [there],
      completedAt: '2026-05-05 05:05:05',
    });
    await seedTask(db, { organizationId: other.orgId, users: otherUsers, guests: [there] });
    await seedTask(db, { organizationId: other.orgId, users: otherUsers, guests: [there] });
    await seedTask(db, { organizationId: other.orgId, users: otherUsers, guests: [there] });
    // A task of this organization without the guest counts for nobody.
    await seedTask(db, { organizationId: ctx.orgId, users });
  });
  after(() => ctx.close());

  async function get(email: string, orgId = ctx.orgId, token = ctx.tokens.light, query = '?with=stats') {
    const response = await call(ctx, token, 'GET', `${guestsUrl(orgId, email)}${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<{ data: WithStats }>().data;
  }

  async function list(query: string, orgId = ctx.orgId, token = ctx.tokens.light) {
    const response = await call(ctx, token, 'GET', `${guestsUrl(orgId)}${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<{ data: WithStats[] }>().data;
  }

  it('get: counts the tasks the guest owns here, completed ones being done for the guest', async () => {
    assert.deepEqual((await get(shared.email)).stats, stats(3, 2, '2026-01-03 09:00:00'));
    assert.deepEqual((await get(idle.email)).stats, stats(0, 0, null));
    assert.equal((await get(shared.email, ctx.orgId, ctx.tokens.light, '')).stats, undefined);
  });

  it("each organization sees only its own tasks' numbers", async () => {
    assert.deepEqual(
      (await get(shared.email, other.orgId, other.tokens.light)).stats,
      stats(4, 1, '2026-05-05 05:05:05'),
    );
  });

  it('list: the same numbers per guest, paginated or streamed', async () => {
    for (const query of ['?with=stats', '?with=stats&without_pagination=true']) {
      const byEmail = new Map((await list(query)).map((g) => [g.email, g.stats]));
      assert.deepEqual(byEmail.get(shared.email), stats(3, 2, '2026-01-03 09:00:00'), query);
      assert.deepEqual(byEmail.get(idle.email), stats(0, 0, null), query);
    }
    const elsewhere = await list('?with=stats', other.orgId, other.tokens.light);
    assert.deepEqual(elsewhere.find((g) => g.email === shared.email)?.stats, stats(4, 1, '2026-05-05 05:05:05'));
    assert.ok((await list('')).every((g) => g.stats === undefined));
  });

  it('a removed guest re-joined starts with no tasks', async () => {
    const guest = await newGuest(ctx);
    const record = await guestRecordId(ctx.db.kysely, ctx.orgId, guest.email);
    await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [ctx.members.admin], guests: [record] });
    assert.deepEqual((await get(guest.email)).stats, stats(1, 0, null));
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, guest.email))).statusCode, 200);
    await newGuest(ctx, { email: guest.email });
    assert.deepEqual((await get(guest.email)).stats, stats(0, 0, null));
  });

  it('a page of 100 guests with stats costs as many statements as a page of 1', async () => {
    const db = ctx.db.kysely;
    for (let i = 0; i < 100; i++) {
      const guest = await newGuest(ctx, {}, other.tokens.admin, other.orgId);
      const record = await guestRecordId(db, other.orgId, guest.email);
      for (let t = 0; t < 1 + (i % 3); t++) {
        await seedTask(db, {
          organizationId: other.orgId,
          users: [other.members.admin],
          guests: [record],
          ...(t === 0 && i % 2 === 0 && { completedAt: '2026-02-02 02:02:02' }),
        });
      }
    }
    // Each page read once after the warm-up: a page asked for again is answered from memory.
    const page = async (perPage: number, number: number) => {
      const { statements, result } = await statementsOf(() =>
        list(`?with=stats&per_page=${perPage}&page=${number}`, other.orgId, other.tokens.light),
      );
      assert.equal(result.length, perPage);
      assert.ok(result.every((g) => g.stats !== undefined));
      return statements;
    };
    await page(1, 1); // warms the prepared statements and the token cache alike for both sizes
    const one = await page(1, 2);
    const hundred = await page(100, 1);
    assert.equal(hundred, one, `statements: ${one} for a page of 1, ${hundred} for a page of 100`);
    assert.ok(one >= 3 && one <= 8, `${one} statements for a page`);
  });
});
