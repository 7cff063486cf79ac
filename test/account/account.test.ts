/**
 * The caller's own account: /me (what clients call to check a token), their organizations, the
 * organization and their membership in it, the guests light list, personal access tokens.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTestApp,
  call,
  createGuest,
  createOrgWithMembers,
  guestsUrl,
  type TestContext,
} from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';

type Org = {
  id: string;
  name: string;
  created_at: string;
  created_on: string;
  users_count: number;
  guests_count: number;
  user_role: string;
};

describe('account', () => {
  let ctx: TestContext;
  let other: Awaited<ReturnType<typeof createOrgWithMembers>>;
  before(async () => {
    ctx = await buildTestApp();
    other = await createOrgWithMembers(ctx.admin, 'Zeta works', 'zeta');
  });
  after(() => ctx.close());

  it("GET /me under both bases: the token's user", async () => {
    for (const base of ['', '/api']) {
      const response = await call(ctx, ctx.tokens.standard, 'GET', `${base}/me`);
      assert.equal(response.statusCode, 200, response.body);
      const data = response.json<{ data: Record<string, unknown> }>().data;
      assert.deepEqual(Object.keys(data), [
        'id',
        'email',
        'username',
        'first_name',
        'last_name',
        'full_name',
        'profile_pic',
        'timezone',
        'created_at',
        'last_login_at',
      ]);
      assert.equal(data.id, ctx.members.standard);
      assert.equal(data.email, 'acme-standard@members.test');
    }
    assertProblem(await call(ctx, null, 'GET', '/me'), 401, 'UNAUTHENTICATED');
    assertProblem(await call(ctx, 'gst_nope', 'GET', '/me'), 401, 'UNAUTHENTICATED');
  });

  it("GET /me/organizations: the enabled memberships, by name, with counts and the caller's role", async () => {
    await ctx.admin.addMember({ organizationId: other.orgId, email: 'acme-light@members.test', role: 'admin' });
    await createGuest(ctx);
    const response = await call(ctx, ctx.tokens.light, 'GET', '/me/organizations');
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json<{ data: Org[]; meta: { pagination: { total: number } } }>();
    assert.deepEqual(
      body.data.map((o) => o.name),
      ['Acme', 'Zeta works'],
    );
    assert.equal(body.meta.pagination.total, 2);
    const acme = body.data[0] as Org;
    assert.equal(acme.id, ctx.orgId);
    assert.equal(acme.user_role, 'light');
    assert.equal(acme.created_on, acme.created_at);
    assert.equal(acme.users_count, 3);
    assert.ok(acme.guests_count >= 1);
    assert.equal(body.data[1]?.user_role, 'admin');

    const filtered = await call(ctx, ctx.tokens.light, 'GET', '/me/organizations?q=zeta&per_page=1');
    assert.deepEqual(
      filtered.json<{ data: Org[] }>().data.map((o) => o.id),
      [other.orgId],
    );
    const paged = await call(ctx, ctx.tokens.light, 'GET', '/me/organizations?limit=1&page=2');
    assert.deepEqual(
      paged.json<{ data: Org[] }>().data.map((o) => o.name),
      ['Zeta works'],
    );
    // An organization where the caller is disabled is not listed. (Acme's admin, no member of
    // Zeta, cannot disable anyone there; Zeta's admin can.)
    const disableInZeta = `/api/organizations/${other.orgId}/users/${ctx.members.light}/disable`;
    assertProblem(await call(ctx, ctx.tokens.admin, 'DELETE', disableInZeta), 403, 'FORBIDDEN');
    assert.equal((await call(ctx, other.tokens.admin, 'DELETE', disableInZeta)).statusCode, 200);
    const after = await call(ctx, ctx.tokens.light, 'GET', '/me/organizations');
    assert.deepEqual(
      after.json<{ data: Org[] }>().data.map((o) => o.name),
      ['Acme'],
    );
  });

  it('GET /organizations/{org}: the organization; 403 for a non-member (existing or not)', async () => {
    const response = await call(ctx, ctx.tokens.admin, 'GET', `/organizations/${ctx.orgId}`);
    assert.equal(response.statusCode, 200, response.body);
    const org = response.json<{ data: Org }>().data;
    assert.equal(org.id, ctx.orgId);
    assert.equal(org.name, 'Acme');
    assert.equal(org.user_role, 'admin');
    assertProblem(await call(ctx, other.tokens.standard, 'GET', `/organizations/${ctx.orgId}`), 403, 'FORBIDDEN');
    assertProblem(await call(ctx, ctx.tokens.admin, 'GET', `/organizations/${'0'.repeat(32)}`), 403, 'FORBIDDEN');
  });

  it("GET /organizations/{org}/me: the caller's member object", async () => {
    const response = await call(ctx, ctx.tokens.standard, 'GET', `/api/organizations/${ctx.orgId}/me`);
    assert.equal(response.statusCode, 200, response.body);
    const data = response.json<{ data: { id: number; role: string; status: string } }>().data;
    assert.deepEqual([data.id, data.role, data.status], [ctx.members.standard, 'standard', 'active']);
    assertProblem(await call(ctx, other.tokens.admin, 'GET', `/api/organizations/${ctx.orgId}/me`), 403, 'FORBIDDEN');
  });

  it('GET /organizations/{org}/guests-list: every active guest in short, no link, no pagination; removed guests left out', async () => {
    const kept = await createGuest(ctx, { first_name: 'Kept', company_name: 'Keep Co' });
    const gone = await createGuest(ctx);
    await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, gone.email));
    await createGuest(ctx, {}, other.tokens.admin, other.orgId);
    const response = await call(ctx, ctx.tokens.light, 'GET', `/organizations/${ctx.orgId}/guests-list`);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json<{
      data: Array<Record<string, unknown> & { email: string; details: Record<string, unknown> }>;
      meta?: unknown;
    }>();
    assert.equal(body.meta, undefined);
    const emails = body.data.map((g) => g.email);
    assert.deepEqual(emails, [...emails].sort());
    assert.ok(emails.includes(kept.email));
    assert.ok(!emails.includes(gone.email));
    const entry = body.data.find((g) => g.email === kept.email);
    assert.equal(entry?.id, kept.id);
    assert.equal(entry?.first_name, 'Kept');
    assert.equal(entry?.details.company_name, 'Keep Co');
    assert.equal('link' in (entry ?? {}), false);
    // Another organization's guests never appear.
    const theirs = await call(ctx, other.tokens.admin, 'GET', `/organizations/${other.orgId}/guests-list`);
    assert.ok(!theirs.json<{ data: Array<{ email: string }> }>().data.some((g) => g.email === kept.email));
    assertProblem(
      await call(ctx, other.tokens.admin, 'GET', `/organizations/${ctx.orgId}/guests-list`),
      403,
      'FORBIDDEN',
    );
  });

  describe('personal access tokens', () => {
    it('create: 201 with the token once; it works; the list shows it without the secret', async () => {
      const created = await call(ctx, ctx.tokens.light, 'POST', '/me/tokens', {
        name: 'CRM sync',
        expires_in_days: 30,
      });
      assert.equal(created.statusCode, 201, created.body);
      const token = created.json<{ data: { id: number; token: string; name: string; expires_at: string } }>().data;
      assert.match(token.token, /^gst_/);
      assert.equal(token.name, 'CRM sync');
      assert.match(token.expires_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.equal((await call(ctx, token.token, 'GET', `/api/organizations/${ctx.orgId}/guests`)).statusCode, 200);

      const list = await call(ctx, token.token, 'GET', '/me/tokens');
      assert.equal(list.statusCode, 200);
      const tokens = list.json<{ data: Array<Record<string, unknown>> }>().data;
      const mine = tokens.find((t) => t.id === token.id);
      assert.deepEqual(Object.keys(mine ?? {}), ['id', 'name', 'created_at', 'expires_at', 'revoked_at', 'current']);
      assert.equal(mine?.current, true);
      assert.ok(!list.body.includes(token.token));
      // An empty JSON body is no body: a token without a name or expiry.
      const bare = await call(ctx, ctx.tokens.light, 'POST', '/me/tokens', '', { 'content-type': 'application/json' });
      assert.equal(bare.statusCode, 201, bare.body);
      assert.equal(bare.json<{ data: { expires_at: null } }>().data.expires_at, null);
    });

    it("revoke: the token stops at once; another user's token is 404 and keeps working", async () => {
      const created = await call(ctx, ctx.tokens.standard, 'POST', '/me/tokens', { name: 'to revoke' });
      const token = created.json<{ data: { id: number; token: string } }>().data;
      assertProblem(await call(ctx, ctx.tokens.light, 'DELETE', `/me/tokens/${token.id}`), 404, 'RESOURCE_NOT_FOUND');
      assert.equal((await call(ctx, token.token, 'GET', '/me')).statusCode, 200);
      const revoked = await call(ctx, ctx.tokens.standard, 'DELETE', `/me/tokens/${token.id}`);
      assert.equal(revoked.statusCode, 200, revoked.body);
      assert.notEqual(revoked.json<{ data: { revoked_at: string | null } }>().data.revoked_at, null);
      assertProblem(await call(ctx, token.token, 'GET', '/me'), 401, 'UNAUTHENTICATED');
      // Revoking the token of the request itself is allowed; the next request is refused.
      const self = (await call(ctx, ctx.tokens.standard, 'POST', '/me/tokens', {})).json<{
        data: { id: number; token: string };
      }>().data;
      assert.equal((await call(ctx, self.token, 'DELETE', `/me/tokens/${self.id}`)).statusCode, 200);
      assertProblem(await call(ctx, self.token, 'GET', '/me/tokens'), 401, 'UNAUTHENTICATED');
    });

    it('422 for bad fields; nothing created', async () => {
      const before = await ctx.db.kysely
        .selectFrom('access_tokens')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      for (const body of [
        { expires_in_days: 0 },
        { expires_in_days: 4000 },
        { expires_in_days: 'soon' },
        { name: 'x'.repeat(201) },
        [1],
      ]) {
        assertProblem(
          await call(ctx, ctx.tokens.light, 'POST', '/me/tokens', body),
          422,
          'VALIDATION_FAILED',
          JSON.stringify(body),
        );
      }
      assertProblem(await call(ctx, ctx.tokens.light, 'DELETE', '/me/tokens/abc'), 422, 'VALIDATION_FAILED');
      const afterCount = await ctx.db.kysely
        .selectFrom('access_tokens')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(afterCount.n), Number(before.n));
    });

    it('at most 100 working tokens per user', async () => {
      const member = await ctx.admin.addMember({
        organizationId: ctx.orgId,
        email: 'many-tokens@members.test',
        role: 'light',
      });
      const first = (await ctx.admin.createToken({ email: member.email })).token;
      for (let i = 1; i < 100; i += 1) await ctx.admin.createToken({ email: member.email });
      assertProblem(await call(ctx, first, 'POST', '/me/tokens', {}), 422, 'VALIDATION_FAILED');
    });
  });
});
