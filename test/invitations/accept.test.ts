/**
 * The invitee's side: the accept link as a page and as JSON. Accepting makes exactly one member
 * with a working token; a link that is used, withdrawn, replaced or unknown opens nothing, and an
 * expired one says so.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { randomSecret } from '../../src/core/secrets.js';
import {
  buildTestApp,
  call,
  createGuest,
  createOrgWithMembers,
  guestsUrl,
  uniqueEmail,
  type TestContext,
} from '../../support/app.js';
import { assertProblem, sameAnswerPart } from '../../support/problem.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Accepted {
  member: {
    id: number;
    email: string;
    role: string;
    status: string;
    invited_by: number | null;
    first_name: string | null;
    last_name: string | null;
  };
  token: { id: number; token: string; expires_at: string | null };
}

/** Headers that must be the same on every 404 page (the date, connection and request id vary by nature). */
function stableHeaders(response: LightMyRequestResponse): Record<string, unknown> {
  const { date: _date, connection: _connection, 'x-request-id': _requestId, ...rest } = response.headers;
  return rest;
}

function assertPageHeaders(response: LightMyRequestResponse, label: string): void {
  assert.match(String(response.headers['content-type']), /^text\/html; charset=utf-8/, label);
  assert.equal(response.headers['cache-control'], 'no-store', label);
  assert.equal(response.headers['referrer-policy'], 'no-referrer', label);
  assert.equal(response.headers['x-robots-tag'], 'noindex, nofollow', label);
  assert.equal(response.headers['x-content-type-options'], 'nosniff', label);
  const csp = String(response.headers['content-security-policy']);
  assert.match(csp, /default-src 'none'/, label);
  assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/=]+'/, label);
  assert.match(csp, /form-action 'self'/, label);
  assert.match(csp, /frame-ancestors 'none'/, label);
}

