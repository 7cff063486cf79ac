/**
 * The invariants and the snapshot the fuzzer and the isolation matrix rely on do notice what they
 * are there to notice: each rule is broken on purpose, named, and holds again once repaired.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { brokenInvariants, organizationSnapshot } from '../../support/invariants.js';
import { buildFuzzApp, buildWorld, type World } from './world.js';
import type { TestContext } from '../../support/app.js';

describe('database invariants', () => {
  let ctx: TestContext;
  let a: World;
  let b: World;
  before(async () => {
    ({ ctx } = await buildFuzzApp());
    b = await buildWorld(ctx, 'InvB');
    a = await buildWorld(ctx, 'InvA', b.guests.shared.email);
  });
  after(() => ctx.close());

  it('hold after the worlds are built', async () => {
    assert.deepEqual(await brokenInvariants(ctx.db.kysely), {});
  });

  it('an active record whose global guest is deleted is named', async () => {
    const db = ctx.db.kysely;
    await db
      .updateTable('guests')
      .set({ deleted_at: '2025-01-01 00:00:00' })
      .where('id', '=', a.guests.active.id)
      .execute();
    assert.deepEqual(await brokenInvariants(db), { 'active organization_guests whose global guest is deleted': 1 });
    await db.updateTable('guests').set({ deleted_at: null }).where('id', '=', a.guests.active.id).execute();
    assert.deepEqual(await brokenInvariants(db), {});
  });

  it('an organization left without an enabled admin is named', async () => {
    const db = ctx.db.kysely;
    await db
      .updateTable('memberships')
      .set({ disabled_at: '2025-01-01 00:00:00' })
      .where('user_id', '=', a.members.admin)
      .where('organization_id', '=', a.orgId)
      .execute();
    assert.deepEqual(await brokenInvariants(db), { 'organizations with members but no enabled admin': 1 });
    await db
      .updateTable('memberships')
      .set({ disabled_at: null })
      .where('user_id', '=', a.members.admin)
      .where('organization_id', '=', a.orgId)
      .execute();
  });

  it("a group pointing at a member of nowhere, or at another organization's guest, is named", async () => {
    const db = ctx.db.kysely;
    const bRecord = await db
      .selectFrom('organization_guests')
      .select('id')
      .where('organization_id', '=', b.orgId)
      .where('guest_id', '=', b.guests.active.id)
      .executeTakeFirstOrThrow();
    await db.insertInto('group_guests').values({ group_id: a.groupId, organization_guest_id: bRecord.id }).execute();
    await db.insertInto('group_members').values({ group_id: a.groupId, user_id: b.members.admin }).execute();
    assert.deepEqual(await brokenInvariants(db), {
      "group_members who are not members of the group's organization": 1,
      'group_guests whose guest record is missing or of another organization': 1,
    });
    await db
      .deleteFrom('group_guests')
      .where('group_id', '=', a.groupId)
      .where('organization_guest_id', '=', bRecord.id)
      .execute();
    await db
      .deleteFrom('group_members')
      .where('group_id', '=', a.groupId)
      .where('user_id', '=', b.members.admin)
      .execute();
    assert.deepEqual(await brokenInvariants(db), {});
  });

  it('a global guest no organization has is named', async () => {
    const db = ctx.db.kysely;
    await db
      .insertInto('guests')
      .values({ email: 'orphan@partner.test', created_at: '2025-01-01 00:00:00', deleted_at: null })
      .execute();
    assert.deepEqual(await brokenInvariants(db), { 'global guests not deleted that no organization has': 1 });
    await db.deleteFrom('guests').where('email', '=', 'orphan@partner.test').execute();
  });

  it('the snapshot of an organization changes with any of its rows, and only with its own', async () => {
    const db = ctx.db.kysely;
    const before = await organizationSnapshot(db, b.orgId);
    await db
      .updateTable('organization_guests')
      .set({ company_name: 'changed' })
      .where('organization_id', '=', a.orgId)
      .execute();
    assert.deepEqual(await organizationSnapshot(db, b.orgId), before, 'a change in A is no change in B');
    await db.updateTable('groups').set({ description: 'changed' }).where('id', '=', b.groupId).execute();
    const afterwards = await organizationSnapshot(db, b.orgId);
    assert.notDeepEqual(afterwards, before);
    assert.deepEqual(
      Object.keys(before).filter((table) => JSON.stringify(before[table]) !== JSON.stringify(afterwards[table])),
      ['groups'],
    );
  });
});
