/**
 * Convert guest to member and Convert member to guest move the person's tasks in this organization
 * (docs/guests.md): the guest's tasks become the member's, with the parts they completed; the
 * member's open tasks become the guest's, completed ones keep the member, and a task left with no
 * member owner gets the admin converting. Another organization's tasks of the same person never move.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, call, guestsUrl, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { guestRecordId, seedTask } from '../../support/tasks.js';
import { newGuest } from './lifecycle-helpers.js';
import { ownersOf } from './task-helpers.js';

describe('conversions move tasks', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther());
  });
  after(() => ctx.close());

  const db = () => ctx.db.kysely;
  const toMember = (email: string, token = ctx.tokens.admin) =>
    call(ctx, token, 'POST', guestsUrl(ctx.orgId, email, '/to/member'));
  const toGuest = (userId: number, token = ctx.tokens.admin) =>
    call(ctx, token, 'PUT', `/api/organizations/${ctx.orgId}/users/${userId}/to/guest`);

  let people = 0;
  /** A member of this organization (and of the other one when `both`), with a token. */
  async function newMember(role: 'admin' | 'standard' = 'standard', both = false) {
    people += 1;
    const email = `mover-${process.pid}-${people}@members.test`;
    const member = await ctx.admin.addMember({ organizationId: ctx.orgId, email, role });
    if (both) await ctx.admin.addMember({ organizationId: other.orgId, email, role: 'standard' });
    const token = (await ctx.admin.createToken({ email })).token;
    return { id: member.id, email, token };
  }

  it("guest to member: the guest's tasks here become the member's, with their completions; elsewhere untouched", async () => {
    const guest = await newGuest(ctx);
    await newGuest(ctx, { email: guest.email }, other.tokens.admin, other.orgId);
    const here = await guestRecordId(db(), ctx.orgId, guest.email);
    const there = await guestRecordId(db(), other.orgId, guest.email);
    const open = await seedTask(db(), { organizationId: ctx.orgId, users: [ctx.members.standard], guests: [here] });
    const done = await seedTask(db(), {
      organizationId: ctx.orgId,
      users: [ctx.members.standard],
      guests: [here],
      completedAt: '2026-01-01 08:00:00',
    });
    const elsewhere = await seedTask(db(), {
      organizationId: other.orgId,
      users: [other.members.standard],
      guests: [there],
    });
    const response = await toMember(guest.email);
    assert.equal(response.statusCode, 201, response.body);
    const userId = response.json<{ data: { id: number } }>().data.id;
    const byUser = (a: { user_id: number }, b: { user_id: number }) => a.user_id - b.user_id;
    assert.deepEqual(await ownersOf(ctx, open.id), {
      users: [
        { user_id: ctx.members.standard, completed_at: null },
        { user_id: userId, completed_at: null },
      ].sort(byUser),
      guests: [],
    });
    assert.deepEqual(await ownersOf(ctx, done.id), {
      users: [
        { user_id: ctx.members.standard, completed_at: '2026-01-01 08:00:00' },
        { user_id: userId, completed_at: '2026-01-01 08:00:00' },
      ].sort(byUser),
      guests: [],
    });
    assert.deepEqual(await ownersOf(ctx, elsewhere.id), {
      users: [{ user_id: other.members.standard, completed_at: null }],
      guests: [{ organization_guest_id: there, completed_at: null }],
    });
  });

  it("member to guest: open tasks become the guest's, completed ones keep the member; a task left without a member gets the admin converting", async () => {
    const member = await newMember('standard', true);
    const alone = await seedTask(db(), { organizationId: ctx.orgId, users: [member.id] });
    const shared = await seedTask(db(), { organizationId: ctx.orgId, users: [member.id, ctx.members.standard] });
    const completed = await seedTask(db(), {
      organizationId: ctx.orgId,
      users: [member.id],
      completedAt: '2026-01-01 08:00:00',
    });
    const partDone = await seedTask(db(), {
      organizationId: ctx.orgId,
      users: [member.id, ctx.members.standard],
      everyoneMustComplete: true,
    });
    await db()
      .updateTable('task_users')
      .set({ completed_at: '2026-01-02 08:00:00' })
      .where('task_id', '=', partDone.id)
      .where('user_id', '=', member.id)
      .execute();
    const elsewhere = await seedTask(db(), { organizationId: other.orgId, users: [member.id] });

    const response = await toGuest(member.id);
    assert.equal(response.statusCode, 200, response.body);
    const record = await guestRecordId(db(), ctx.orgId, member.email);
    assert.deepEqual(await ownersOf(ctx, alone.id), {
      users: [{ user_id: ctx.members.admin, completed_at: null }],
      guests: [{ organization_guest_id: record, completed_at: null }],
    });
    assert.deepEqual(await ownersOf(ctx, shared.id), {
      users: [{ user_id: ctx.members.standard, completed_at: null }],
      guests: [{ organization_guest_id: record, completed_at: null }],
    });
    assert.deepEqual(await ownersOf(ctx, completed.id), {
      users: [{ user_id: member.id, completed_at: '2026-01-01 08:00:00' }],
      guests: [],
    });
    assert.deepEqual((await ownersOf(ctx, partDone.id)).guests, []);
    assert.ok((await ownersOf(ctx, partDone.id)).users.some((u) => u.user_id === member.id));
    assert.deepEqual(await ownersOf(ctx, elsewhere.id), {
      users: [{ user_id: member.id, completed_at: null }],
      guests: [],
    });

    // The stats and the disable rule see the tasks as the guest's now.
    const got = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId, member.email)}?with=stats`);
    assert.equal(got.json<{ data: { stats: { assigned_tasks: number } } }>().data.stats.assigned_tasks, 2);
    assert.equal(
      (await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, member.email, '/disable'))).statusCode,
      403,
    );

    // And back: the guest's tasks return to the person as a member, with no one lost.
    const back = await toMember(member.email);
    assert.equal(back.statusCode, 201, back.body);
    assert.deepEqual(await ownersOf(ctx, shared.id), {
      users: [
        { user_id: member.id, completed_at: null },
        { user_id: ctx.members.standard, completed_at: null },
      ].sort((a, b) => a.user_id - b.user_id),
      guests: [],
    });
  });

  it('an admin converting themselves leaves their open tasks to another enabled admin', async () => {
    const self = await newMember('admin');
    const task = await seedTask(db(), { organizationId: ctx.orgId, users: [self.id] });
    const response = await toGuest(self.id, self.token);
    assert.equal(response.statusCode, 200, response.body);
    const record = await guestRecordId(db(), ctx.orgId, self.email);
    const owners = await ownersOf(ctx, task.id);
    assert.deepEqual(owners.guests, [{ organization_guest_id: record, completed_at: null }]);
    assert.equal(owners.users.length, 1);
    assert.notEqual(owners.users[0]?.user_id, self.id);
    const role = await db()
      .selectFrom('memberships')
      .select(['role', 'disabled_at'])
      .where('organization_id', '=', ctx.orgId)
      .where('user_id', '=', owners.users[0]?.user_id as number)
      .executeTakeFirst();
    assert.deepEqual(role, { role: 'admin', disabled_at: null });
  });
});
