/**
 * A member's tasks when they leave (docs/members.md, Remove member; Delete member): open tasks go
 * to `to`; a task left with no member goes to the admin who removes them; completed tasks keep the
 * member as history; another organization's tasks of the same user are untouched. SQLite, and
 * PostgreSQL with TEST_DATABASE_URL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, call, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { guestRecordId, seedTask } from '../../support/tasks.js';

describe('a leaving member hands over their open tasks', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;

  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther());
  });
  after(() => ctx.close());

  const ownersOf = async (taskId: string) =>
    (
      await ctx.db.kysely
        .selectFrom('task_users')
        .select('user_id')
        .where('task_id', '=', taskId)
        .orderBy('user_id')
        .execute()
    ).map((r) => r.user_id);

  async function newMember(name: string, role: 'standard' | 'light' = 'standard') {
    const member = await ctx.admin.addMember({ organizationId: ctx.orgId, email: `${name}@members.test`, role });
    return member.id;
  }

  it('remove with `to`: open tasks go to `to`, a guest task left alone goes to the remover, completed ones stay', async () => {
    const leaving = await newMember('leaving-to');
    const heir = await newMember('heir');
    const guest = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/guests`, {
      email: 'client-of-leaving@partner.test',
    });
    assert.equal(guest.statusCode, 201, guest.body);
    const record = await guestRecordId(ctx.db.kysely, ctx.orgId, 'client-of-leaving@partner.test');
    const open = await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [leaving] });
    const shared = await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [leaving, heir] });
    const withGuest = await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [leaving], guests: [record] });
    const done = await seedTask(ctx.db.kysely, {
      organizationId: ctx.orgId,
      users: [leaving],
      completedAt: '2026-01-02 03:04:05',
    });

    const removed = await call(
      ctx,
      ctx.tokens.admin,
      'DELETE',
      `/api/organizations/${ctx.orgId}/users/${leaving}?with_reassignment=true&to=${heir}`,
    );
    assert.equal(removed.statusCode, 200, removed.body);
    assert.deepEqual(await ownersOf(open.id), [heir]);
    assert.deepEqual(await ownersOf(shared.id), [heir]);
    assert.deepEqual(await ownersOf(withGuest.id), [heir]);
    assert.deepEqual(await ownersOf(done.id), [leaving], 'a completed task keeps who did it');
  });

  it('remove without `to`: a task with a guest and no other member goes to the admin who removes', async () => {
    const leaving = await newMember('leaving-alone');
    await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/guests`, {
      email: 'client-of-alone@partner.test',
    });
    const record = await guestRecordId(ctx.db.kysely, ctx.orgId, 'client-of-alone@partner.test');
    const withGuest = await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [leaving], guests: [record] });
    const removed = await call(ctx, ctx.tokens.admin, 'DELETE', `/api/organizations/${ctx.orgId}/users/${leaving}`);
    assert.equal(removed.statusCode, 200, removed.body);
    assert.deepEqual(await ownersOf(withGuest.id), [ctx.members.admin]);
  });

  it('a refused removal (bad `to`) hands over nothing; another organization is untouched', async () => {
    const leaving = await newMember('leaving-refused');
    const task = await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [leaving] });
    const elsewhere = await seedTask(ctx.db.kysely, { organizationId: other.orgId, users: [leaving] });
    const refused = await call(
      ctx,
      ctx.tokens.admin,
      'DELETE',
      `/api/organizations/${ctx.orgId}/users/${leaving}?to=${leaving}`,
    );
    assert.equal(refused.statusCode, 422, refused.body);
    assert.deepEqual(await ownersOf(task.id), [leaving]);
    const removed = await call(ctx, ctx.tokens.admin, 'DELETE', `/api/organizations/${ctx.orgId}/users/${leaving}`);
    assert.equal(removed.statusCode, 200, removed.body);
    assert.deepEqual(await ownersOf(task.id), [ctx.members.admin]);
    assert.deepEqual(await ownersOf(elsewhere.id), [leaving], "another organization's task keeps its owner");
  });

  it('delete (after disable): open tasks go to the admin who deletes', async () => {
    const leaving = await newMember('leaving-deleted');
    const task = await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [leaving] });
    const disabled = await call(
      ctx,
      ctx.tokens.admin,
      'DELETE',
      `/api/organizations/${ctx.orgId}/users/${leaving}/disable`,
    );
    assert.equal(disabled.statusCode, 200, disabled.body);
    const erased = await call(
      ctx,
      ctx.tokens.admin,
      'DELETE',
      `/api/organizations/${ctx.orgId}/users/${leaving}/delete`,
    );
    assert.equal(erased.statusCode, 200, erased.body);
    assert.deepEqual(await ownersOf(task.id), [ctx.members.admin]);
  });
});
