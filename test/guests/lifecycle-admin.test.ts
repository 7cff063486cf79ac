/**
 * Disable guest, Enable guest and Reset guest link (docs/guests.md; Permanently delete guest has
 * its own file). Each success, each error, and tenant isolation: another organization's admin can
 * change nothing, and a guest of two organizations is changed in one only.
 *
 * 403 GUEST_HAS_OPEN_TASKS (Disable guest) is tested with the other rules on tasks, in
 * task-rules.test.ts.
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
import { TIMESTAMP, disableGuest, guestData, isLive, newGuest } from './lifecycle-helpers.js';
import { assertProblem } from '../../support/problem.js';

type Org = Awaited<ReturnType<typeof createOrgWithMembers>>;

describe('disable guest, enable guest, reset guest link', () => {
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
  const enable = (email: string, token = ctx.tokens.admin, orgId = ctx.orgId) =>
    call(ctx, token, 'PUT', url(email, '/enable', orgId));
  const reset = (email: string, token = ctx.tokens.admin, orgId = ctx.orgId) =>
    call(ctx, token, 'PUT', url(email, '/reset-link', orgId));
  const data = guestData;

  /** The errors Disable guest, Enable guest and Reset guest link answer alike (`method` + `suffix`). */
  async function commonErrors(method: 'PUT' | 'DELETE', suffix: string) {
    const route = (email: string, token: string | null = ctx.tokens.admin) =>
      call(ctx, token, method, url(email, suffix));
    const guest = await newGuest(ctx);
    assertProblem(await route(guest.email, null), 401, 'UNAUTHENTICATED', `${suffix} no token`);
    assertProblem(await route(guest.email, ctx.tokens.light), 403, 'FORBIDDEN', `${suffix} light`);
    assertProblem(await route(guest.email, other.tokens.admin), 403, 'FORBIDDEN', `${suffix} other org's admin`);
    assertProblem(await route(uniqueEmail('nobody')), 404, 'RESOURCE_NOT_FOUND', `${suffix} unknown`);
    assertProblem(await route(`${'a'.repeat(320)}@x.test`), 422, 'VALIDATION_FAILED', `${suffix} over-long email`);
    const elsewhere = await newGuest(ctx, {}, other.tokens.admin, other.orgId);
    assertProblem(await route(elsewhere.email), 404, 'RESOURCE_NOT_FOUND', `${suffix} guest of another org`);
    const removed = await newGuest(ctx);
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, removed.email))).statusCode, 200);
    assertProblem(await route(removed.email), 404, 'RESOURCE_NOT_FOUND', `${suffix} removed guest`);
    // Nothing changed for the guest the refused calls named.
    assert.deepEqual(data(await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, guest.email))), guest);
  }

  describe('F: disable', () => {
    it('sets disabled_at/by, keeps the link text, and the link stops working', async () => {
      const guest = await newGuest(ctx, { first_name: 'Dee' });
      assert.ok(await isLive(ctx, guest.link));
      const response = await disable(guest.email.toUpperCase(), ctx.tokens.standard);
      assert.equal(response.statusCode, 200);
      const disabled = data(response);
      assert.match(String(disabled.details.disabled_at), TIMESTAMP);
      assert.equal(disabled.details.disabled_by, ctx.members.standard);
      assert.equal(disabled.link, guest.link);
      assert.equal(disabled.first_name, 'Dee');
      assert.equal(disabled.deleted_at, null);
      assert.equal(await isLive(ctx, guest.link), false);
      assert.deepEqual(data(await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, guest.email))), disabled);
      assert.deepEqual(data(await call(ctx, ctx.tokens.light, 'GET', guestsUrl(ctx.orgId, guest.email))), {
        ...disabled,
        link: null,
      });
    });

    it('already disabled: 200, unchanged (no new disabled_at or disabled_by)', async () => {
      const guest = await newGuest(ctx);
      const first = data(await disable(guest.email, ctx.tokens.standard));
      const again = await disable(guest.email, ctx.tokens.admin);
      assert.equal(again.statusCode, 200);
      assert.deepEqual(data(again), first);
    });

    it('answers under the base path without /api too', async () => {
      const guest = await newGuest(ctx);
      const response = await call(
        ctx,
        ctx.tokens.admin,
        'DELETE',
        `/organizations/${ctx.orgId}/guests/${encodeURIComponent(guest.email)}/disable`,
      );
      assert.equal(response.statusCode, 200);
      assert.ok(data(response).details.disabled_at);
    });

    it("401, 403 (light, other organization), 404 (unknown, other organization's, removed), 422", () =>
      commonErrors('DELETE', '/disable'));

    it('a guest of two organizations is disabled in one only', async () => {
      const email = uniqueEmail('shared');
      const inAcme = await newGuest(ctx, { email });
      const inGlobex = await newGuest(ctx, { email }, other.tokens.admin, other.orgId);
      assert.equal((await disable(email)).statusCode, 200);
      assert.equal(await isLive(ctx, inAcme.link), false);
      assert.ok(await isLive(ctx, inGlobex.link));
      const globexView = data(await call(ctx, other.tokens.admin, 'GET', guestsUrl(other.orgId, email)));
      assert.deepEqual(globexView, inGlobex);
    });
  });

  describe('G: enable', () => {
    it('restores access with a new link; the old one stays dead; reactivated_at/by set', async () => {
      const guest = await newGuest(ctx);
      await disable(guest.email);
      const response = await enable(guest.email, ctx.tokens.standard);
      assert.equal(response.statusCode, 200);
      const enabled = data(response);
      assert.notEqual(enabled.link, guest.link);
      assert.match(String(enabled.link), /^http:\/\/guests\.test\/guest\/[A-Za-z0-9_-]{32,}$/);
      assert.equal(enabled.details.disabled_at, null);
      assert.equal(enabled.details.disabled_by, null);
      assert.match(String(enabled.details.reactivated_at), TIMESTAMP);
      assert.equal(enabled.details.reactivated_by, ctx.members.standard);
      assert.equal(await isLive(ctx, guest.link), false);
      assert.ok(await isLive(ctx, enabled.link));
    });

    it('each enable issues another code', async () => {
      const guest = await newGuest(ctx);
      const links = new Set([guest.link]);
      for (let i = 0; i < 3; i += 1) {
        await disable(guest.email);
        links.add(data(await enable(guest.email)).link);
      }
      assert.equal(links.size, 4);
    });

    it('a guest who is not disabled: 200, unchanged, same link', async () => {
      const guest = await newGuest(ctx);
      const response = await enable(guest.email);
      assert.equal(response.statusCode, 200);
      assert.deepEqual(data(response), guest);
      assert.ok(await isLive(ctx, guest.link));
    });

    it("401, 403 (light, other organization), 404 (unknown, other organization's, removed), 422", () =>
      commonErrors('PUT', '/enable'));

    it("another organization's admin cannot enable a guest disabled here", async () => {
      const email = uniqueEmail('shared');
      await newGuest(ctx, { email });
      await newGuest(ctx, { email }, other.tokens.admin, other.orgId);
      const disabled = data(await disable(email));
      assertProblem(await enable(email, other.tokens.admin), 403, 'FORBIDDEN');
      // Enabling in its own organization (where the guest is not disabled) changes nothing here.
      assert.equal((await enable(email, other.tokens.admin, other.orgId)).statusCode, 200);
      assert.deepEqual(data(await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email))), disabled);
    });
  });

  describe('I: reset-link', () => {
    it('a new link; the old one is dead at once, the new one works', async () => {
      const guest = await newGuest(ctx);
      const response = await reset(guest.email, ctx.tokens.standard);
      assert.equal(response.statusCode, 200);
      const updated = data(response);
      assert.notEqual(updated.link, guest.link);
      assert.equal(await isLive(ctx, guest.link), false);
      assert.ok(await isLive(ctx, updated.link));
      assert.deepEqual({ ...updated, link: guest.link }, guest);
    });

    it('a disabled guest gets a new link and stays disabled', async () => {
      const guest = await newGuest(ctx);
      const disabled = data(await disable(guest.email));
      const updated = data(await reset(guest.email));
      assert.notEqual(updated.link, guest.link);
      assert.equal(updated.details.disabled_at, disabled.details.disabled_at);
      assert.equal(await isLive(ctx, updated.link), false);
      const enabled = data(await enable(guest.email));
      assert.notEqual(enabled.link, updated.link);
      assert.ok(await isLive(ctx, enabled.link));
    });

    it("401, 403 (light, other organization), 404 (unknown, other organization's, removed), 422", () =>
      commonErrors('PUT', '/reset-link'));

    it('a guest of two organizations gets a new link in one only', async () => {
      const email = uniqueEmail('shared');
      await newGuest(ctx, { email });
      const inGlobex = await newGuest(ctx, { email }, other.tokens.admin, other.orgId);
      assertProblem(await reset(email, other.tokens.admin), 403, 'FORBIDDEN');
      await reset(email);
      assert.ok(await isLive(ctx, inGlobex.link));
      assert.equal(data(await call(ctx, other.tokens.admin, 'GET', guestsUrl(other.orgId, email))).link, inGlobex.link);
    });
  });
});
