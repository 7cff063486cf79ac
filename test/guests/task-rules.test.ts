/**
 * The guest rules on tasks (docs/guests.md): Disable guest is refused while the guest has an open
 * task here; Remove guest and Permanently delete guest take the guest off this organization's tasks
 * and nothing else. A guest of two organizations is always judged, and changed, in one only.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, call, guestsUrl, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { guestRecordId, seedTask } from '../../support/tasks.js';
import { assertProblem } from '../../support/problem.js';
import { disableGuest, guestData, isLive, newGuest, type GuestData } from './lifecycle-helpers.js';
import { commentAuthor, guestComment, ownersOf } from './task-helpers.js';

describe('guest rules on tasks', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther());
  });
  after(() => ctx.close());

  const recordIn = (orgId: string, guest: GuestData) => guestRecordId(ctx.db.kysely, orgId, guest.email);
  /** A guest of both organizations, with their record in each. */
  async function guestOfBoth(): Promise<{ guest: GuestData; here: number; there: number }> {
    const guest = await newGuest(ctx);
    await newGuest(ctx, { email: guest.email }, other.tokens.admin, other.orgId);
    return { guest, here: await recordIn(ctx.orgId, guest), there: await recordIn(other.orgId, guest) };
  }
  const taskHere = (guests: number[], completedAt?: string) =>
    seedTask(ctx.db.kysely, {
      organizationId: ctx.orgId,
      users: [ctx.members.standard],
      guests,
      ...(completedAt && { completedAt }),
    });
  const taskThere = (guests: number[], completedAt?: string) =>
    seedTask(ctx.db.kysely, {
      organizationId: other.orgId,
      users: [other.members.standard],
      guests,
      ...(completedAt && { completedAt }),
    });
  const remove = (email: string, token = ctx.tokens.admin, orgId = ctx.orgId) =>
    call(ctx, token, 'DELETE', guestsUrl(orgId, email));
  const erase = (email: string, token = ctx.tokens.admin, orgId = ctx.orgId) =>
    call(ctx, token, 'DELETE', guestsUrl(orgId, email, '/delete'));

  describe('disable', () => {
    it('403 GUEST_HAS_OPEN_TASKS while a task here is open for the guest; nothing changes', async () => {
      const guest = await newGuest(ctx);
      const record = await recordIn(ctx.orgId, guest);
      await taskHere([record]);
      await taskHere([record]);
      await taskHere([record], '2026-01-01 00:00:00');
      const body = assertProblem(await disableGuest(ctx, guest.email), 403, 'GUEST_HAS_OPEN_TASKS');
      assert.match(body.message, /2 incomplete tasks/);
      assert.equal(
        guestData(await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, guest.email))).details.disabled_at,
        null,
      );
      assert.ok(await isLive(ctx, guest.link));
    });

    it('allowed once no task is open for the guest: completed, or their part done', async () => {
      const guest = await newGuest(ctx);
      const record = await recordIn(ctx.orgId, guest);
      const open = await taskHere([record]);
      const part = await seedTask(ctx.db.kysely, {
        organizationId: ctx.orgId,
        users: [ctx.members.standard],
        guests: [record],
        everyoneMustComplete: true,
      });
      await ctx.db.kysely
        .updateTable('task_guests')
        .set({ completed_at: '2026-01-02 00:00:00' })
        .where('task_id', '=', part.id)
        .execute();
      assertProblem(await disableGuest(ctx, guest.email), 403, 'GUEST_HAS_OPEN_TASKS');
      await ctx.db.kysely
        .updateTable('tasks')
        .set({ completed_at: '2026-01-03 00:00:00' })
        .where('id', '=', open.id)
        .execute();
      const response = await disableGuest(ctx, guest.email);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(guestData(response).details.disabled_by, ctx.members.admin);
      assert.equal(await isLive(ctx, guest.link), false);
    });

    it("judged by this organization's tasks only", async () => {
      const { guest, here, there } = await guestOfBoth();
      await taskThere([there]);
      await taskHere([here], '2026-01-01 00:00:00');
      assert.equal((await disableGuest(ctx, guest.email)).statusCode, 200);
      assertProblem(await disableGuest(ctx, guest.email, other.tokens.admin, other.orgId), 403, 'GUEST_HAS_OPEN_TASKS');
    });
  });

  describe('remove', () => {
    it("takes the guest off this organization's tasks only; members, comments and the other organization's tasks stay", async () => {
      const { guest, here, there } = await guestOfBoth();
      const colleague = await newGuest(ctx);
      const colleagueRecord = await recordIn(ctx.orgId, colleague);
      const open = await taskHere([here, colleagueRecord]);
      const done = await taskHere([here], '2026-01-01 00:00:00');
      const comment = await guestComment(ctx, open.id, here);
      const elsewhere = await taskThere([there]);
      const response = await remove(guest.email);
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(await ownersOf(ctx, open.id), {
        users: [{ user_id: ctx.members.standard, completed_at: null }],
        guests: [{ organization_guest_id: colleagueRecord, completed_at: null }],
      });
      assert.deepEqual(await ownersOf(ctx, done.id), {
        users: [{ user_id: ctx.members.standard, completed_at: '2026-01-01 00:00:00' }],
        guests: [],
      });
      assert.deepEqual(await commentAuthor(ctx, comment), { author_user_id: null, author_guest_id: here });
      assert.deepEqual((await ownersOf(ctx, elsewhere.id)).guests, [
        { organization_guest_id: there, completed_at: null },
      ]);
      // Disable in the other organization is still refused by the open task there.
      assertProblem(await disableGuest(ctx, guest.email, other.tokens.admin, other.orgId), 403, 'GUEST_HAS_OPEN_TASKS');
    });
  });

  describe('permanent delete', () => {
    it("erases the guest's ownership here; their comments stay without an author; the other organization keeps everything", async () => {
      const { guest, here, there } = await guestOfBoth();
      const done = await taskHere([here], '2026-01-01 00:00:00');
      await ctx.db.kysely.updateTable('tasks').set({ completed_by_guest_id: here }).where('id', '=', done.id).execute();
      const comment = await guestComment(ctx, done.id, here);
      const elsewhere = await taskThere([there]);
      await ctx.db.kysely
        .updateTable('tasks')
        .set({ completed_by_guest_id: there })
        .where('id', '=', elsewhere.id)
        .execute();
      const commentThere = await guestComment(ctx, elsewhere.id, there);
      assert.equal((await disableGuest(ctx, guest.email)).statusCode, 200);
      const response = await erase(guest.email);
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(await ownersOf(ctx, done.id), {
        users: [{ user_id: ctx.members.standard, completed_at: '2026-01-01 00:00:00' }],
        guests: [],
      });
      assert.deepEqual(await commentAuthor(ctx, comment), { author_user_id: null, author_guest_id: null });
      const read = await call(
        ctx,
        ctx.tokens.admin,
        'GET',
        `/api/organizations/${ctx.orgId}/tasks/${done.id}?with=threads`,
      );
      assert.equal(read.statusCode, 200, read.body);
      assert.deepEqual(
        read.json<{ data: { threads: Array<{ author: unknown }> } }>().data.threads.map((c) => c.author),
        [{ type: 'guest', id: null, email: null, name: null }],
        "an erased guest's comment reads as an unnamed guest's, not as a member's",
      );
      const task = await ctx.db.kysely
        .selectFrom('tasks')
        .selectAll()
        .where('id', '=', done.id)
        .executeTakeFirstOrThrow();
      assert.equal(task.completed_by_guest_id, null);
      assert.deepEqual((await ownersOf(ctx, elsewhere.id)).guests, [
        { organization_guest_id: there, completed_at: null },
      ]);
      assert.deepEqual(await commentAuthor(ctx, commentThere), { author_user_id: null, author_guest_id: there });
      const taskThereNow = await ctx.db.kysely
        .selectFrom('tasks')
        .selectAll()
        .where('id', '=', elsewhere.id)
        .executeTakeFirstOrThrow();
      assert.equal(taskThereNow.completed_by_guest_id, there);
    });

    it('a removed guest is erased the same way: their comments stay', async () => {
      const guest = await newGuest(ctx);
      const record = await recordIn(ctx.orgId, guest);
      const task = await taskHere([record]);
      const comment = await guestComment(ctx, task.id, record);
      assert.equal((await remove(guest.email)).statusCode, 200);
      assert.equal((await erase(guest.email)).statusCode, 200);
      assert.deepEqual(await commentAuthor(ctx, comment), { author_user_id: null, author_guest_id: null });
      assert.deepEqual((await ownersOf(ctx, task.id)).users, [{ user_id: ctx.members.standard, completed_at: null }]);
    });

    it('refused (not disabled): the tasks and comments are as they were', async () => {
      const guest = await newGuest(ctx);
      const record = await recordIn(ctx.orgId, guest);
      const task = await taskHere([record], '2026-01-01 00:00:00');
      const comment = await guestComment(ctx, task.id, record);
      assertProblem(await erase(guest.email), 422, 'GUEST_NOT_DISABLED');
      assert.deepEqual((await ownersOf(ctx, task.id)).guests, [
        { organization_guest_id: record, completed_at: '2026-01-01 00:00:00' },
      ]);
      assert.deepEqual(await commentAuthor(ctx, comment), { author_user_id: null, author_guest_id: record });
    });
  });
});
