/**
 * Tenant isolation on the guest's side: one person who is a guest of two organizations has two
 * codes, and each reaches only its own organization's record — to read, to save and to record
 * an access.
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
import { FORM, codeOf, disableInDatabase, recordOf } from './portal-helpers.js';

describe('a guest of two organizations', () => {
  let ctx: TestContext;
  let other: Awaited<ReturnType<typeof createOrgWithMembers>>;
  const email = uniqueEmail('two.orgs');
  let acme: { code: string; id: number };
  let globex: { code: string; id: number };

  before(async () => {
    ctx = await buildTestApp();
    other = await createOrgWithMembers(ctx.admin, 'Globex', 'globex');
    const inAcme = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
      email,
      first_name: 'Acme-Name',
      cadence_days: ['Monday'],
    });
    const inGlobex = await call(ctx, other.tokens.admin, 'POST', guestsUrl(other.orgId), {
      email,
      first_name: 'Globex-Name',
      cadence_days: ['Friday'],
    });
    assert.equal(inAcme.statusCode, 201);
    assert.equal(inGlobex.statusCode, 201);
    acme = { code: codeOf(inAcme.json().data.link), id: inAcme.json().data.id };
    globex = { code: codeOf(inGlobex.json().data.link), id: inGlobex.json().data.id };
  });
  after(() => ctx.close());

  it('has two codes for one global id', () => {
    assert.notEqual(acme.code, globex.code);
    assert.equal(acme.id, globex.id);
  });

  it('each code shows only its own organization and profile', async () => {
    const a = (await ctx.app.inject({ method: 'GET', url: `/api/guest/${acme.code}` })).json().data;
    const g = (await ctx.app.inject({ method: 'GET', url: `/api/guest/${globex.code}` })).json().data;
    assert.deepEqual(
      [a.organization, a.guest.first_name, a.guest.details.cadence_days],
      [{ id: ctx.orgId, name: 'Acme' }, 'Acme-Name', ['Monday']],
    );
    assert.deepEqual(
      [g.organization, g.guest.first_name, g.guest.details.cadence_days],
      [{ id: other.orgId, name: 'Globex' }, 'Globex-Name', ['Friday']],
    );
    const page = (await ctx.app.inject({ method: 'GET', url: `/guest/${globex.code}` })).body;
    assert.match(page, /<p class="org">Globex<\/p><h1>Hello, Globex-Name<\/h1>/);
    assert.doesNotMatch(page, /Acme/);
  });

  it("saving through one code changes only that organization's record", async () => {
    assert.equal(
      (
        await ctx.app.inject({
          method: 'PUT',
          url: `/api/guest/${acme.code}/cadence_days`,
          payload: { cadence_days: ['Tuesday'] },
        })
      ).statusCode,
      200,
    );
    assert.equal(
      (
        await ctx.app.inject({
          method: 'POST',
          url: `/api/guest/${acme.code}/preferences`,
          payload: { slug: 'app_language', value: 'fr' },
        })
      ).statusCode,
      200,
    );
    assert.equal(
      (
        await ctx.app.inject({
          method: 'POST',
          url: `/guest/${globex.code}`,
          headers: FORM,
          payload: 'cadence_days=Sunday&content_language=de',
        })
      ).statusCode,
      303,
    );

    assert.equal((await recordOf(ctx, acme.code)).cadence_days, JSON.stringify(['Tuesday']));
    assert.equal((await recordOf(ctx, globex.code)).cadence_days, JSON.stringify(['Sunday']));
    const prefs = async (code: string) =>
      (await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}/preferences` }))
        .json()
        .data.map((p: { value: unknown }) => p.value);
    assert.deepEqual(await prefs(acme.code), [true, true, null, 'fr']);
    assert.deepEqual(await prefs(globex.code), [false, false, 'de', null]);
  });

  it("opening one organization's page records the access there only", async () => {
    const ids = [(await recordOf(ctx, acme.code)).id, (await recordOf(ctx, globex.code)).id];
    await ctx.db.kysely
      .updateTable('organization_guests')
      .set({ last_accessed_at: null })
      .where('id', 'in', ids)
      .execute();
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/guest/${acme.code}` })).statusCode, 200);
    assert.notEqual((await recordOf(ctx, acme.code)).last_accessed_at, null);
    assert.equal((await recordOf(ctx, globex.code)).last_accessed_at, null);
  });

  it('disabled in one organization, the other code still works', async () => {
    await disableInDatabase(ctx, globex.code);
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/guest/${globex.code}` })).statusCode, 404);
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/guest/${acme.code}` })).statusCode, 200);
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/api/guest/${acme.code}` })).statusCode, 200);
  });
});
