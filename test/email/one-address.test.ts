/**
 * One address, one guest: a Unicode domain and its punycode, decomposed and composed letters,
 * upper and lower case are one address wherever an address enters — create, bulk, every path
 * look-up, the member checks, invitations, groups, the public access request and the operator
 * actions. Answers show the one stored form (local part NFC and lower case, domain in ASCII).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, call, createOrgWithMembers, guestsUrl, type TestContext } from '../../support/app.js';
import { groupsUrl } from '../groups/group-helpers.js';
import { outboxFor, requestAccess } from '../public/access-helpers.js';

/** The composed (NFC) and decomposed (NFD) spellings of "ö" and "ü". */
const O_NFD = 'o\u0308';
const U_NFD = 'u\u0308';

/** Spellings of `<local>@bücher.test` other than the stored one, with a composed or decomposed local part. */
function spellings(local: string): string[] {
  const nfd = local.normalize('NFD');
  return [
    `${local}@bücher.test`,
    `${nfd}@b${U_NFD}cher.test`,
    `${local.toUpperCase()}@BÜCHER.TEST`,
    `${nfd}@xn--bcher-kva.test`,
    `${local}@XN--BCHER-KVA.Test`,
  ];
}

function stored(local: string): string {
  return `${local.normalize('NFC').toLowerCase()}@xn--bcher-kva.test`;
}

