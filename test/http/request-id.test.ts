/**
 * docs/conventions.md, Request ids: a well-formed X-Request-Id is kept, anything else replaced;
 * every answer carries the id, every error body too, and the log lines of a request name it (and,
 * once authenticated, the organization, member and token).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildTestApp, call, guestsUrl, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';

describe('request ids', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  const list = (headers: Record<string, string> = {}) =>
    call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId), undefined, headers);

  it('echoes a well-formed X-Request-Id', async () => {
    for (const id of ['abc', 'req-1.2_3:4@host/x+y=z', 'x'.repeat(128)]) {
      const response = await list({ 'x-request-id': id });
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['x-request-id'], id);
    }
  });

  it('replaces an ill-formed one (too long, spaces, CR/LF, other characters, empty)', async () => {
    for (const id of ['x'.repeat(129), 'a b', 'a\r\nSet-Cookie: x=1', 'a<b>', 'ümlaut', '']) {
      const response = await ctx.app.inject({
        method: 'GET',
        url: guestsUrl(ctx.orgId),
        headers: { authorization: `Bearer ${ctx.tokens.admin}`, 'x-request-id': id },
      });
      const answered = String(response.headers['x-request-id']);
      assert.notEqual(answered, id);
      assert.match(answered, /^[A-Za-z0-9._:@/+=-]{1,128}$/);
      assert.equal(response.headers['set-cookie'], undefined);
    }
  });

  it('makes a new id for each request without one', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i += 1) ids.add(String((await list()).headers['x-request-id']));
    assert.equal(ids.size, 20);
  });

  it('names the request in every error body and on answers given outside routes', async () => {
    const unknown = await ctx.app.inject({ method: 'GET', url: '/no/such/path', headers: { 'x-request-id': 'nf-1' } });
    assert.equal(assertProblem(unknown, 404, 'ENDPOINT_NOT_FOUND').request_id, 'nf-1');
    const wrongMethod = await ctx.app.inject({ method: 'PATCH', url: guestsUrl(ctx.orgId) });
    assertProblem(wrongMethod, 405, 'METHOD_NOT_ALLOWED');
    const badUrl = await ctx.app.inject({
      method: 'GET',
      url: '/api/organizations/%E0%A4%A',
      headers: { 'x-request-id': 'u-1' },
    });
    assert.equal(assertProblem(badUrl, 400, 'BAD_REQUEST').request_id, 'u-1');
    const unauthenticated = await call(ctx, null, 'GET', guestsUrl(ctx.orgId), undefined, { 'x-request-id': 'a-1' });
    assert.equal(assertProblem(unauthenticated, 401, 'UNAUTHENTICATED').request_id, 'a-1');
    const page = await ctx.app.inject({ method: 'GET', url: '/docs/errors', headers: { 'x-request-id': 'p-1' } });
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['x-request-id'], 'p-1');
  });

  it('logs the access line with the id, the organization, member and token, never the token', async () => {
    await list({ 'x-request-id': 'log-1' });
    const line = ctx.logs.find((l) => l.reqId === 'log-1' && l.msg === 'request completed');
    assert.ok(line, 'the access log line names the request id');
    assert.equal(line.organizationId, ctx.orgId);
    assert.equal(line.memberId, ctx.members.admin);
    assert.equal(typeof line.tokenId, 'number');
    assert.doesNotMatch(JSON.stringify(line), new RegExp(ctx.tokens.admin));
  });
});

describe('a 500 and its request id', () => {
  it('has the same id in the header, the body, its text and the error log line', async () => {
    const broken = await buildTestApp();
    try {
      await (
        broken.db.kind === 'postgres'
          ? sql`drop table organization_guests cascade`
          : sql`drop table organization_guests`
      ).execute(broken.db.kysely);
      const response = await call(broken, broken.tokens.admin, 'GET', guestsUrl(broken.orgId));
      const body = assertProblem(response, 500, 'INTERNAL');
      const id = String(response.headers['x-request-id']);
      assert.equal(body.request_id, id);
      assert.ok(body.message.includes(id), `the message names the id: ${body.message}`);
      const logged = broken.logs.find((line) => line.level === 50 && line.reqId === id);
      assert.ok(logged, 'the error log line names the request id');
      assert.equal(logged.organizationId, broken.orgId);
      assert.equal(logged.memberId, broken.members.admin);
    } finally {
      await broken.close();
    }
  });
});