describe('accepting an invitation', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  /** Invites `email` and returns the invitee's id and the code of the link just sent. */
  async function inviteWithCode(
    body: Record<string, unknown>,
    token = ctx.tokens.admin,
    orgId = ctx.orgId,
  ): Promise<{ id: number; code: string }> {
    const response = await call(ctx, token, 'POST', `/api/organizations/${orgId}/users/invite`, body);
    assert.equal(response.statusCode, 200, response.body);
    const mail = await ctx.db.kysely
      .selectFrom('outbox')
      .select('text_body')
      .where('recipient', '=', String(body.email))
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const code = /\/invitations\/([A-Za-z0-9_-]{32})\n/.exec(mail.text_body)?.[1];
    assert.ok(code);
    return { id: response.json<{ data: { id: number } }>().data.id, code };
  }
  const viewJson = (code: string) => ctx.app.inject({ method: 'GET', url: `/api/invitations/${code}` });
  const acceptJson = (code: string, body?: unknown, headers: Record<string, string> = {}) =>
    ctx.app.inject({
      method: 'POST',
      url: `/api/invitations/${code}/accept`,
      headers,
      ...(body !== undefined && { payload: body as object }),
    });
  const page = (code: string) => ctx.app.inject({ method: 'GET', url: `/invitations/${code}` });
  const postForm = (code: string, payload = 'first_name=&last_name=') =>
    ctx.app.inject({ method: 'POST', url: `/invitations/${code}`, headers: FORM, payload });
  const roleOf = async (userId: number, orgId = ctx.orgId) =>
    ctx.db.kysely
      .selectFrom('memberships')
      .selectAll()
      .where('organization_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst();

  describe('as JSON', () => {
    it('GET /api/invitations/{code}: the organization, the invitee, the role, who invited, the expiry', async () => {
      const email = uniqueEmail('view');
      const { code } = await inviteWithCode({
        email,
        first_name: 'Vera',
        last_name: 'View',
        role: 'standard',
        message: 'Hello',
      });
      const response = await viewJson(code);
      assert.equal(response.statusCode, 200, response.body);
      const data = response.json<{ data: Record<string, unknown> }>().data;
      assert.deepEqual(
        { ...data, expires_at: undefined },
        {
          organization: { id: ctx.orgId, name: 'Acme' },
          email,
          first_name: 'Vera',
          last_name: 'View',
          role: 'standard',
          message: 'Hello',
          invited_by: { id: ctx.members.admin, name: 'admin acme' },
          expires_at: undefined,
        },
      );
      const days = (Date.parse(`${String(data.expires_at).replace(' ', 'T')}Z`) - Date.now()) / 86_400_000;
      assert.ok(days > 6.9 && days <= 7, `expires in 7 days (${days})`);
    });

    it('POST .../accept: 201, a member with the invited role and inviter, a token that works; the link is then used', async () => {
      const email = uniqueEmail('accept');
      const { id, code } = await inviteWithCode(
        { email, first_name: 'Ann', last_name: 'Accept', role: 'standard' },
        ctx.tokens.standard,
      );
      const response = await acceptJson(code, undefined, { 'content-type': 'application/json' });
      assert.equal(response.statusCode, 201, response.body);
      const { member, token } = response.json<{ data: Accepted }>().data;
      assert.deepEqual(
        [member.id, member.email, member.role, member.status, member.invited_by, member.first_name, member.last_name],
        [id, email, 'standard', 'active', ctx.members.standard, 'Ann', 'Accept'],
      );
      assert.match(token.token, /^gst_/);
      assert.equal(token.expires_at, null);
      const membership = await roleOf(id);
      assert.deepEqual([membership?.role, membership?.invited_by], ['standard', ctx.members.standard]);
      const stored = await ctx.db.kysely
        .selectFrom('access_tokens')
        .selectAll()
        .where('id', '=', token.id)
        .executeTakeFirstOrThrow();
      assert.equal(stored.name, 'Invitation to Acme');
      assert.notEqual(stored.token_hash, token.token);
      assert.equal((await call(ctx, token.token, 'GET', `/api/organizations/${ctx.orgId}/guests`)).statusCode, 200);
      assert.equal((await call(ctx, token.token, 'GET', `/organizations/${ctx.orgId}/guests`)).statusCode, 200);
      assertProblem(await acceptJson(code, {}), 404, 'RESOURCE_NOT_FOUND', 'second accept');
      assertProblem(await viewJson(code), 404, 'RESOURCE_NOT_FOUND', 'view after accept');
      assertProblem(
        await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/users/${id}/resend-invite`),
        404,
        'RESOURCE_NOT_FOUND',
      );
      // A member now: inviting the address again is refused.
      assertProblem(
        await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/users/invite`, { email }),
        422,
        'VALIDATION_FAILED',
      );
    });

    it('names: kept by a user without any, ignored for one who has names; too long -> 422 and nothing accepted', async () => {
      const unnamed = await inviteWithCode({ email: uniqueEmail('unnamed') });
      assertProblem(
        await acceptJson(unnamed.code, { first_name: 'x'.repeat(201) }),
        422,
        'VALIDATION_FAILED',
        'long name',
      );
      assert.equal(await roleOf(unnamed.id), undefined);
      const response = await acceptJson(unnamed.code, { first_name: 'Nina', last_name: 'Named', unknown: 1 });
      assert.equal(response.statusCode, 201, response.body);
      assert.deepEqual(
        [
          response.json<{ data: Accepted }>().data.member.first_name,
          response.json<{ data: Accepted }>().data.member.last_name,
        ],
        ['Nina', 'Named'],
      );

      const named = await inviteWithCode({ email: uniqueEmail('named'), first_name: 'Orig', last_name: 'Inal' });
      const kept = (await acceptJson(named.code, { first_name: 'Else' })).json<{ data: Accepted }>().data.member;
      assert.deepEqual([kept.first_name, kept.last_name], ['Orig', 'Inal']);
      assertProblem(
        await acceptJson(randomSecret(24), { first_name: 'x'.repeat(201) }),
        404,
        'RESOURCE_NOT_FOUND',
        'unknown code before the body',
      );
    });

    it('an active guest of the organization stops being its guest on accepting', async () => {
      const email = uniqueEmail('guest');
      const { id, code } = await inviteWithCode({ email });
      await createGuest(ctx, { email });
      assert.equal((await acceptJson(code)).statusCode, 201);
      assert.ok(await roleOf(id));
      assertProblem(await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email)), 404, 'RESOURCE_NOT_FOUND');
    });

    it('someone who became a member meanwhile: 409, and the invitation stays as it was', async () => {
      const email = uniqueEmail('meanwhile');
      const { code } = await inviteWithCode({ email, role: 'admin' });
      await ctx.admin.addMember({ organizationId: ctx.orgId, email, role: 'light' });
      assertProblem(await acceptJson(code), 409, 'CONFLICT');
      const row = await ctx.db.kysely
        .selectFrom('invitations')
        .selectAll()
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      assert.equal(row.accepted_at, null);
      const user = await ctx.db.kysely
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      assert.equal((await roleOf(user.id))?.role, 'light');
    });

    it('two accepts at once: one member, one 404', async () => {
      const { id, code } = await inviteWithCode({ email: uniqueEmail('twice') });
      const responses = await Promise.all([acceptJson(code), acceptJson(code), acceptJson(code)]);
      assert.deepEqual(responses.map((r) => r.statusCode).sort(), [201, 404, 404]);
      const tokens = await ctx.db.kysely.selectFrom('access_tokens').select('id').where('user_id', '=', id).execute();
      assert.equal(tokens.length, 1);
    });
  });

  describe('expiry and withdrawal', () => {
    it('expired: 410 page and INVITATION_EXPIRED; sending again gives a link that works', async () => {
      const email = uniqueEmail('expired');
      const { id, code } = await inviteWithCode({ email });
      await ctx.db.kysely
        .updateTable('invitations')
        .set({ expires_at: '2020-01-01 00:00:00' })
        .where('email', '=', email)
        .execute();
      const html = await page(code);
      assert.equal(html.statusCode, 410);
      assertPageHeaders(html, 'expired page');
      assert.match(html.body, /has expired/);
      assert.match(html.body, /send the invitation again/);
      assert.equal((await postForm(code)).statusCode, 410);
      assertProblem(await viewJson(code), 410, 'INVITATION_EXPIRED');
      assertProblem(await acceptJson(code), 410, 'INVITATION_EXPIRED');
      assert.equal(await roleOf(id), undefined);
      const resent = await call(
        ctx,
        ctx.tokens.admin,
        'POST',
        `/api/organizations/${ctx.orgId}/users/${id}/resend-invite`,
      );
      assert.equal(resent.statusCode, 200, resent.body);
      const again = await ctx.db.kysely
        .selectFrom('outbox')
        .select('text_body')
        .where('recipient', '=', email)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const fresh = /\/invitations\/([A-Za-z0-9_-]{32})\n/.exec(again.text_body)?.[1] ?? '';
      assert.notEqual(fresh, code);
      assertProblem(await viewJson(code), 404, 'RESOURCE_NOT_FOUND', 'the old, expired link is replaced');
      assert.equal((await acceptJson(fresh)).statusCode, 201);
    });

    it('withdrawn: the page, the form and the JSON all 404', async () => {
      const { id, code } = await inviteWithCode({ email: uniqueEmail('withdrawn') });
      assert.equal(
        (await call(ctx, ctx.tokens.admin, 'DELETE', `/api/organizations/${ctx.orgId}/users/${id}/withdraw-invite`))
          .statusCode,
        200,
      );
      assert.equal((await page(code)).statusCode, 404);
      assert.equal((await postForm(code)).statusCode, 404);
      assertProblem(await acceptJson(code), 404, 'RESOURCE_NOT_FOUND');
      assert.equal(await roleOf(id), undefined);
    });
  });

  describe('the page', () => {
    it('shows the invitation, escaped, with the names prefilled; the form accepts and shows the token once', async () => {
      const evil = await createOrgWithMembers(ctx.admin, '<Evil & "Co">', 'evil');
      const email = uniqueEmail('page');
      const { id, code } = await inviteWithCode(
        {
          email,
          first_name: 'Pa"ge',
          last_name: '<Last>',
          role: 'light',
          message: '<script>alert(1)</script>\nline two',
        },
        evil.tokens.admin,
        evil.orgId,
      );
      const response = await page(code);
      assert.equal(response.statusCode, 200);
      assertPageHeaders(response, 'invitation page');
      assert.doesNotMatch(response.body, /<script>|<Evil|<Last>/);
      assert.match(response.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;\nline two/);
      assert.match(response.body, /&lt;Evil &amp; &quot;Co&quot;&gt;/);
      assert.match(response.body, /admin evil/);
      assert.match(response.body, /light member/);
      assert.match(response.body, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      assert.match(response.body, /name="first_name"[^>]*value="Pa&quot;ge"/);
      assert.match(response.body, /name="last_name"[^>]*value="&lt;Last&gt;"/);
      assert.match(response.body, new RegExp(`<form method="post" action="/invitations/${code}">`));
      assert.match(response.body, /<label for="first_name">/);

      const tooLong = await postForm(code, `first_name=${'x'.repeat(201)}&last_name=L`);
      assert.equal(tooLong.statusCode, 422);
      assertPageHeaders(tooLong, '422 page');
      assert.match(tooLong.body, /role="alert"/);
      assert.match(tooLong.body, /aria-invalid="true"/);
      assert.equal(await roleOf(id, evil.orgId), undefined);

      const accepted = await postForm(code, 'first_name=Ignored&last_name=Too');
      assert.equal(accepted.statusCode, 201, accepted.body);
      assertPageHeaders(accepted, 'accepted page');
      const token = /<pre><code>(gst_[A-Za-z0-9_-]+)<\/code><\/pre>/.exec(accepted.body)?.[1];
      assert.ok(token, 'the token is on the page');
      assert.match(accepted.body, /Authorization: Bearer &lt;token&gt;/);
      assert.match(accepted.body, /http:\/\/guests\.test\/api\//);
      assert.match(accepted.body, new RegExp(evil.orgId));
      assert.match(accepted.body, /shown only this once/);
      assert.equal((await call(ctx, token, 'GET', `/api/organizations/${evil.orgId}/guests`)).statusCode, 200);
      assert.equal((await roleOf(id, evil.orgId))?.invited_by, evil.members.admin);
      const user = await ctx.db.kysely.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual([user.first_name, user.last_name], ['Pa"ge', '<Last>']);

      const again = await postForm(code);
      assert.equal(again.statusCode, 404);
      assert.equal(again.body, (await page(randomSecret(24))).body, 'the one 404 page');
      assert.doesNotMatch(again.body, /gst_/);
    });

    it('takes its own form only: JSON is 415, as a page', async () => {
      const { code } = await inviteWithCode({ email: uniqueEmail('json') });
      const response = await ctx.app.inject({
        method: 'POST',
        url: `/invitations/${code}`,
        payload: { first_name: 'J' },
      });
      assert.equal(response.statusCode, 415);
      assertPageHeaders(response, '415 page');
      assert.equal((await page(code)).statusCode, 200, 'still open');
    });
  });

  describe('hostile input', () => {
    const MALFORMED = {
      'too short': 'abc',
      'one too long': `${randomSecret(24)}a`,
      'very long': 'a'.repeat(500),
      'a character outside URL-safe base64': `${randomSecret(24).slice(0, 31)}!`,
      'a NUL byte': `${randomSecret(24).slice(0, 31)}%00`,
      'an encoded slash': `${randomSecret(24).slice(0, 16)}%2F${randomSecret(24).slice(0, 15)}`,
      'white space': `%20${randomSecret(24)}`,
      SQL: `'%20or%20'1'='1`,
      dots: '...',
      unicode: encodeURIComponent('ü'.repeat(32)),
    };

    it('every code that opens nothing gets the same 404, as a page and as JSON; never a 500', async () => {
      const used = await inviteWithCode({ email: uniqueEmail('used') });
      assert.equal((await acceptJson(used.code)).statusCode, 201);
      const withdrawn = await inviteWithCode({ email: uniqueEmail('gone') });
      assert.equal(
        (
          await call(
            ctx,
            ctx.tokens.admin,
            'DELETE',
            `/api/organizations/${ctx.orgId}/users/${withdrawn.id}/withdraw-invite`,
          )
        ).statusCode,
        200,
      );
      const replaced = await inviteWithCode({ email: uniqueEmail('replaced') });
      assert.equal(
        (
          await call(
            ctx,
            ctx.tokens.admin,
            'POST',
            `/api/organizations/${ctx.orgId}/users/${replaced.id}/resend-invite`,
          )
        ).statusCode,
        200,
      );
      const bad: Record<string, string> = {
        ...MALFORMED,
        unknown: randomSecret(24),
        accepted: used.code,
        withdrawn: withdrawn.code,
        replaced: replaced.code,
      };
      const reference = await page(randomSecret(24));
      assert.equal(reference.statusCode, 404);
      assertPageHeaders(reference, '404 page');
      const referenceJson = await viewJson(randomSecret(24));
      assertProblem(referenceJson, 404, 'RESOURCE_NOT_FOUND');
      for (const [name, code] of Object.entries(bad)) {
        for (const response of [await page(code), await postForm(code)]) {
          assert.equal(response.statusCode, 404, `${name} page`);
          assert.equal(response.body, reference.body, `${name}: the same page`);
          assert.deepEqual(stableHeaders(response), stableHeaders(reference), `${name}: the same headers`);
        }
        for (const response of [await viewJson(code), await acceptJson(code, { first_name: 'x' })]) {
          assert.equal(response.statusCode, 404, `${name} JSON`);
          assert.deepEqual(sameAnswerPart(response), sameAnswerPart(referenceJson), `${name}: the same body`);
        }
      }
      // What the router itself refuses, before any route runs: still a 4xx, never a 500.
      assertProblem(await page('a'.repeat(600)), 414, 'URI_TOO_LONG');
      assertProblem(await acceptJson('a'.repeat(600)), 414, 'URI_TOO_LONG');
      assertProblem(await page('%E0%A4%A'), 400, 'BAD_REQUEST');
      assertProblem(await viewJson('%E0%A4%A'), 400, 'BAD_REQUEST');
    });
  });
});
