/**
 * The work one token can cause: unpaginated lists and bulk creates run at most
 * HEAVY_REQUESTS_PER_TOKEN at once per token, unpaginated lists return at most
 * UNPAGINATED_ROWS_PER_MINUTE rows per token per minute, and a long list gives way to other
 * requests while it is serialized.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, guestsUrl, type TestContext } from '../../support/app.js';
import { startTestDnsServer, type TestDnsServer } from '../../support/dns-server.js';
import { assertProblem } from '../../support/problem.js';

async function seedGuests(ctx: TestContext, count: number, label: string): Promise<void> {
  for (let start = 0; start < count; start += 1000) {
    const items = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
      email: `${label}${start + i}@seed.test`,
      first_name: 'Seed',
    }));
    const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId, undefined, '/bulk'), items);
    assert.equal(response.statusCode, 200, response.body);
  }
}

const unpaginated = (ctx: TestContext, token: string) =>
  call(ctx, token, 'GET', `${guestsUrl(ctx.orgId)}?without_pagination=true`);

describe('heavy requests at once per token', () => {
  let dns: TestDnsServer;
  let ctx: TestContext;
  before(async () => {
    dns = await startTestDnsServer({
      zones: {},
      wildcardSuffixes: { test: { mx: [{ exchange: 'mx.mail.test', priority: 10 }] } },
      silentNames: ['slow.example'],
    });
    ctx = await buildTestApp({
      env: {
        DNS_SERVERS: dns.address,
        DNS_TIMEOUT_MS: '1000',
        DNS_CANARY_DOMAIN: '',
        HEAVY_REQUESTS_PER_TOKEN: '1',
        BULK_DEADLINE_SECONDS: '2',
      },
    });
  });
  after(async () => {
    await ctx.close();
    await dns.close();
  });

  it('while a bulk create of a token runs, its unpaginated list and second bulk are 429; other tokens go on', async () => {
    const slow = call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId, undefined, '/bulk'), [
      { email: 'someone@slow.example' },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const list = await unpaginated(ctx, ctx.tokens.admin);
    assertProblem(list, 429, 'RATE_LIMIT_EXCEEDED', 'list while a bulk runs');
    assert.equal(list.headers['retry-after'], '1');
    assertProblem(
      await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId, undefined, '/bulk'), [{ email: 'other@ok.test' }]),
      429,
      'RATE_LIMIT_EXCEEDED',
      'second bulk',
    );
    assert.equal((await unpaginated(ctx, ctx.tokens.standard)).statusCode, 200, 'another token');
    assert.equal(
      (await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId))).statusCode,
      200,
      'a page is not heavy',
    );
    assert.equal((await slow).statusCode, 200);
    assert.equal((await unpaginated(ctx, ctx.tokens.admin)).statusCode, 200, 'the place is given back');
    assert.equal((await unpaginated(ctx, ctx.tokens.admin)).statusCode, 200, 'and again after a list');
  });
});

describe('rows of unpaginated lists per token per minute', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ env: { UNPAGINATED_ROWS_PER_MINUTE: '5' } });
    await seedGuests(ctx, 4, 'rows');
  });
  after(() => ctx.close());

  it('lists until the token has had its rows this minute, then 429 with Retry-After', async () => {
    const first = await unpaginated(ctx, ctx.tokens.light);
    assert.equal(first.statusCode, 200);
    assert.equal(first.json<{ data: unknown[] }>().data.length, 4);
    assert.equal((await unpaginated(ctx, ctx.tokens.light)).statusCode, 200, '4 rows < 5');
    const refused = await unpaginated(ctx, ctx.tokens.light);
    assertProblem(refused, 429, 'RATE_LIMIT_EXCEEDED');
    const seconds = Number(refused.headers['retry-after']);
    assert.ok(seconds >= 1 && seconds <= 60, `Retry-After ${String(refused.headers['retry-after'])}`);
    assert.equal((await call(ctx, ctx.tokens.light, 'GET', guestsUrl(ctx.orgId))).statusCode, 200, 'pages still work');
    assert.equal((await unpaginated(ctx, ctx.tokens.admin)).statusCode, 200, 'another token');
  });
});

describe('a long unpaginated list', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ env: { EMAIL_DNS_CHECK: 'off' } });
    await seedGuests(ctx, 2050, 'long');
  });
  after(() => ctx.close());

  it('is whole and valid, and other requests are answered while it is serialized', async () => {
    let listDone = false;
    const list = unpaginated(ctx, ctx.tokens.admin).then((response) => {
      listDone = true;
      return response;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const live = await ctx.app.inject({ method: 'GET', url: '/health/live' });
    assert.equal(live.statusCode, 200);
    assert.equal(listDone, false, 'liveness answered before the list was done');
    const response = await list;
    assert.equal(response.statusCode, 200);
    const body = response.json<{ data: Array<{ email: string }>; meta: { pagination: { total: number } } }>();
    assert.equal(body.data.length, 2050);
    assert.equal(new Set(body.data.map((g) => g.email)).size, 2050);
    assert.equal(body.meta.pagination.total, 2050);
  });
});
