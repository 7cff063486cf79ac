/**
 * The per-token request limit (docs/conventions.md, Request limits) in process and in Redis, and
 * the health endpoints.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buildTestApp, call, guestsUrl, type TestContext } from '../../support/app.js';
import { REDIS_URL, redisAnswers } from '../../support/redis.js';

describe('per-token request limit, in process', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ env: { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_SECONDS: '60' } });
  });
  after(() => ctx.close());

  it('answers RateLimit headers, then 429 with Retry-After past the limit', async () => {
    const url = guestsUrl(ctx.orgId);
    for (let i = 0; i < 3; i += 1) {
      const response = await call(ctx, ctx.tokens.standard, 'GET', url);
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['ratelimit-policy'], '"per-token";q=3;w=60');
      assert.match(String(response.headers.ratelimit), new RegExp(`^"per-token";r=${2 - i};t=\\d+$`));
    }
    const refused = await call(ctx, ctx.tokens.standard, 'GET', url);
    assert.equal(refused.statusCode, 429);
    assert.match(String(refused.headers['content-type']), /problem\+json/);
    assert.equal(refused.json().code, 'RATE_LIMIT_EXCEEDED');
    const retryAfter = Number(refused.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
    assert.match(String(refused.headers.ratelimit), /r=0;/);
    // Other tokens have their own count.
    assert.equal((await call(ctx, ctx.tokens.light, 'GET', url)).statusCode, 200);
  });

  it('a refused request writes nothing', async () => {
    for (let i = 0; i < 3; i += 1) await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId));
    const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email: 'limited@partner.test' });
    assert.equal(response.statusCode, 429);
    const row = await ctx.db.kysely
      .selectFrom('guests')
      .select('id')
      .where('email', '=', 'limited@partner.test')
      .executeTakeFirst();
    assert.equal(row, undefined);
  });

  it('counts requests the organization check refuses, so a token cannot probe other organizations unlimited', async () => {
    const other = await ctx.admin.createOrganization({ name: 'Elsewhere' });
    const prober = await ctx.admin.addMember({
      organizationId: ctx.orgId,
      email: 'prober@members.test',
      role: 'standard',
    });
    const token = (await ctx.admin.createToken({ email: prober.email })).token;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await call(ctx, token, 'GET', guestsUrl(other.id))).statusCode);
    assert.deepEqual(statuses, [403, 403, 403, 429, 429]);
  });

  it('RATE_LIMIT_MAX=0 turns the limit off', async () => {
    const open = await buildTestApp({ env: { RATE_LIMIT_MAX: '0' } });
    try {
      for (let i = 0; i < 5; i += 1) {
        const response = await call(open, open.tokens.admin, 'GET', guestsUrl(open.orgId));
        assert.equal(response.statusCode, 200);
        assert.equal(response.headers.ratelimit, undefined);
      }
    } finally {
      await open.close();
    }
  });
});

describe('per-token request limit, in Redis', async () => {
  const available = await redisAnswers();

  it(
    'two instances on one Redis share one count',
    { skip: available ? false : `no Redis at ${REDIS_URL}` },
    async () => {
      const prefix = `test:${randomBytes(6).toString('hex')}:`;
      const env = { RATE_LIMIT_MAX: '5', REDIS_URL, REDIS_KEY_PREFIX: prefix };
      const first = await buildTestApp({ env });
      // A second app on the same database would be a second instance; here its tokens differ, so
      // the same token is used against both apps through the shared key (the limit is keyed by token
      // id): token ids match by construction, each app's admin token being its first.
      const second = await buildTestApp({ env });
      const adminTokenId = async (ctx: typeof first) =>
        (
          await ctx.db.kysely
            .selectFrom('access_tokens')
            .select('id')
            .where('user_id', '=', ctx.members.admin)
            .executeTakeFirstOrThrow()
        ).id;
      try {
        assert.equal(await adminTokenId(first), await adminTokenId(second));
        const statuses: number[] = [];
        for (let i = 0; i < 8; i += 1) {
          const app = i % 2 === 0 ? first : second;
          statuses.push((await call(app, app.tokens.admin, 'GET', guestsUrl(app.orgId))).statusCode);
        }
        assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
      } finally {
        await first.close();
        await second.close();
      }
    },
  );

  it('with Redis unreachable, requests are still served and the limit holds per instance', async () => {
    const ctx = await buildTestApp({
      env: { RATE_LIMIT_MAX: '2', REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: 'unreachable:' },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1)
        statuses.push((await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId))).statusCode);
      assert.deepEqual(statuses, [200, 200, 429]);
      assert.ok(
        ctx.logs.some((line) => line.level === 40 && /Redis unavailable/.test(String(line.msg))),
        'the degraded limit is logged',
      );
    } finally {
      await ctx.close();
    }
  });
});

describe('health', () => {
  it('live is 200; ready is 200 with the database and 503 without it', async () => {
    const ctx = await buildTestApp();
    const live = await ctx.app.inject({ method: 'GET', url: '/health/live' });
    assert.equal(live.statusCode, 200);
    assert.deepEqual(live.json(), { status: 'ok' });
    assert.equal((await ctx.app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200);
    await ctx.db.close();
    const ready = await ctx.app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(ready.statusCode, 503);
    assert.equal(ready.json().code, 'SERVICE_UNAVAILABLE');
    assert.equal(ready.headers['retry-after'], '5');
    await ctx.close();
  });
});
