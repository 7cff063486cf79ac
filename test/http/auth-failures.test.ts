/**
 * Throttling before authentication: unknown bearer tokens and unknown guest or invitation codes
 * are counted per client address (IPv6 by /64); past AUTH_FAILURE_LIMIT the address is answered
 * 429 with Retry-After before any look-up. Unknown token hashes are remembered for a few seconds,
 * but never hide a token created since.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.js';
import { sha256 } from '../../src/core/secrets.js';
import { buildTestApp, type TestContext } from '../../support/app.js';
import { REDIS_URL, redisAnswers } from '../../support/redis.js';
import { assertProblem } from '../../support/problem.js';

function me(ctx: Pick<TestContext, 'app'>, token: string, remoteAddress = '127.0.0.1') {
  return ctx.app.inject({
    method: 'GET',
    url: '/api/me',
    headers: { authorization: `Bearer ${token}` },
    remoteAddress,
  });
}

const badToken = () => `gst_${randomBytes(16).toString('hex')}`;
const guestCode = () => randomBytes(24).toString('base64url');

describe('unknown bearer tokens per client address', () => {
  it('answers 401 up to the limit, then 429 with Retry-After before looking anything up, even for a good token', async () => {
    const ctx = await buildTestApp({ env: { AUTH_FAILURE_LIMIT: '3', AUTH_FAILURE_WINDOW_SECONDS: '60' } });
    try {
      for (let i = 0; i < 3; i += 1) assertProblem(await me(ctx, badToken()), 401, 'UNAUTHENTICATED', `bad token ${i}`);
      const refused = await me(ctx, badToken());
      assertProblem(refused, 429, 'RATE_LIMIT_EXCEEDED');
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${String(refused.headers['retry-after'])}`);
      assertProblem(
        await me(ctx, ctx.tokens.admin),
        429,
        'RATE_LIMIT_EXCEEDED',
        'the address is held back whatever it sends',
      );
      // Another address is not.
      assert.equal((await me(ctx, ctx.tokens.admin, '127.0.0.2')).statusCode, 200);
    } finally {
      await ctx.close();
    }
  });

  it('counts an IPv6 client by its /64', async () => {
    const ctx = await buildTestApp({ env: { AUTH_FAILURE_LIMIT: '2' } });
    try {
      assertProblem(await me(ctx, badToken(), '2001:db8:1:2::1'), 401, 'UNAUTHENTICATED');
      assertProblem(await me(ctx, badToken(), '2001:db8:1:2:ffff::9'), 401, 'UNAUTHENTICATED');
      assertProblem(await me(ctx, ctx.tokens.admin, '2001:db8:1:2:abcd::7'), 429, 'RATE_LIMIT_EXCEEDED', 'same /64');
      assert.equal((await me(ctx, ctx.tokens.admin, '2001:db8:1:3::1')).statusCode, 200, 'another /64');
    } finally {
      await ctx.close();
    }
  });

  it('good tokens never count, and AUTH_FAILURE_LIMIT=0 turns the throttle off', async () => {
    const limited = await buildTestApp({ env: { AUTH_FAILURE_LIMIT: '2' } });
    try {
      for (let i = 0; i < 5; i += 1) assert.equal((await me(limited, limited.tokens.admin)).statusCode, 200);
    } finally {
      await limited.close();
    }
    const off = await buildTestApp({ env: { AUTH_FAILURE_LIMIT: '0' } });
    try {
      for (let i = 0; i < 5; i += 1) assertProblem(await me(off, badToken()), 401, 'UNAUTHENTICATED');
    } finally {
      await off.close();
    }
  });

  it('remembers an unknown token for a moment (no look-up), each app its own memory', async () => {
    const ctx = await buildTestApp({ env: { AUTH_FAILURE_LIMIT: '0' } });
    try {
      const user = await ctx.db.kysely
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'acme-admin@members.test')
        .executeTakeFirstOrThrow();
      const at = '2026-01-01 00:00:00';
      // Written behind the service's back (as another instance would): still refused from memory.
      const elsewhere = badToken();
      assertProblem(await me(ctx, elsewhere), 401, 'UNAUTHENTICATED');
      await sql`insert into access_tokens (user_id, name, token_hash, created_at, expires_at, revoked_at) values (${user.id}, 'elsewhere', ${sha256(elsewhere)}, ${at}, null, null)`.execute(
        ctx.db.kysely,
      );
      assertProblem(await me(ctx, elsewhere), 401, 'UNAUTHENTICATED', 'answered from memory, not the database');
      // The memory is the app's own, not the process's: another app on the same database looks it up.
      const other = await buildApp({
        config: ctx.config,
        db: ctx.db,
        emailChecker: { checkDomain: () => Promise.reject(new Error('unused')) },
        logger: false,
        codes: ctx.links.codes,
      });
      try {
        assert.equal((await me({ app: other }, elsewhere)).statusCode, 200);
      } finally {
        await other.close();
      }
    } finally {
      await ctx.close();
    }
  });
});

describe('unknown guest and invitation codes per client address', () => {
  it('guest JSON, guest page and invitations count together; past the limit 429 before any look-up', async () => {
    const ctx = await buildTestApp({ env: { AUTH_FAILURE_LIMIT: '3' } });
    try {
      assertProblem(
        await ctx.app.inject({ method: 'GET', url: `/api/guest/${guestCode()}` }),
        404,
        'RESOURCE_NOT_FOUND',
      );
      assert.equal((await ctx.app.inject({ method: 'GET', url: `/guest/${guestCode()}` })).statusCode, 404);
      assertProblem(
        await ctx.app.inject({ method: 'GET', url: `/api/invitations/${guestCode()}` }),
        404,
        'RESOURCE_NOT_FOUND',
      );
      const json = await ctx.app.inject({ method: 'GET', url: `/api/guest/${guestCode()}` });
      assertProblem(json, 429, 'RATE_LIMIT_EXCEEDED');
      assert.ok(Number(json.headers['retry-after']) >= 1);
      assertProblem(
        await ctx.app.inject({ method: 'GET', url: `/api/invitations/${guestCode()}` }),
        429,
        'RATE_LIMIT_EXCEEDED',
      );
      const page = await ctx.app.inject({ method: 'GET', url: `/guest/${guestCode()}` });
      assert.equal(page.statusCode, 429);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.ok(Number(page.headers['retry-after']) >= 1);
      // Bearer tokens share the address's count.
      assertProblem(await me(ctx, ctx.tokens.admin), 429, 'RATE_LIMIT_EXCEEDED');
      assert.equal(
        (await ctx.app.inject({ method: 'GET', url: `/api/guest/${guestCode()}`, remoteAddress: '127.0.0.9' }))
          .statusCode,
        404,
        'another address',
      );
    } finally {
      await ctx.close();
    }
  });
});

describe('failures counted in Redis', async () => {
  const available = await redisAnswers();
  it(
    'two instances on one Redis share the count of an address',
    { skip: available ? false : `no Redis at ${REDIS_URL}` },
    async () => {
      const env = { AUTH_FAILURE_LIMIT: '4', REDIS_URL, REDIS_KEY_PREFIX: `test:${randomBytes(6).toString('hex')}:` };
      const first = await buildTestApp({ env });
      const second = await buildTestApp({ env });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 6; i += 1) statuses.push((await me(i % 2 === 0 ? first : second, badToken())).statusCode);
        assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429]);
      } finally {
        await first.close();
        await second.close();
      }
    },
  );
});