describe('one address, one guest', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(async () => {
    await ctx.close();
  });

  async function create(email: string, orgId = ctx.orgId, token = ctx.tokens.admin) {
    return call(ctx, token, 'POST', guestsUrl(orgId), { email, first_name: 'First' });
  }

  test('a Unicode domain and its punycode are one guest: the second create answers the first', async () => {
    const first = await create('x@bücher.test');
    assert.equal(first.statusCode, 201, first.body);
    const firstGuest = first.json().data;
    assert.equal(firstGuest.email, 'x@xn--bcher-kva.test', 'answers show the stored form');
    const second = await create('x@xn--bcher-kva.test');
    assert.equal(second.statusCode, 200, second.body);
    assert.equal(second.json().data.id, firstGuest.id);
    const list = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?q=x@`);
    assert.deepEqual(
      list
        .json()
        .data.map((g: { email: string }) => g.email)
        .filter((e: string) => e.startsWith('x@')),
      ['x@xn--bcher-kva.test'],
    );
    const rows = await ctx.db.kysely.selectFrom('guests').select('email').where('email', 'like', 'x@%').execute();
    assert.deepEqual(rows, [{ email: 'x@xn--bcher-kva.test' }]);
  });

  test('another organization joining by another spelling joins the same global guest', async () => {
    const other = await createOrgWithMembers(ctx.admin, 'Other', 'other-one-address');
    const here = await create('z@bücher.test');
    assert.equal(here.statusCode, 201, here.body);
    const there = await create(`Z@B${U_NFD.toUpperCase()}CHER.test`, other.orgId, other.tokens.admin);
    assert.equal(there.statusCode, 201, there.body);
    assert.equal(there.json().data.email, 'z@xn--bcher-kva.test');
    const rows = await ctx.db.kysely
      .selectFrom('guests')
      .select('id')
      .where('email', '=', 'z@xn--bcher-kva.test')
      .execute();
    assert.equal(rows.length, 1);
  });

  test('NFC and NFD local parts are one guest', async () => {
    const first = await create('jörg@partner.test');
    assert.equal(first.statusCode, 201, first.body);
    const second = await create(`jo\u0308rg@partner.test`);
    assert.equal(second.statusCode, 200, second.body);
    assert.equal(second.json().data.id, first.json().data.id);
    assert.equal(second.json().data.email, 'jörg@partner.test');
  });

  test('a member cannot be added as a guest in any spelling of their address', async () => {
    await ctx.admin.addMember({ organizationId: ctx.orgId, email: 'boss@bücher.test', role: 'standard' });
    await ctx.admin.addMember({ organizationId: ctx.orgId, email: 'chef@xn--bcher-kva.test', role: 'light' });
    for (const email of [...spellings('boss'), ...spellings('chef')]) {
      const response = await create(email);
      assert.equal(response.statusCode, 422, `${email}: ${response.body}`);
      assert.deepEqual(
        response.json().errors.email,
        ['The email belongs to a member of this organization; a member cannot also be a guest.'],
        email,
      );
    }
    const members = await call(ctx, ctx.tokens.admin, 'GET', `/api/organizations/${ctx.orgId}/users`);
    const emails = members.json().data.map((m: { email: string }) => m.email);
    assert.ok(
      emails.includes('boss@xn--bcher-kva.test') && emails.includes('chef@xn--bcher-kva.test'),
      JSON.stringify(emails),
    );
  });

  test('every by-email route finds the guest by any spelling of the address', async () => {
    const local = 'jörn';
    const [a, b, c, d, e] = spellings(local) as [string, string, string, string, string];
    assert.equal((await create(a)).statusCode, 201);
    const url = (spelling: string, suffix = '') => guestsUrl(ctx.orgId, spelling, suffix);
    for (const spelling of spellings(local)) {
      const got = await call(ctx, ctx.tokens.admin, 'GET', url(spelling));
      assert.equal(got.statusCode, 200, `GET ${spelling}: ${got.body}`);
      assert.equal(got.json().data.email, stored(local));
    }
    // Update: the body's email may be any spelling of the path's address.
    const updated = await call(ctx, ctx.tokens.admin, 'PUT', url(b), { email: c, company_name: 'Bücher AG' });
    assert.equal(updated.statusCode, 201, updated.body);
    assert.equal(updated.json().data.details?.company_name ?? updated.json().data.company_name, 'Bücher AG');
    const otherEmail = await call(ctx, ctx.tokens.admin, 'PUT', url(b), { email: 'jorn@bücher.test' });
    assert.equal(otherEmail.statusCode, 422, otherEmail.body);

    const disabled = await call(ctx, ctx.tokens.admin, 'DELETE', url(c, '/disable'));
    assert.equal(disabled.statusCode, 200, disabled.body);
    const enabled = await call(ctx, ctx.tokens.admin, 'PUT', url(d, '/enable'));
    assert.equal(enabled.statusCode, 200, enabled.body);
    const reset = await call(ctx, ctx.tokens.admin, 'PUT', url(e, '/reset-link'));
    assert.equal(reset.statusCode, 200, reset.body);
    const removed = await call(ctx, ctx.tokens.admin, 'DELETE', url(b));
    assert.equal(removed.statusCode, 200, removed.body);
    assert.equal(removed.json().data.email, stored(local));

    // Joined again (by yet another spelling), disabled, then erased for good.
    assert.equal((await create(d)).statusCode, 201);
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', url(e, '/disable'))).statusCode, 200);
    const erased = await call(ctx, ctx.tokens.admin, 'DELETE', url(c, '/delete'));
    assert.equal(erased.statusCode, 200, erased.body);
    assert.equal(erased.json().data.email, stored(local));
    const gone = await call(ctx, ctx.tokens.admin, 'GET', url(a));
    assert.equal(gone.statusCode, 404, gone.body);
  });

  test('guest to member finds the guest by any spelling, and the member has the stored form', async () => {
    assert.equal((await create('mara@bücher.test')).statusCode, 201);
    const converted = await call(
      ctx,
      ctx.tokens.admin,
      'POST',
      guestsUrl(ctx.orgId, `MARA@B${U_NFD}CHER.TEST`, '/to/member'),
    );
    assert.equal(converted.statusCode, 201, converted.body);
    assert.equal(converted.json().data.email, 'mara@xn--bcher-kva.test');
    const again = await create('mara@xn--bcher-kva.test');
    assert.equal(again.statusCode, 422, 'now a member, in every spelling');
  });

  test('an address that is no address is not found, never a server error', async () => {
    for (const spelling of ['not-an-address', 'a@b%25c.test', '@', 'x@xn--a.test']) {
      const response = await call(ctx, ctx.tokens.admin, 'GET', `/api/organizations/${ctx.orgId}/guests/${spelling}`);
      assert.equal(response.statusCode, 404, `${spelling}: ${response.body}`);
    }
    const removed = await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, 'nobody@bücher.test'));
    assert.equal(removed.statusCode, 422, removed.body);
    assert.ok(removed.json().errors.email);
  });

  test('bulk: mixed spellings of one address make one guest, the repeats answered as existing', async () => {
    const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId, undefined, '/bulk'), [
      { email: 'bulk@bücher.test' },
      { email: 'bulk@xn--bcher-kva.test' },
      { email: `BULK@B${U_NFD}CHER.TEST` },
      { email: `bj${O_NFD}rn@partner.test` },
      { email: 'björn@partner.test' },
    ]);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.deepEqual(body.meta, { total: 5, created: 2, existing: 3, failed: 0 });
    assert.deepEqual(
      body.data.map((item: { status: number }) => item.status),
      [201, 200, 200, 201, 200],
    );
    const ids = body.data.map((item: { data: { id: number } }) => item.data.id);
    assert.equal(new Set(ids.slice(0, 3)).size, 1);
    assert.equal(ids[3], ids[4]);
    assert.deepEqual(
      body.data.map((item: { data: { email: string } }) => item.data.email),
      [
        'bulk@xn--bcher-kva.test',
        'bulk@xn--bcher-kva.test',
        'bulk@xn--bcher-kva.test',
        'björn@partner.test',
        'björn@partner.test',
      ],
    );
  });

  test('groups: guests named in any spelling, listed in the stored form', async () => {
    assert.equal((await create('grp@bücher.test')).statusCode, 201);
    const created = await call(ctx, ctx.tokens.admin, 'POST', groupsUrl(ctx.orgId), {
      name: 'Bücher',
      guests: ['GRP@BÜCHER.TEST', `grp@b${U_NFD}cher.test`, 'grp@xn--bcher-kva.test'],
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json().data.guests, ['grp@xn--bcher-kva.test']);
    const unknown = await call(ctx, ctx.tokens.admin, 'POST', groupsUrl(ctx.orgId), {
      name: 'Nobody',
      guests: ['nobody@bücher.test'],
    });
    assert.equal(unknown.statusCode, 422, unknown.body);
    assert.ok(unknown.json().errors['guests.0']);
  });

  test('invitations: another spelling of a pending invitation is the same invitation; a member or guest in any spelling is refused', async () => {
    const invite = (email: string) =>
      call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/users/invite`, { email, first_name: 'Neu' });
    const first = await invite('neu@bücher.test');
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().data.email, 'neu@xn--bcher-kva.test');
    const again = await invite(`NEU@B${U_NFD}CHER.TEST`);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().data.id, first.json().data.id, 'the same user, invited once');
    const open = await ctx.db.kysely
      .selectFrom('invitations')
      .select('email')
      .where('organization_id', '=', ctx.orgId)
      .where('email', 'like', 'neu@%')
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    assert.deepEqual(open, [{ email: 'neu@xn--bcher-kva.test' }]);
    const users = await ctx.db.kysely.selectFrom('users').select('email').where('email', 'like', 'neu@%').execute();
    assert.deepEqual(users, [{ email: 'neu@xn--bcher-kva.test' }]);

    const member = await invite('boss@xn--bcher-kva.test');
    assert.equal(member.statusCode, 422, member.body);
    assert.match(member.json().errors.email[0], /already a member/);
    assert.equal((await create('gast@xn--bcher-kva.test')).statusCode, 201);
    const guest = await invite('gast@bücher.test');
    assert.equal(guest.statusCode, 422, guest.body);
    assert.match(guest.json().errors.email[0], /is a guest of this organization/);
  });

  test("public access: any spelling of a guest's address gets their links, sent to the stored form", async () => {
    assert.equal((await create('portal@bücher.test')).statusCode, 201);
    const before = (await outboxFor(ctx, 'portal@xn--bcher-kva.test')).length;
    const response = await requestAccess(ctx, `PORTAL@B${U_NFD}CHER.TEST`, '127.0.0.21');
    assert.equal(response.statusCode, 202, response.body);
    const queued = await outboxFor(ctx, 'portal@xn--bcher-kva.test');
    assert.equal(queued.length, before + 1);
    const unicode = await ctx.db.kysely
      .selectFrom('outbox')
      .select('id')
      .where('recipient', 'like', 'portal@b%')
      .execute();
    assert.deepEqual(unicode, []);
  });

  test('operator actions: a token for a member named in another spelling', async () => {
    const token = await ctx.admin.createToken({ email: `BOSS@B${U_NFD}CHER.test` });
    assert.match(token.token, /^gst_/);
    const member = await ctx.admin.addMember({
      organizationId: ctx.orgId,
      email: 'boss@xn--bcher-kva.test',
      role: 'light',
    });
    assert.equal(member.email, 'boss@xn--bcher-kva.test');
    assert.equal(member.role, 'light', 'the same member, role changed: no second user');
    const users = await ctx.db.kysely.selectFrom('users').select('id').where('email', 'like', 'boss@%').execute();
    assert.equal(users.length, 1);
  });
});
