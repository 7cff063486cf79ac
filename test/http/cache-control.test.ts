/**
 * No answer may be kept by a cache along the way: answers carry personal data and, at times,
 * secrets (a new token, a guest's link). Every kind of answer is checked here — JSON, streamed
 * lists, HTML pages, problem bodies of every origin (hooks, validation, the router, the URL
 * parser), HEAD, the documents — and every operation of the OpenAPI document, over in-process
 * requests and over a real socket.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { buildTestApp, call, createGuest, guestsUrl, uniqueEmail, type TestContext } from '../../support/app.js';

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
}

describe('Cache-Control: no-store on every answer', () => {
  let ctx: TestContext;
  let limited: TestContext;
  let code: string;
  let email: string;
  before(async () => {
    ctx = await buildTestApp();
    limited = await buildTestApp({ env: { RATE_LIMIT_MAX: '1' } });
    const guest = await createGuest(ctx);
    email = guest.email;
    code = String(guest.link).split('/').pop() as string;
  });
  after(async () => {
    await ctx.close();
    await limited.close();
  });

  const assertNoStore = (what: string, answer: Answer) =>
    assert.equal(answer.headers['cache-control'], 'no-store', `${what}: ${answer.statusCode}`);

  it('JSON answers, a streamed list, a new token, 201 and 204', async () => {
    const answers: Array<[string, Answer]> = [
      ['list', await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId))],
      ['streamed list', await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?without_pagination=true`)],
      ['get', await call(ctx, ctx.tokens.light, 'GET', guestsUrl(ctx.orgId, email))],
      ['create', await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email: uniqueEmail() })],
      ['new token', await call(ctx, ctx.tokens.light, 'POST', '/me/tokens', { name: 'cached?' })],
      ['guest JSON', await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}` })],
      ['public access', await ctx.app.inject({ method: 'POST', url: '/public/guests/access', payload: { email } })],
      ['health', await ctx.app.inject({ method: 'GET', url: '/health/ready' })],
      ['openapi', await ctx.app.inject({ method: 'GET', url: '/openapi.json' })],
      ['docs page', await ctx.app.inject({ method: 'GET', url: '/docs/errors' })],
    ];
    const group = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/groups`, {
      name: 'no-store',
    });
    answers.push(
      ['group create', group],
      [
        'group delete',
        await call(ctx, ctx.tokens.admin, 'DELETE', `/api/organizations/${ctx.orgId}/groups/${group.json().data.id}`),
      ],
    );
    assert.deepEqual(
      answers.map(([, a]) => a.statusCode),
      [200, 200, 200, 201, 201, 200, 202, 200, 200, 200, 201, 204],
    );
    for (const [what, answer] of answers) assertNoStore(what, answer);
  });

  it('HTML pages: the guest page, its form answer, an unknown code, an invitation page', async () => {
    const answers: Array<[string, Answer]> = [
      ['guest page', await ctx.app.inject({ method: 'GET', url: `/guest/${code}` })],
      [
        'guest form',
        await ctx.app.inject({
          method: 'POST',
          url: `/guest/${code}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'daily_digest=on',
        }),
      ],
      ['unknown guest page', await ctx.app.inject({ method: 'GET', url: '/guest/not-a-code-at-all-but-long-enough' })],
      ['unknown invitation page', await ctx.app.inject({ method: 'GET', url: '/invitations/nope' })],
    ];
    assert.deepEqual(
      answers.map(([, a]) => a.statusCode),
      [200, 303, 404, 404],
    );
    for (const [what, answer] of answers) assertNoStore(what, answer);
  });

  it('errors of every origin: auth, role, validation, not found, router 404 and 405, body, media type, URL, rate limit', async () => {
    const answers: Array<[string, Answer, number]> = [
      ['401', await call(ctx, null, 'GET', '/me'), 401],
      ['403 role', await call(ctx, ctx.tokens.light, 'POST', guestsUrl(ctx.orgId), { email: uniqueEmail() }), 403],
      ['422', await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email: 'not an email' }), 422],
      ['404 resource', await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, 'nobody@partner.test')), 404],
      ['404 route', await ctx.app.inject({ method: 'GET', url: '/no/such/route' }), 404],
      ['405', await ctx.app.inject({ method: 'PATCH', url: '/me' }), 405],
      [
        '400 JSON',
        await ctx.app.inject({
          method: 'POST',
          url: guestsUrl(ctx.orgId),
          headers: { authorization: `Bearer ${ctx.tokens.admin}`, 'content-type': 'application/json' },
          payload: '{',
        }),
        400,
      ],
      [
        '415',
        await ctx.app.inject({
          method: 'POST',
          url: guestsUrl(ctx.orgId),
          headers: { authorization: `Bearer ${ctx.tokens.admin}`, 'content-type': 'text/csv' },
          payload: 'a,b',
        }),
        415,
      ],
      [
        '413',
        await ctx.app.inject({
          method: 'POST',
          url: guestsUrl(ctx.orgId),
          headers: { authorization: `Bearer ${ctx.tokens.admin}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ email: 'x'.repeat(2 * 1024 * 1024) }),
        }),
        413,
      ],
      ['400 URL', await ctx.app.inject({ method: 'GET', url: '/api/organizations/%E0%A4%A/guests' }), 400],
      ['414 segment', await ctx.app.inject({ method: 'GET', url: `/api/guest/${'a'.repeat(600)}` }), 414],
      ['guest JSON 404', await ctx.app.inject({ method: 'GET', url: '/api/guest/nope' }), 404],
    ];
    await call(limited, limited.tokens.admin, 'GET', '/me');
    answers.push(['429', await call(limited, limited.tokens.admin, 'GET', '/me'), 429]);
    for (const [what, answer, status] of answers) {
      assert.equal(answer.statusCode, status, what);
      assertNoStore(what, answer);
    }
  });

  it('HEAD and conditional requests are no exception', async () => {
    const head = await call(ctx, ctx.tokens.admin, 'HEAD', guestsUrl(ctx.orgId));
    assert.equal(head.statusCode, 200);
    assertNoStore('HEAD', head);
    const first = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email));
    const conditional = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email), undefined, {
      'if-none-match': String(first.headers.etag ?? '*'),
      'if-modified-since': new Date().toUTCString(),
    });
    // Get guest sends an ETag (docs/guests.md, ETags and preconditions); its 304 says no-store too.
    assert.match(String(first.headers.etag), /^"[\w-]+"$/);
    assert.equal(conditional.statusCode, 304);
    assertNoStore('conditional', conditional);
  });

  it('every operation of the OpenAPI document, called as a light and an admin member', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const fill = (path: string) =>
      path
        .replace('{org_id}', ctx.orgId)
        .replace(/\{guest_email\}|\{guest_id_or_email\}/, encodeURIComponent(email))
        .replace('{guest_code}', code)
        .replace(/\{user_id\}|\{token_id\}/, '999999')
        .replace('{group_id}', '0'.repeat(32))
        .replace('{code}', 'nope');
    let calls = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const method of Object.keys(operations)) {
        for (const token of [ctx.tokens.light, ctx.tokens.admin]) {
          const body = method === 'get' || method === 'delete' ? undefined : {};
          const url = path.startsWith('/guest/') || path.startsWith('/invitations/') ? `/api${fill(path)}` : fill(path);
          const answer = await call(ctx, token, method.toUpperCase() as 'GET', url, body);
          assert.ok(answer.statusCode < 500, `${method} ${url}: ${answer.statusCode} ${answer.body}`);
          assertNoStore(`${method} ${url}`, answer);
          calls += 1;
        }
      }
    }
    assert.ok(calls > 50, `every operation called (${calls})`);
  });

  it('over a real socket too, a malformed URL and an unknown route included', async () => {
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const get = (path: string) =>
      new Promise<Answer>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${ctx.tokens.admin}` } }, (res) => {
            res.resume();
            res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers }));
          })
          .on('error', reject);
      });
    for (const path of [
      '/me',
      `/guest/${code}`,
      '/no/such/route',
      '/api/organizations/%E0%A4%A/guests',
      guestsUrl(ctx.orgId, email),
    ]) {
      assertNoStore(path, await get(path));
    }
  });
});
