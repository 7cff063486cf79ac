/**
 * Members on Tallyfy's paths: one member, the lists, role change, disable and enable (a disabled
 * member's token stops at once), removal and permanent deletion, the last-admin rule, tenant
 * isolation. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, createOrgWithMembers, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';

type MemberBody = {
  id: number;
  email: string;
  role: string;
  status: string;
  disabled_at: string | null;
  disabled_by: number | null;
  reactivated_by: number | null;
  full_name: string | null;
};

const MEMBER_KEYS = [
  'id',
  'email',
  'username',
  'first_name',
  'last_name',
  'full_name',
  'profile_pic',
  'timezone',
  'role',
  'status',
  'created_at',
  'last_login_at',
  'invited_by',
  'disabled_at',
  'disabled_by',
  'reactivated_at',
  'reactivated_by',
];

describe('members', () => {
  let ctx: TestContext;
  let other: Awaited<ReturnType<typeof createOrgWithMembers>>;
  const users = (suffix = '') => `/api/organizations/${ctx.orgId}/users${suffix}`;

  /** A fresh member of the test organization with a token. */
  async function addMember(role: 'admin' | 'standard' | 'light', label: string) {
    const member = await ctx.admin.addMember({
      organizationId: ctx.orgId,
      email: `${label}@members.test`,
      role,
      firstName: 'Mem',
      lastName: label,
    });
    const token = (await ctx.admin.createToken({ email: member.email })).token;
    return { id: member.id, email: member.email, token };
  }

  before(async () => {
    ctx = await buildTestApp();
    other = await createOrgWithMembers(ctx.admin, 'Other', 'other');
  });
  after(() => ctx.close());

  it('GET users/{id}: the member object with every key, in order', async () => {
    const response = await call(ctx, ctx.tokens.light, 'GET', users(`/${ctx.members.standard}`));
    assert.equal(response.statusCode, 200, response.body);
    const data = response.json<{ data: MemberBody }>().data;
    assert.deepEqual(Object.keys(data), MEMBER_KEYS);
    assert.equal(data.id, ctx.members.standard);
    assert.equal(data.role, 'standard');
    assert.equal(data.status, 'active');
    assert.equal(data.full_name, 'standard acme');
  });

  it('GET users/{id}: 404 for an unknown id and for a member of another organization; 422 for a malformed id', async () => {
    assertProblem(await call(ctx, ctx.tokens.admin, 'GET', users('/999999')), 404, 'RESOURCE_NOT_FOUND');
    assertProblem(
      await call(ctx, ctx.tokens.admin, 'GET', users(`/${other.members.admin}`)),
      404,
      'RESOURCE_NOT_FOUND',
    );
    assertProblem(await call(ctx, ctx.tokens.admin, 'GET', users('/abc')), 422, 'VALIDATION_FAILED');
  });

  it('GET users: paged with meta.pagination (has_more_pages), q, sort and limit', async () => {
    const all = await call(ctx, ctx.tokens.light, 'GET', users());
    assert.equal(all.statusCode, 200);
    const body = all.json<{ data: MemberBody[]; meta: { pagination: { total: number; has_more_pages: boolean } } }>();
    assert.ok(body.data.length >= 3);
    assert.equal(body.meta.pagination.total, body.data.length);
    assert.equal(body.meta.pagination.has_more_pages, false);
    assert.ok(body.data.every((m) => m.status === 'active' || m.status === 'disabled' || m.status === 'invited'));

    const page = await call(ctx, ctx.tokens.light, 'GET', users('?limit=1&page=1&sort=-id'));
    const paged = page.json<{
      data: MemberBody[];
      meta: { pagination: { per_page: number; has_more_pages: boolean } };
    }>();
    assert.equal(paged.data.length, 1);
    assert.equal(paged.meta.pagination.per_page, 1);
    assert.equal(paged.meta.pagination.has_more_pages, true);
    assert.equal(paged.data[0]?.id, Math.max(...body.data.map((m) => m.id)));

    const found = await call(ctx, ctx.tokens.light, 'GET', users('?q=ACME-LIGHT'));
    assert.deepEqual(
      found.json<{ data: MemberBody[] }>().data.map((m) => m.id),
      [ctx.members.light],
    );

    const byName = await call(ctx, ctx.tokens.light, 'GET', users('?sort=name'));
    const names = byName.json<{ data: MemberBody[] }>().data.map((m) => m.full_name?.toLowerCase() ?? '');
    assert.deepEqual(names, [...names].sort());
    assertProblem(await call(ctx, ctx.tokens.light, 'GET', users('?sort=password')), 422, 'VALIDATION_FAILED');
  });

  it('GET users?sort=-updated_at: the membership changed last comes first (joined, disabled or enabled again)', async () => {
    const m = await addMember('light', 'updated-last');
    await ctx.db.kysely
      .updateTable('memberships')
      .set({ reactivated_at: '2999-01-01 00:00:00' })
      .where('user_id', '=', m.id)
      .execute();
    const response = await call(ctx, ctx.tokens.light, 'GET', users('?sort=-updated_at'));
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json<{ data: MemberBody[] }>().data[0]?.id, m.id);
    const ascending = await call(ctx, ctx.tokens.light, 'GET', users('?sort=updated_at'));
    assert.equal(ascending.json<{ data: MemberBody[] }>().data.at(-1)?.id, m.id);
  });

  it('GET users-list: every member, no pagination', async () => {
    const response = await call(ctx, ctx.tokens.light, 'GET', `/organizations/${ctx.orgId}/users-list`);
    assert.equal(response.statusCode, 200);
    const body = response.json<{ data: MemberBody[]; meta?: unknown }>();
    assert.equal(body.meta, undefined);
    assert.ok(
      [ctx.members.admin, ctx.members.standard, ctx.members.light].every((id) => body.data.some((m) => m.id === id)),
    );
    assert.ok(!body.data.some((m) => m.id === other.members.admin));
  });

  it('PUT users/{id}/role: 200 with the new role; 422 for an unknown role; admins only', async () => {
    const m = await addMember('light', 'role-change');
    const changed = await call(ctx, ctx.tokens.admin, 'PUT', users(`/${m.id}/role`), { role: 'standard' });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json<{ data: MemberBody }>().data.role, 'standard');
    // The new role holds at once: a standard member may write.
    assert.equal(
      (
        await call(ctx, m.token, 'POST', `/api/organizations/${ctx.orgId}/guests`, {
          email: 'role-change-guest@partner.test',
        })
      ).statusCode,
      201,
    );
    const bad = assertProblem(
      await call(ctx, ctx.tokens.admin, 'PUT', users(`/${m.id}/role`), { role: 'owner' }),
      422,
      'VALIDATION_FAILED',
    );
    assert.ok(bad.errors?.role);
    assertProblem(await call(ctx, ctx.tokens.admin, 'PUT', users(`/${m.id}/role`), {}), 422, 'VALIDATION_FAILED');
    assertProblem(
      await call(ctx, ctx.tokens.standard, 'PUT', users(`/${m.id}/role`), { role: 'admin' }),
      403,
      'FORBIDDEN',
    );
    assertProblem(
      await call(ctx, ctx.tokens.admin, 'PUT', users(`/${other.members.light}/role`), { role: 'admin' }),
      404,
      'RESOURCE_NOT_FOUND',
    );
  });

  it("disable: 200, the member's token stops at once (401) here but not elsewhere; enable restores it", async () => {
    const m = await addMember('standard', 'disable-me');
    await ctx.admin.addMember({ organizationId: other.orgId, email: m.email, role: 'light' });
    const guestsHere = `/api/organizations/${ctx.orgId}/guests`;
    assert.equal((await call(ctx, m.token, 'GET', guestsHere)).statusCode, 200);

    const disabled = await call(ctx, ctx.tokens.admin, 'DELETE', users(`/${m.id}/disable`), undefined, {
      'content-type': 'application/json',
    });
    assert.equal(disabled.statusCode, 200, disabled.body);
    const data = disabled.json<{ data: MemberBody }>().data;
    assert.equal(data.status, 'disabled');
    assert.equal(data.disabled_by, ctx.members.admin);
    assertProblem(await call(ctx, m.token, 'GET', guestsHere), 401, 'UNAUTHENTICATED');
    // Another organization of the same user is untouched.
    assert.equal((await call(ctx, m.token, 'GET', `/api/organizations/${other.orgId}/guests`)).statusCode, 200);
    // Disabling again is answered unchanged.
    const again = await call(ctx, ctx.tokens.admin, 'DELETE', users(`/${m.id}/disable`));
    assert.equal(again.json<{ data: MemberBody }>().data.disabled_at, data.disabled_at);

    const enabled = await call(ctx, ctx.tokens.admin, 'PUT', users(`/${m.id}/enable`), undefined, {
      'content-type': 'application/json',
    });
    assert.equal(enabled.statusCode, 200, enabled.body);
    assert.equal(enabled.json<{ data: MemberBody }>().data.status, 'active');
    assert.equal(enabled.json<{ data: MemberBody }>().data.reactivated_by, ctx.members.admin);
    assert.equal((await call(ctx, m.token, 'GET', guestsHere)).statusCode, 200);
  });

  it('a user disabled in every organization cannot use /me either', async () => {
    const m = await addMember('light', 'disabled-everywhere');
    assert.equal((await call(ctx, m.token, 'GET', '/me')).statusCode, 200);
    await call(ctx, ctx.tokens.admin, 'DELETE', users(`/${m.id}/disable`));
    assertProblem(await call(ctx, m.token, 'GET', '/me'), 401, 'UNAUTHENTICATED');
    assertProblem(await call(ctx, m.token, 'POST', '/me/tokens', {}), 401, 'UNAUTHENTICATED');
  });

  it('the last enabled admin cannot be demoted, disabled or removed (409); with another admin it can', async () => {
    const fresh = await createOrgWithMembers(ctx.admin, 'Solo', 'solo');
    const solo = (suffix: string) => `/api/organizations/${fresh.orgId}/users/${fresh.members.admin}${suffix}`;
    assertProblem(await call(ctx, fresh.tokens.admin, 'PUT', solo('/role'), { role: 'standard' }), 409, 'CONFLICT');
    assertProblem(await call(ctx, fresh.tokens.admin, 'DELETE', solo('/disable')), 409, 'CONFLICT');
    assertProblem(await call(ctx, fresh.tokens.admin, 'DELETE', solo('')), 409, 'CONFLICT');
    assertProblem(
      await call(
        ctx,
        fresh.tokens.admin,
        'PUT',
        `/api/organizations/${fresh.orgId}/users/${fresh.members.admin}/to/guest`,
      ),
      409,
      'CONFLICT',
    );
    // A second admin who is disabled does not count.
    const second = await ctx.admin.addMember({
      organizationId: fresh.orgId,
      email: 'solo-second@members.test',
      role: 'admin',
    });
    assert.equal(
      (await call(ctx, fresh.tokens.admin, 'DELETE', `/api/organizations/${fresh.orgId}/users/${second.id}/disable`))
        .statusCode,
      200,
    );
    assertProblem(await call(ctx, fresh.tokens.admin, 'PUT', solo('/role'), { role: 'standard' }), 409, 'CONFLICT');
    assert.equal(
      (await call(ctx, fresh.tokens.admin, 'PUT', `/api/organizations/${fresh.orgId}/users/${second.id}/enable`))
        .statusCode,
      200,
    );
    const demoted = await call(ctx, fresh.tokens.admin, 'PUT', solo('/role'), { role: 'standard' });
    assert.equal(demoted.statusCode, 200, demoted.body);
    assert.equal(demoted.json<{ data: MemberBody }>().data.role, 'standard');
  });

  it('two admins demoting each other at once: one succeeds, one admin remains', async () => {
    const pair = await createOrgWithMembers(ctx.admin, 'Pair', 'pair');
    const b = await ctx.admin.addMember({ organizationId: pair.orgId, email: 'pair-b@members.test', role: 'admin' });
    const bToken = (await ctx.admin.createToken({ email: b.email })).token;
    const [x, y] = await Promise.all([
      call(ctx, pair.tokens.admin, 'PUT', `/api/organizations/${pair.orgId}/users/${b.id}/role`, { role: 'light' }),
      call(ctx, bToken, 'PUT', `/api/organizations/${pair.orgId}/users/${pair.members.admin}/role`, { role: 'light' }),
    ]);
    const statuses = [x.statusCode, y.statusCode].sort();
    assert.ok(statuses[0] === 200 && (statuses[1] === 409 || statuses[1] === 403), `statuses ${statuses.join(',')}`);
    const admins = await ctx.db.kysely
      .selectFrom('memberships')
      .select('user_id')
      .where('organization_id', '=', pair.orgId)
      .where('role', '=', 'admin')
      .execute();
    assert.equal(admins.length, 1);
  });

  it('DELETE users/{id}: removes the member from the organization and its groups; the user keeps other organizations', async () => {
    const m = await addMember('standard', 'remove-me');
    await ctx.admin.addMember({ organizationId: other.orgId, email: m.email, role: 'light' });
    const group = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/groups`, {
      name: 'Removal group',
      description: 'x',
      members: [m.id],
    });
    assert.equal(group.statusCode, 201, group.body);
    // PowerShell writes its booleans capitalized into the query string.
    const removed = await call(
      ctx,
      ctx.tokens.admin,
      'DELETE',
      users(`/${m.id}?with_reassignment=True&to=${ctx.members.standard}`),
    );
    assert.equal(removed.statusCode, 200, removed.body);
    assert.equal(removed.json<{ data: MemberBody }>().data.id, m.id);
    assertProblem(await call(ctx, ctx.tokens.admin, 'GET', users(`/${m.id}`)), 404, 'RESOURCE_NOT_FOUND');
    assertProblem(await call(ctx, m.token, 'GET', `/api/organizations/${ctx.orgId}/guests`), 403, 'FORBIDDEN');
    assert.equal((await call(ctx, m.token, 'GET', `/api/organizations/${other.orgId}/guests`)).statusCode, 200);
    const groupId = group.json<{ data: { id: string } }>().data.id;
    const after = await call(ctx, ctx.tokens.admin, 'GET', `/api/organizations/${ctx.orgId}/groups/${groupId}`);
    assert.deepEqual(after.json<{ data: { members: number[] } }>().data.members, []);
    assertProblem(await call(ctx, ctx.tokens.admin, 'DELETE', users(`/${m.id}`)), 404, 'RESOURCE_NOT_FOUND');
  });

  it('DELETE users/{id}: 422 when `to` is not another enabled member; nothing removed', async () => {
    const m = await addMember('light', 'reassign-bad');
    const bad = assertProblem(
      await call(ctx, ctx.tokens.admin, 'DELETE', users(`/${m.id}?with_reassignment=true&to=${other.members.admin}`)),
      422,
      'VALIDATION_FAILED',
    );
    assert.ok(bad.errors?.to);
    const notBoolean = assertProblem(
      await call(ctx, ctx.tokens.admin, 'DELETE', users(`/${m.id}?with_reassignment=maybe`)),
      422,
      'VALIDATION_FAILED',
    );
    assert.ok(notBoolean.errors?.with_reassignment);
    assert.equal((await call(ctx, ctx.tokens.admin, 'GET', users(`/${m.id}`))).statusCode, 200);
  });

  it('DELETE users/{id}/delete: 422 MEMBER_NOT_DISABLED first; then erased with their tokens once in no organization', async () => {
    const m = await addMember('light', 'erase-me');
    assertProblem(await call(ctx, ctx.tokens.admin, 'DELETE', users(`/${m.id}/delete`)), 422, 'MEMBER_NOT_DISABLED');
    await call(ctx, ctx.tokens.admin, 'DELETE', users(`/${m.id}/disable`));
    const erased = await call(ctx, ctx.tokens.admin, 'DELETE', users(`/${m.id}/delete`));
    assert.equal(erased.statusCode, 200, erased.body);
    assert.deepEqual(erased.json(), { data: { id: m.id, email: m.email, deleted: true } });
    assert.equal(
      await ctx.db.kysely.selectFrom('users').select('id').where('id', '=', m.id).executeTakeFirst(),
      undefined,
    );
    assertProblem(await call(ctx, m.token, 'GET', '/me'), 401, 'UNAUTHENTICATED');
  });

  it('admins only for changes: light and standard get 403, and nothing changes', async () => {
    const m = await addMember('light', 'guarded');
    for (const token of [ctx.tokens.light, ctx.tokens.standard]) {
      assertProblem(await call(ctx, token, 'DELETE', users(`/${m.id}/disable`)), 403, 'FORBIDDEN');
      assertProblem(await call(ctx, token, 'PUT', users(`/${m.id}/enable`)), 403, 'FORBIDDEN');
      assertProblem(await call(ctx, token, 'DELETE', users(`/${m.id}`)), 403, 'FORBIDDEN');
      assertProblem(await call(ctx, token, 'DELETE', users(`/${m.id}/delete`)), 403, 'FORBIDDEN');
    }
    const still = await call(ctx, ctx.tokens.admin, 'GET', users(`/${m.id}`));
    assert.equal(still.json<{ data: MemberBody }>().data.status, 'active');
  });

  it("tenant isolation: another organization's admin gets 403 on every member route here, and 404 for our members on its own path", async () => {
    const m = await addMember('light', 'isolated');
    const routes: Array<[string, string, unknown?]> = [
      ['GET', users()],
      ['GET', `/api/organizations/${ctx.orgId}/users-list`],
      ['GET', users(`/${m.id}`)],
      ['PUT', users(`/${m.id}/role`), { role: 'admin' }],
      ['DELETE', users(`/${m.id}/disable`)],
      ['PUT', users(`/${m.id}/enable`)],
      ['DELETE', users(`/${m.id}`)],
      ['DELETE', users(`/${m.id}/delete`)],
    ];
    for (const [method, url, body] of routes) {
      assertProblem(
        await call(ctx, other.tokens.admin, method as 'GET', url, body),
        403,
        'FORBIDDEN',
        `${method} ${url}`,
      );
    }
    const theirs = (suffix: string) => `/api/organizations/${other.orgId}/users/${m.id}${suffix}`;
    assertProblem(await call(ctx, other.tokens.admin, 'GET', theirs('')), 404, 'RESOURCE_NOT_FOUND');
    assertProblem(
      await call(ctx, other.tokens.admin, 'PUT', theirs('/role'), { role: 'admin' }),
      404,
      'RESOURCE_NOT_FOUND',
    );
    assertProblem(await call(ctx, other.tokens.admin, 'DELETE', theirs('/disable')), 404, 'RESOURCE_NOT_FOUND');
    assertProblem(await call(ctx, other.tokens.admin, 'DELETE', theirs('')), 404, 'RESOURCE_NOT_FOUND');
    const still = await call(ctx, ctx.tokens.admin, 'GET', users(`/${m.id}`));
    assert.deepEqual(
      [still.json<{ data: MemberBody }>().data.role, still.json<{ data: MemberBody }>().data.status],
      ['light', 'active'],
    );
  });
});
