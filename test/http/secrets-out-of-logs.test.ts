/**
 * Secrets that travel in paths stay out of the access log, and no answer may be kept by a cache:
 * answers carry personal data and, at times, secrets (a new token, a guest's link).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, createGuest, uniqueEmail, type TestContext } from '../../support/app.js';
import { redactSecrets } from '../../src/core/log-redaction.js';
import { redactText } from '../../src/core/log-redaction.js';

describe('secrets in paths and caching', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  const accessLines = () =>
    ctx.logs.filter((line) => line.msg === 'request completed').map((line) => JSON.stringify(line));

  it('redactSecrets replaces guest and invitation codes, and nothing else', () => {
    assert.equal(redactSecrets('/guest/abcDEF_123-x?saved=1'), '/guest/[code]?saved=1');
    assert.equal(redactSecrets('/api/guest/abc/preferences'), '/api/guest/[code]/preferences');
    assert.equal(redactSecrets('/invitations/abc'), '/invitations/[code]');
    assert.equal(redactSecrets('/api/invitations/abc/accept'), '/api/invitations/[code]/accept');
    assert.equal(redactSecrets('/api/organizations/x/guests'), '/api/organizations/x/guests');
    assert.equal(
      redactSecrets('/api/organizations/x/guests?q=smith&page=2'),
      '/api/organizations/x/guests?q=smith&page=2',
    );
  });

  it('redactSecrets and redactText replace email addresses, in paths, queries and free text', () => {
    assert.equal(redactSecrets('/api/organizations/x/guests/a%40b.test'), '/api/organizations/x/guests/[email]');
    assert.equal(
      redactSecrets('/organizations/x/guests/A%40B.test/reset-link?q=c@d.test&page=1'),
      '/organizations/x/guests/[email]/reset-link?q=[email]&page=1',
    );
    assert.equal(
      redactText('550 5.1.1 <joe+x@example.com>: no such user; Key (email)=(a@b.test) exists'),
      '550 5.1.1 <[email]>: no such user; Key (email)=([email]) exists',
    );
    assert.equal(
      redactText('at /app/node_modules/@fastify/swagger/index.js; GET /guest/abc'),
      'at /app/node_modules/@fastify/swagger/index.js; GET /guest/[code]',
    );
  });

  it("a guest's code is never in the access log: page, form and JSON API", async () => {
    const guest = await createGuest(ctx);
    const code = String(guest.link).split('/').pop() as string;
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/guest/${code}` })).statusCode, 200);
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}` })).statusCode, 200);
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}/preferences` })).statusCode, 200);
    const lines = accessLines();
    assert.ok(
      lines.some((line) => line.includes('/api/guest/[code]/preferences')),
      'the request is logged, redacted',
    );
    assert.ok(!lines.some((line) => line.includes(code)), 'the code is in no access log line');
  });

  it("an invitation's code is never in the access log", async () => {
    const email = uniqueEmail('logged-invite');
    assert.equal(
      (await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/users/invite`, { email })).statusCode,
      200,
    );
    const row = await ctx.db.kysely
      .selectFrom('outbox')
      .select('text_body')
      .where('recipient', '=', email)
      .executeTakeFirstOrThrow();
    const code = /\/invitations\/([A-Za-z0-9_-]+)/.exec(row.text_body)?.[1] as string;
    assert.ok(code);
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/invitations/${code}` })).statusCode, 200);
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/api/invitations/${code}` })).statusCode, 200);
    const lines = accessLines();
    assert.ok(lines.some((line) => line.includes('/api/invitations/[code]')));
    assert.ok(!lines.some((line) => line.includes(code)));
  });

  it('every answer says Cache-Control: no-store: API, guest JSON, a new token, errors', async () => {
    const guest = await createGuest(ctx);
    const code = String(guest.link).split('/').pop() as string;
    const answers = [
      await call(ctx, ctx.tokens.admin, 'GET', `/api/organizations/${ctx.orgId}/guests`),
      await call(ctx, ctx.tokens.light, 'POST', '/me/tokens', { name: 'cached?' }),
      await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}` }),
      await call(ctx, null, 'GET', '/me'),
    ];
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      [200, 201, 200, 401],
    );
    for (const answer of answers) assert.equal(answer.headers['cache-control'], 'no-store');
  });
});
