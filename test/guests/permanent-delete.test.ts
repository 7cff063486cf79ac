/**
 * Permanently delete guest (docs/guests.md). Only a disabled (or removed) guest; only this
 * organization's record; the global guest only when no other organization has a record of it,
 * active or removed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTestApp,
  call,
  createOrgWithMembers,
  guestsUrl,
  uniqueEmail,
  type TestContext,
} from '../../support/app.js';
import { disableGuest, globalGuest, guestData, isLive, newGuest, recordOf } from './lifecycle-helpers.js';
import { assertProblem } from '../../support/problem.js';

type Org = Awaited<ReturnType<typeof createOrgWithMembers>>;

describe('permanent delete', () => {
  let ctx: TestContext;
  let other: Org;
  before(async () => {
    ctx = await buildTestApp();
    other = await createOrgWithMembers(ctx.admin, 'Globex', 'globex');
  });
  after(() => ctx.close());

  const url = (email: string, suffix: string, orgId = ctx.orgId) => guestsUrl(orgId, email, suffix);
  const disable = (email: string, token = ctx.tokens.admin, orgId = ctx.orgId) =>
    disableGuest(ctx, email, token, orgId);
  const erase = (ref: string | number, token = ctx.tokens.admin, orgId = ctx.orgId) =>
    call(ctx, token, 'DELETE', url(String(ref), '/delete', orgId));
  const data = guestData;

  describe('H: permanent delete', () => {
    it('refuses a guest who is not disabled: 422 GUEST_NOT_DISABLED, nothing erased', async () => {
      const guest = await newGuest(ctx);
      const body = assertProblem(await erase(guest.email), 422, 'GUEST_NOT_DISABLED');
      assert.equal(body.message, 'Please disable the guest before deletion.');
      assertProblem(await erase(guest.id), 422, 'GUEST_NOT_DISABLED');
      assert.ok(await recordOf(ctx, ctx.orgId, guest.id));
      assert.ok(await isLive(ctx, guest.link));
    });

    it('by email: erases the record and its preferences, and the global guest no one else has', async () => {
      const guest = await newGuest(ctx, { first_name: 'Gone' });
      await disable(guest.email);
      const record = await recordOf(ctx, ctx.orgId, guest.id);
      assert.ok(record);
      await ctx.db.kysely
        .insertInto('guest_preferences')
        .values({
          organization_guest_id: record.id,
          slug: 'daily_digest',
          value: 'true',
          updated_at: '2025-01-15 10:30:00',
        })
        .execute();
      const response = await erase(guest.email.toUpperCase());
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { data: { id: guest.id, email: guest.email, deleted: true } });
      assert.equal(await recordOf(ctx, ctx.orgId, guest.id), undefined);
      assert.equal(await globalGuest(ctx, guest.email), undefined);
      const preferences = await ctx.db.kysely
        .selectFrom('guest_preferences')
        .select('slug')
        .where('organization_guest_id', '=', record.id)
        .execute();
      assert.deepEqual(preferences, []);
      assertProblem(
        await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, guest.email)),
        404,
        'RESOURCE_NOT_FOUND',
      );
      assertProblem(await erase(guest.email), 404, 'RESOURCE_NOT_FOUND', 'erased twice');
      // The email can be invited again, as a new guest.
      const again = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email: guest.email });
      assert.equal(again.statusCode, 201);
      assert.equal(data(again).first_name, null);
    });

    it('by guest id, under the base path without /api too', async () => {
      const guest = await newGuest(ctx);
      await disable(guest.email);
      const response = await call(
        ctx,
        ctx.tokens.admin,
        'DELETE',
        `/organizations/${ctx.orgId}/guests/${guest.id}/delete`,
      );
      assert.equal(response.statusCode, 200);
      assert.equal(response.json().data.id, guest.id);
      assert.equal(await recordOf(ctx, ctx.orgId, guest.id), undefined);
    });

    it('a removed guest may be erased as it is (it can no longer be disabled)', async () => {
      const guest = await newGuest(ctx);
      assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, guest.email))).statusCode, 200);
      assertProblem(await disable(guest.email), 404, 'RESOURCE_NOT_FOUND');
      assert.equal((await erase(guest.id)).statusCode, 200);
      assert.equal(await recordOf(ctx, ctx.orgId, guest.id), undefined);
      assert.equal(await globalGuest(ctx, guest.email), undefined);
    });

    it('a guest of two organizations: erased here only; the global guest goes with the last record', async () => {
      const email = uniqueEmail('shared');
      const inAcme = await newGuest(ctx, { email });
      const inGlobex = await newGuest(ctx, { email, first_name: 'Globex view' }, other.tokens.admin, other.orgId);
      await disable(email);
      assert.equal((await erase(email)).statusCode, 200);
      assert.equal(await recordOf(ctx, ctx.orgId, inAcme.id), undefined);
      assert.deepEqual(data(await call(ctx, other.tokens.admin, 'GET', guestsUrl(other.orgId, email))), inGlobex);
      assert.ok(await isLive(ctx, inGlobex.link));
      assert.equal((await globalGuest(ctx, email))?.deleted_at, null);

      // Another organization's record that is only removed still keeps the global guest.
      assert.equal((await call(ctx, other.tokens.admin, 'DELETE', guestsUrl(other.orgId, email))).statusCode, 200);
      assert.ok(await globalGuest(ctx, email));
      assert.equal((await erase(email, other.tokens.admin, other.orgId)).statusCode, 200);
      assert.equal(await globalGuest(ctx, email), undefined);
    });

    it('keeps the global guest while another organization has only a removed record of it', async () => {
      const email = uniqueEmail('shared');
      await newGuest(ctx, { email });
      await newGuest(ctx, { email }, other.tokens.admin, other.orgId);
      assert.equal((await call(ctx, other.tokens.admin, 'DELETE', guestsUrl(other.orgId, email))).statusCode, 200);
      await disable(email);
      assert.equal((await erase(email)).statusCode, 200);
      const global = await globalGuest(ctx, email);
      assert.ok(global, 'the removed record in Globex still refers to the global guest');
      assert.ok((await recordOf(ctx, other.orgId, global.id))?.deleted_at);
    });

    it('admins only: 403 for standard and light members; 401 without a token', async () => {
      const guest = await newGuest(ctx);
      await disable(guest.email);
      assertProblem(await erase(guest.email, ctx.tokens.standard), 403, 'FORBIDDEN', 'standard');
      assertProblem(await erase(guest.email, ctx.tokens.light), 403, 'FORBIDDEN', 'light');
      assertProblem(await call(ctx, null, 'DELETE', url(guest.email, '/delete')), 401, 'UNAUTHENTICATED');
      assert.ok(await recordOf(ctx, ctx.orgId, guest.id));
    });

    it("another organization's admin: 403 on this organization, 404 for this guest in their own", async () => {
      const guest = await newGuest(ctx);
      await disable(guest.email);
      assertProblem(await erase(guest.email, other.tokens.admin), 403, 'FORBIDDEN');
      assertProblem(await erase(guest.id, other.tokens.admin, other.orgId), 404, 'RESOURCE_NOT_FOUND', 'by id');
      assertProblem(await erase(guest.email, other.tokens.admin, other.orgId), 404, 'RESOURCE_NOT_FOUND', 'by email');
      assert.ok(await recordOf(ctx, ctx.orgId, guest.id));
    });

    it('404 for an unknown email or id, and for ids no guest can have', async () => {
      assertProblem(await erase(uniqueEmail('nobody')), 404, 'RESOURCE_NOT_FOUND');
      for (const id of ['2147483000', '0', '99999999999999999999', 'not-an-email']) {
        assertProblem(await erase(id), 404, 'RESOURCE_NOT_FOUND', id);
      }
      assertProblem(await erase(`${'a'.repeat(320)}@x.test`), 422, 'VALIDATION_FAILED');
    });
  });
});
