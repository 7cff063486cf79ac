/**
 * Convert guest to member and Convert member to guest (docs/guests.md). After each, the person is
 * exactly one of the two in the organization; refusals change nothing; other organizations are
 * never touched.
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
import { globalGuest, isLive, newGuest, recordOf, roleOf, type GuestData } from './lifecycle-helpers.js';
import { assertProblem } from '../../support/problem.js';

type Org = Awaited<ReturnType<typeof createOrgWithMembers>>;

interface MemberData {
  id: number;
  email: string;
  username: string | null;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  profile_pic: string | null;
  timezone: string | null;
  role: string;
  status: string;
  created_at: string;
  last_login_at: string | null;
  invited_by: number | null;
  disabled_at: string | null;
  disabled_by: number | null;
  reactivated_at: string | null;
  reactivated_by: number | null;
}

/** The member object's keys, in order (src/members/member.schemas.ts). */
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

describe('convert guest to member, convert member to guest', () => {
  let ctx: TestContext;
  let other: Org;
  before(async () => {
    ctx = await buildTestApp();
    other = await createOrgWithMembers(ctx.admin, 'Globex', 'globex');
  });
  after(() => ctx.close());

  const toMember = (email: string, token = ctx.tokens.admin, orgId = ctx.orgId) =>
    call(ctx, token, 'POST', guestsUrl(orgId, email, '/to/member'));
  const toGuest = (userId: number | string, token = ctx.tokens.admin, orgId = ctx.orgId) =>
    call(ctx, token, 'PUT', `/api/organizations/${orgId}/users/${userId}/to/guest`);
  const members = async (orgId = ctx.orgId, token = ctx.tokens.admin) =>
    (await call(ctx, token, 'GET', `/api/organizations/${orgId}/users`)).json<{ data: MemberData[] }>().data;

  /** Exactly one of member and active guest of the organization. */
  async function assertExactlyOne(email: string, expected: 'member' | 'guest', orgId = ctx.orgId) {
    const user = await ctx.db.kysely.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    const isMember = user !== undefined && (await roleOf(ctx, orgId, user.id)) !== undefined;
    const global = await globalGuest(ctx, email);
    const record = global && (await recordOf(ctx, orgId, global.id));
    const isGuest = record !== undefined && record.deleted_at === null;
    assert.deepEqual({ isMember, isGuest }, { isMember: expected === 'member', isGuest: expected === 'guest' }, email);
  }

  describe('J: guest to member', () => {
    it("201: a standard member with the guest's names; the guest record is removed, its link dead", async () => {
      const guest = await newGuest(ctx, { first_name: 'Gina', last_name: 'Guest', company_name: 'Partner Co' });
      const response = await toMember(guest.email.toUpperCase());
      assert.equal(response.statusCode, 201);
      const member = response.json<{ data: MemberData }>().data;
      assert.deepEqual(Object.keys(member), MEMBER_KEYS);
      assert.match(member.created_at, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.deepEqual(
        { ...member, id: 0, created_at: '' },
        {
          id: 0,
          email: guest.email,
          username: null,
          first_name: 'Gina',
          last_name: 'Guest',
          full_name: 'Gina Guest',
          profile_pic: null,
          timezone: null,
          role: 'standard',
          status: 'active',
          created_at: '',
          last_login_at: null,
          invited_by: null,
          disabled_at: null,
          disabled_by: null,
          reactivated_at: null,
          reactivated_by: null,
        },
      );
      // The list shows the same member object.
      assert.deepEqual(
        (await members()).find((m) => m.id === member.id),
        member,
      );
      assertProblem(
        await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, guest.email)),
        404,
        'RESOURCE_NOT_FOUND',
      );
      const record = await recordOf(ctx, ctx.orgId, guest.id);
      assert.ok(record?.deleted_at);
      assert.equal(record.guest_code, null);
      assert.equal(await isLive(ctx, guest.link), false);
      // No other organization had the guest: the global identity is soft-deleted, as by Remove guest.
      assert.ok((await globalGuest(ctx, guest.email))?.deleted_at);
      await assertExactlyOne(guest.email, 'member');
      // A member's email cannot be invited as a guest any more.
      assertProblem(
        await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email: guest.email }),
        422,
        'VALIDATION_FAILED',
      );
    });

    it("a guest of another organization stays that organization's guest; the global guest stays", async () => {
      const email = uniqueEmail('shared');
      await newGuest(ctx, { email });
      const inGlobex = await newGuest(ctx, { email }, other.tokens.admin, other.orgId);
      assert.equal((await toMember(email)).statusCode, 201);
      assert.equal((await globalGuest(ctx, email))?.deleted_at, null);
      assert.deepEqual(
        (await call(ctx, other.tokens.admin, 'GET', guestsUrl(other.orgId, email))).json<{ data: GuestData }>().data,
        inGlobex,
      );
      assert.ok(await isLive(ctx, inGlobex.link));
      assert.equal(
        (await members(other.orgId, other.tokens.admin)).some((m) => m.email === email),
        false,
      );
    });

    it('an existing user (a member elsewhere) keeps their id; this organization sees only its own names for them', async () => {
      const globexStandard = (await members(other.orgId, other.tokens.admin)).find((m) => m.role === 'standard');
      assert.ok(globexStandard);
      await newGuest(ctx, { email: globexStandard.email, first_name: 'Acme name' });
      const member = (await toMember(globexStandard.email)).json<{ data: MemberData }>().data;
      // The same user, known here by this organization's profile of the guest, not by the names
      // the other organization has; created_at is when they joined this organization.
      assert.deepEqual(
        { ...member, created_at: globexStandard.created_at },
        { ...globexStandard, role: 'standard', first_name: 'Acme name', last_name: null, full_name: 'Acme name' },
      );
      const there = (await members(other.orgId, other.tokens.admin)).find((m) => m.id === globexStandard.id);
      assert.deepEqual(there, globexStandard, 'the other organization still sees its own names');
      assert.ok(member.created_at >= globexStandard.created_at, `${member.created_at} >= ${globexStandard.created_at}`);
      assert.equal(await roleOf(ctx, other.orgId, globexStandard.id), 'standard');
    });

    it('a disabled guest may be converted', async () => {
      const guest = await newGuest(ctx);
      assert.equal(
        (await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, guest.email, '/disable'))).statusCode,
        200,
      );
      assert.equal((await toMember(guest.email)).statusCode, 201);
      await assertExactlyOne(guest.email, 'member');
    });

    it('409 when the email is a member already; nothing changes, the role (light, not made standard) neither', async () => {
      const guest = await newGuest(ctx);
      // Not reachable through the API (create refuses a member's email): made directly.
      const user = await ctx.db.kysely
        .insertInto('users')
        .values({ email: guest.email, first_name: null, last_name: null, created_at: '2025-01-15 10:30:00' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await ctx.db.kysely
        .insertInto('memberships')
        .values({ organization_id: ctx.orgId, user_id: user.id, role: 'light', created_at: '2025-01-15 10:30:00' })
        .execute();
      assertProblem(await toMember(guest.email), 409, 'CONFLICT');
      assert.equal(await roleOf(ctx, ctx.orgId, user.id), 'light');
      assert.deepEqual(
        (await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, guest.email))).json<{ data: GuestData }>().data,
        guest,
      );
    });

    it("admins only: 401, 403 for standard, light and another organization's admin; nothing changes", async () => {
      const guest = await newGuest(ctx);
      assertProblem(
        await call(ctx, null, 'POST', guestsUrl(ctx.orgId, guest.email, '/to/member')),
        401,
        'UNAUTHENTICATED',
      );
      assertProblem(await toMember(guest.email, ctx.tokens.standard), 403, 'FORBIDDEN', 'standard');
      assertProblem(await toMember(guest.email, ctx.tokens.light), 403, 'FORBIDDEN', 'light');
      assertProblem(await toMember(guest.email, other.tokens.admin), 403, 'FORBIDDEN', 'other org');
      assertProblem(
        await toMember(guest.email, other.tokens.admin, other.orgId),
        404,
        'RESOURCE_NOT_FOUND',
        'not a guest of the other org',
      );
      await assertExactlyOne(guest.email, 'guest');
      assert.equal(
        (await members(other.orgId, other.tokens.admin)).some((m) => m.email === guest.email),
        false,
      );
    });

    it("404 for an unknown guest, a removed guest, another organization's guest; 422 for an over-long email", async () => {
      assertProblem(await toMember(uniqueEmail('nobody')), 404, 'RESOURCE_NOT_FOUND');
      const removed = await newGuest(ctx);
      await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, removed.email));
      assertProblem(await toMember(removed.email), 404, 'RESOURCE_NOT_FOUND');
      const elsewhere = await newGuest(ctx, {}, other.tokens.admin, other.orgId);
      assertProblem(await toMember(elsewhere.email), 404, 'RESOURCE_NOT_FOUND');
      assertProblem(await toMember(`${'a'.repeat(320)}@x.test`), 422, 'VALIDATION_FAILED');
      const users = await ctx.db.kysely
        .selectFrom('users')
        .select('id')
        .where('email', 'in', [removed.email, elsewhere.email])
        .execute();
      assert.deepEqual(users, []);
    });
  });

  describe('K: member to guest', () => {
    async function newMember(
      role: 'admin' | 'standard' | 'light',
      names: { firstName?: string; lastName?: string } = {},
    ) {
      const member = await ctx.admin.addMember({
        organizationId: ctx.orgId,
        email: uniqueEmail(`member-${role}`),
        role,
        ...names,
      });
      const token = (await ctx.admin.createToken({ email: member.email })).token;
      return { ...member, token };
    }

    it('200: the member becomes a guest with their names and a live link, and loses member access', async () => {
      const member = await newMember('standard', { firstName: 'Mo', lastName: 'Member' });
      const response = await toGuest(member.id);
      assert.equal(response.statusCode, 200);
      const guest = response.json<{ data: GuestData }>().data;
      assert.equal(guest.email, member.email);
      assert.equal(guest.first_name, 'Mo');
      assert.equal(guest.last_name, 'Member');
      assert.equal(guest.deleted_at, null);
      assert.equal(guest.details.company_name, null);
      assert.ok(await isLive(ctx, guest.link));
      assert.equal(
        (await members()).some((m) => m.id === member.id),
        false,
      );
      assert.deepEqual(
        (await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, member.email))).json<{ data: GuestData }>().data,
        guest,
      );
      assertProblem(await call(ctx, member.token, 'GET', guestsUrl(ctx.orgId)), 403, 'FORBIDDEN');
      await assertExactlyOne(member.email, 'guest');
    });

    it('round trips: guest -> member -> guest keeps the global id with a fresh profile and a new link', async () => {
      const guest = await newGuest(ctx, { first_name: 'Round', last_name: 'Trip', phone_1: '+1 555 0100' });
      const member = (await toMember(guest.email)).json<{ data: MemberData }>().data;
      const back = await toGuest(member.id);
      assert.equal(back.statusCode, 200);
      const again = back.json<{ data: GuestData }>().data;
      assert.equal(again.id, guest.id);
      assert.equal(again.first_name, 'Round');
      assert.equal(again.details.phone_1, null);
      assert.notEqual(again.link, guest.link);
      assert.equal(await isLive(ctx, guest.link), false);
      assert.ok(await isLive(ctx, again.link));
      assert.equal((await globalGuest(ctx, guest.email))?.deleted_at, null);
      await assertExactlyOne(guest.email, 'guest');
      // And back to member: the same user as before.
      const member2 = (await toMember(guest.email)).json<{ data: MemberData }>().data;
      assert.equal(member2.id, member.id);
      await assertExactlyOne(guest.email, 'member');
    });

    it('the only admin is refused (409), themselves included; with two admins one may go', async () => {
      assertProblem(await toGuest(ctx.members.admin), 409, 'CONFLICT', 'only admin, self');
      assert.equal(await roleOf(ctx, ctx.orgId, ctx.members.admin), 'admin');
      const second = await newMember('admin');
      assert.equal((await toGuest(second.id)).statusCode, 200);
      await assertExactlyOne(second.email, 'guest');
      assertProblem(await toGuest(ctx.members.admin), 409, 'CONFLICT', 'only admin again');
      // Another admin may convert themselves while one admin remains.
      const third = await newMember('admin');
      assert.equal((await toGuest(third.id, third.token)).statusCode, 200);
      assertProblem(await call(ctx, third.token, 'GET', guestsUrl(ctx.orgId)), 403, 'FORBIDDEN');
      assert.equal(await roleOf(ctx, ctx.orgId, ctx.members.admin), 'admin');
    });

    it('does not count against the invite cap', async () => {
      const capped = await buildTestApp({ env: { GUEST_INVITE_LIMIT_PER_HOUR: '1' } });
      try {
        assert.equal(
          (await call(capped, capped.tokens.admin, 'POST', guestsUrl(capped.orgId), { email: uniqueEmail() }))
            .statusCode,
          201,
        );
        assertProblem(
          await call(capped, capped.tokens.admin, 'POST', guestsUrl(capped.orgId), { email: uniqueEmail() }),
          429,
          'RATE_LIMIT_EXCEEDED',
        );
        const response = await call(
          capped,
          capped.tokens.admin,
          'PUT',
          `/organizations/${capped.orgId}/users/${capped.members.light}/to/guest`,
        );
        assert.equal(response.statusCode, 200);
      } finally {
        await capped.close();
      }
    });

    it("admins only: 401, 403 for standard, light and another organization's admin; nothing changes", async () => {
      const member = await newMember('light');
      assertProblem(
        await call(ctx, null, 'PUT', `/api/organizations/${ctx.orgId}/users/${member.id}/to/guest`),
        401,
        'UNAUTHENTICATED',
      );
      assertProblem(await toGuest(member.id, ctx.tokens.standard), 403, 'FORBIDDEN', 'standard');
      assertProblem(await toGuest(member.id, ctx.tokens.light), 403, 'FORBIDDEN', 'light');
      assertProblem(await toGuest(member.id, other.tokens.admin), 403, 'FORBIDDEN', 'other org');
      assertProblem(
        await toGuest(member.id, other.tokens.admin, other.orgId),
        404,
        'RESOURCE_NOT_FOUND',
        'not a member of the other org',
      );
      await assertExactlyOne(member.email, 'member');
    });

    it('404 for an unknown user or a member of another organization only; 422 for a malformed id', async () => {
      assertProblem(await toGuest(2_000_000_000), 404, 'RESOURCE_NOT_FOUND');
      const globexOnly = await ctx.admin.addMember({
        organizationId: other.orgId,
        email: uniqueEmail('globex-only'),
        role: 'standard',
      });
      assertProblem(await toGuest(globexOnly.id), 404, 'RESOURCE_NOT_FOUND');
      assert.equal(await roleOf(ctx, other.orgId, globexOnly.id), 'standard');
      assert.equal(await globalGuest(ctx, globexOnly.email), undefined);
      for (const bad of ['abc', '0', '-1', '99999999999'])
        assertProblem(await toGuest(bad), 422, 'VALIDATION_FAILED', bad);
    });
  });
});
