/**
 * Who receives a guest's link (docs/guests.md, "Links"): admin and standard members in every
 * guest they are answered; a light member never, with the key kept as null. Runs on SQLite, and
 * on PostgreSQL with TEST_DATABASE_URL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, createGuest, guestsUrl, uniqueEmail, type TestContext } from '../../support/app.js';

type Role = 'admin' | 'standard' | 'light';
const LINK = /^http:\/\/guests\.test\/guest\/[A-Za-z0-9_-]{32}$/;

describe('guest links by role', () => {
  let ctx: TestContext;
  let guest: Awaited<ReturnType<typeof createGuest>>;
  before(async () => {
    ctx = await buildTestApp();
    guest = await createGuest(ctx);
  });
  after(() => ctx.close());

  const expectLink = (role: Role, link: unknown, what: string) => {
    if (role === 'light') assert.equal(link, null, `${what}: a light member gets no link`);
    else assert.match(String(link), LINK, `${what}: ${role} gets the link`);
  };

  for (const role of ['admin', 'standard', 'light'] as const) {
    it(`${role}: get, get with stats, a page of the list, the streamed list`, async () => {
      const token = ctx.tokens[role];
      const one = (await call(ctx, token, 'GET', guestsUrl(ctx.orgId, guest.email))).json().data;
      assert.ok('link' in one, 'the key is always there');
      expectLink(role, one.link, 'get');
      if (role !== 'light') assert.equal(one.link, guest.link);
      expectLink(
        role,
        (await call(ctx, token, 'GET', `${guestsUrl(ctx.orgId, guest.email)}?with=stats`)).json().data.link,
        'get with stats',
      );
      const page = (await call(ctx, token, 'GET', `${guestsUrl(ctx.orgId)}?per_page=5&with=stats`)).json()
        .data as Array<{ link: unknown }>;
      assert.ok(page.length >= 1);
      for (const item of page) expectLink(role, item.link, 'list');
      const all = (await call(ctx, token, 'GET', `${guestsUrl(ctx.orgId)}?without_pagination=true`)).json()
        .data as Array<{ link: unknown }>;
      assert.ok(all.length >= 1);
      for (const item of all) expectLink(role, item.link, 'streamed list');
      const short = (await call(ctx, token, 'GET', `/api/organizations/${ctx.orgId}/guests-list`)).json().data as Array<
        Record<string, unknown>
      >;
      assert.ok(
        short.every((item) => !('link' in item)),
        'the light list never has links',
      );
    });
  }

  for (const role of ['admin', 'standard'] as const) {
    it(`${role}: create, update, bulk, reset link, disable and enable answer the link`, async () => {
      const token = ctx.tokens[role];
      const created = (await call(ctx, token, 'POST', guestsUrl(ctx.orgId), { email: uniqueEmail(role) })).json().data;
      expectLink(role, created.link, 'create');
      expectLink(
        role,
        (await call(ctx, token, 'PUT', guestsUrl(ctx.orgId, created.email), { status: 'x' })).json().data.link,
        'update',
      );
      const bulk = (
        await call(ctx, token, 'POST', `${guestsUrl(ctx.orgId)}/bulk`, [{ email: uniqueEmail(role) }])
      ).json().data as Array<{ data: { link: unknown } }>;
      expectLink(role, bulk[0]?.data.link, 'bulk');
      expectLink(
        role,
        (await call(ctx, token, 'PUT', guestsUrl(ctx.orgId, created.email, '/reset-link'))).json().data.link,
        'reset link',
      );
      expectLink(
        role,
        (await call(ctx, token, 'DELETE', guestsUrl(ctx.orgId, created.email, '/disable'))).json().data.link,
        'disable',
      );
      expectLink(
        role,
        (await call(ctx, token, 'PUT', guestsUrl(ctx.orgId, created.email, '/enable'))).json().data.link,
        'enable',
      );
    });
  }

  it('admin: member to guest answers the link', async () => {
    const member = await ctx.admin.addMember({
      organizationId: ctx.orgId,
      email: uniqueEmail('convert'),
      role: 'standard',
    });
    const converted = await call(
      ctx,
      ctx.tokens.admin,
      'PUT',
      `/api/organizations/${ctx.orgId}/users/${member.id}/to/guest`,
    );
    assert.equal(converted.statusCode, 200, converted.body);
    expectLink('admin', converted.json().data.link, 'member to guest');
  });

  it('light: every write that would answer a guest is refused before anything is answered', async () => {
    const token = ctx.tokens.light;
    const answers = [
      await call(ctx, token, 'POST', guestsUrl(ctx.orgId), { email: uniqueEmail('light') }),
      await call(ctx, token, 'POST', `${guestsUrl(ctx.orgId)}/bulk`, [{ email: uniqueEmail('light') }]),
      await call(ctx, token, 'PUT', guestsUrl(ctx.orgId, guest.email), { status: 'y' }),
      await call(ctx, token, 'PUT', guestsUrl(ctx.orgId, guest.email, '/reset-link')),
      await call(ctx, token, 'PUT', `/api/organizations/${ctx.orgId}/users/${ctx.members.standard}/to/guest`),
    ];
    for (const answer of answers) {
      assert.equal(answer.statusCode, 403, answer.body);
      assert.ok(!answer.body.includes('/guest/'));
    }
  });
});
