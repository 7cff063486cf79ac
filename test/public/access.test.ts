/**
 * `POST /public/guests/access` (docs/guest-side.md, Request guest links): the same 202 for any
 * address; one queued email listing every active link of a known guest and none for anyone else;
 * validation. The limits have their own file.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTestApp,
  call,
  createGuest,
  createOrgWithMembers,
  guestsUrl,
  uniqueEmail,
  type TestContext,
} from '../../support/app.js';
import { formatTimestamp } from '../../src/core/time.js';
import {
  ACCESS_URL,
  assertAccepted,
  comparableHeaders,
  outboxCount,
  outboxFor,
  requestAccess,
} from './access-helpers.js';
import { assertProblem } from '../../support/problem.js';

describe('POST /public/guests/access', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ env: { ACCESS_EMAIL_LIMIT_PER_IP: '0', ACCESS_EMAIL_LIMIT_PER_EMAIL: '0' } });
  });
  after(() => ctx.close());

  it('answers a known and an unknown address with the same status, headers and body', async () => {
    const guest = await createGuest(ctx);
    const known = await requestAccess(ctx, guest.email);
    const unknown = await requestAccess(ctx, uniqueEmail('nobody'));
    assertAccepted(known, 'known');
    assertAccepted(unknown, 'unknown');
    assert.equal(known.body, unknown.body);
    assert.deepEqual(comparableHeaders(known), comparableHeaders(unknown));
  });

  it('queues one email for a known guest, with the link, and none for an unknown address', async () => {
    const guest = await createGuest(ctx);
    const before = await outboxCount(ctx);
    assertAccepted(await requestAccess(ctx, uniqueEmail('stranger')));
    assert.equal(await outboxCount(ctx), before, 'unknown address: nothing queued');

    assertAccepted(await requestAccess(ctx, guest.email));
    const rows = await outboxFor(ctx, guest.email);
    assert.equal(rows.length, 1);
    const [row] = rows;
    assert.ok(row);
    assert.equal(row.kind, 'guest_access');
    assert.equal(row.subject, 'Your guest links');
    assert.ok(row.text_body.includes(String(guest.link)), row.text_body);
    assert.ok(row.html_body?.includes(`href="${String(guest.link)}"`), row.html_body ?? '');
    assert.ok(row.text_body.includes('Acme'));
    assert.match(row.message_id, /^<[A-Za-z0-9_-]{20,}@guests\.test>$/);
    assert.equal(row.attempts, 0);
    assert.equal(row.sent_at, null);
    assert.equal(row.available_at, row.created_at);
  });

  it('queues one message per request, each with its own Message-ID', async () => {
    const guest = await createGuest(ctx);
    assertAccepted(await requestAccess(ctx, guest.email));
    assertAccepted(await requestAccess(ctx, guest.email));
    const rows = await outboxFor(ctx, guest.email);
    assert.equal(rows.length, 2);
    assert.notEqual(rows[0]?.message_id, rows[1]?.message_id);
  });

  it('matches the address without regard to case or surrounding spaces, and answers under /api too', async () => {
    const guest = await createGuest(ctx);
    assertAccepted(await requestAccess(ctx, `  ${guest.email.toUpperCase()} `, '127.0.0.1', `/api${ACCESS_URL}`));
    const rows = await outboxFor(ctx, guest.email);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.recipient, guest.email);
  });

  it('lists every organization of the guest in one message, without removed or disabled records', async () => {
    const email = uniqueEmail('multi');
    const globex = await createOrgWithMembers(ctx.admin, 'Globex', `globex-${Date.now()}`);
    const initech = await createOrgWithMembers(ctx.admin, 'Initech', `initech-${Date.now()}`);
    const umbrella = await createOrgWithMembers(ctx.admin, 'Umbrella', `umbrella-${Date.now()}`);
    const inAcme = await createGuest(ctx, { email });
    const inGlobex = await createGuest(ctx, { email }, globex.tokens.admin, globex.orgId);
    const inInitech = await createGuest(ctx, { email }, initech.tokens.admin, initech.orgId);
    const inUmbrella = await createGuest(ctx, { email }, umbrella.tokens.admin, umbrella.orgId);
    // Removed from Initech through the API; disabled in Umbrella (set as the disable endpoint does).
    assert.equal((await call(ctx, initech.tokens.admin, 'DELETE', guestsUrl(initech.orgId, email))).statusCode, 200);
    await ctx.db.kysely
      .updateTable('organization_guests')
      .set({ disabled_at: formatTimestamp(new Date()), disabled_by: umbrella.members.admin })
      .where('organization_id', '=', umbrella.orgId)
      .where('guest_id', '=', inUmbrella.id)
      .execute();

    assertAccepted(await requestAccess(ctx, email));
    const rows = await outboxFor(ctx, email);
    assert.equal(rows.length, 1, 'one message for all organizations');
    const text = rows[0]?.text_body ?? '';
    const links = [...text.matchAll(/http:\/\/guests\.test\/guest\/\S+/g)].map((m) => m[0]).sort();
    assert.deepEqual(links, [String(inAcme.link), String(inGlobex.link)].sort());
    assert.ok(text.includes('Acme') && text.includes('Globex'));
    assert.ok(!text.includes('Initech') && !text.includes('Umbrella'), text);
    assert.ok(!text.includes(String(inInitech.link)));
  });

  it('sends nothing to a guest with no active record left', async () => {
    const email = uniqueEmail('gone');
    const guest = await createGuest(ctx, { email });
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, email))).statusCode, 200);
    assertAccepted(await requestAccess(ctx, email));
    const disabled = await createGuest(ctx);
    await ctx.db.kysely
      .updateTable('organization_guests')
      .set({ disabled_at: formatTimestamp(new Date()) })
      .where('organization_id', '=', ctx.orgId)
      .where('guest_id', '=', disabled.id)
      .execute();
    assertAccepted(await requestAccess(ctx, disabled.email));
    assert.equal((await outboxFor(ctx, guest.email)).length, 0);
    assert.equal((await outboxFor(ctx, disabled.email)).length, 0);
  });

  it('escapes organization names in the HTML part', async () => {
    const email = uniqueEmail('escape');
    const odd = await createOrgWithMembers(ctx.admin, '<b>Tom & "Jerry"</b>', `odd-${Date.now()}`);
    await createGuest(ctx, { email }, odd.tokens.admin, odd.orgId);
    assertAccepted(await requestAccess(ctx, email));
    const [row] = await outboxFor(ctx, email);
    assert.ok(row?.html_body?.includes('&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;'), row?.html_body ?? '');
    assert.ok(!row?.html_body?.includes('<b>Tom'));
    assert.ok(row?.text_body.includes('<b>Tom & "Jerry"</b>'), 'the text part carries the name as it is');
  });

  it('needs no token, and a token changes nothing', async () => {
    const guest = await createGuest(ctx);
    const response = await call(ctx, ctx.tokens.light, 'POST', ACCESS_URL, { email: guest.email });
    assertAccepted(response);
    assert.equal((await outboxFor(ctx, guest.email)).length, 1);
  });

  it('422 for a missing, empty, non-string or malformed email; nothing queued', async () => {
    const before = await outboxCount(ctx);
    const cases: Array<[unknown, string, RegExp]> = [
      [{}, 'email', /required/],
      [{ email: '' }, 'email', /required/],
      [{ email: null }, 'email', /required/],
      [{ email: 42 }, 'email', /must be a string/],
      [{ email: 'not-an-address' }, 'email', /valid email address/],
      [{ email: 'two@@at.test' }, 'email', /valid email address/],
      [{ email: `${'a'.repeat(65)}@partner.test` }, 'email', /valid email address/],
    ];
    for (const [payload, field, message] of cases) {
      const response = await ctx.app.inject({ method: 'POST', url: ACCESS_URL, payload: payload as object });
      const body = assertProblem(response, 422, 'VALIDATION_FAILED');
      const errors = body.errors as Record<string, string[]>;
      assert.match(errors[field]?.[0] ?? '', message, `${JSON.stringify(payload)}: ${response.body}`);
    }
    const array = await ctx.app.inject({ method: 'POST', url: ACCESS_URL, payload: [{ email: 'a@partner.test' }] });
    assertProblem(array, 422, 'VALIDATION_FAILED');
    // An empty JSON body is no body: the email is named as missing.
    const empty = await ctx.app.inject({
      method: 'POST',
      url: ACCESS_URL,
      payload: '',
      headers: { 'content-type': 'application/json' },
    });
    assert.match(
      (assertProblem(empty, 422, 'VALIDATION_FAILED').errors as Record<string, string[]>).email?.[0] ?? '',
      /required/,
      empty.body,
    );
    assert.equal(await outboxCount(ctx), before);
  });

  it("an unknown field is dropped and named in x-ignored-fields: 202, the known guest's email queued as without it", async () => {
    const guest = await createGuest(ctx);
    const response = await ctx.app.inject({
      method: 'POST',
      url: ACCESS_URL,
      payload: { email: guest.email, organization: 'x' },
    });
    assertAccepted(response);
    assert.equal(response.headers['x-ignored-fields'], 'organization');
    assert.equal((await outboxFor(ctx, guest.email)).length, 1);
    // An unknown address with the same unknown field: the same answer, headers included.
    const unknown = await ctx.app.inject({
      method: 'POST',
      url: ACCESS_URL,
      payload: { email: uniqueEmail('nobody'), organization: 'x' },
    });
    assertAccepted(unknown);
    assert.deepEqual(comparableHeaders(unknown), comparableHeaders(response));
  });

  it('UNKNOWN_FIELDS=reject: 422 naming the unknown field; nothing queued', async () => {
    const strict = await buildTestApp({
      env: { UNKNOWN_FIELDS: 'reject', ACCESS_EMAIL_LIMIT_PER_IP: '0', ACCESS_EMAIL_LIMIT_PER_EMAIL: '0' },
    });
    try {
      const guest = await createGuest(strict);
      const response = await strict.app.inject({
        method: 'POST',
        url: ACCESS_URL,
        payload: { email: guest.email, organization: 'x' },
      });
      const errors = assertProblem(response, 422, 'VALIDATION_FAILED').errors as Record<string, string[]>;
      assert.deepEqual(Object.keys(errors), ['organization']);
      assert.match(errors.organization?.[0] ?? '', /not allowed/);
      assert.equal(await outboxCount(strict), 0);
    } finally {
      await strict.close();
    }
  });

  it('400 for a body that is not JSON, 415 for another media type, 405 for another method', async () => {
    const broken = await ctx.app.inject({
      method: 'POST',
      url: ACCESS_URL,
      payload: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    assertProblem(broken, 400, 'INVALID_JSON');
    const text = await ctx.app.inject({
      method: 'POST',
      url: ACCESS_URL,
      payload: 'email=a@partner.test',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assertProblem(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const get = await ctx.app.inject({ method: 'GET', url: ACCESS_URL });
    assertProblem(get, 405, 'METHOD_NOT_ALLOWED');
  });
});
