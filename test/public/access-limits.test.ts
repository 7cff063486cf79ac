/**
 * The limits of `POST /public/guests/access`: per client IP (429 with Retry-After; IPv6 by /64)
 * and per address (the same 202, nothing sent), counted in the database.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, createGuest, uniqueEmail } from '../../support/app.js';
import { THROTTLE_SCOPE_IP } from '../../src/public/access.service.js';
import { throttleSubjectOfIp } from '../../src/core/client-address.js';
import { formatTimestamp } from '../../src/core/time.js';
import { assertAccepted, outboxFor, requestAccess } from './access-helpers.js';
import { assertProblem } from '../../support/problem.js';

describe('POST /public/guests/access limits', () => {
  it('per client IP: past the limit 429 with Retry-After, for known and unknown addresses alike; other IPs unaffected', async () => {
    const ctx = await buildTestApp({ env: { ACCESS_EMAIL_LIMIT_PER_IP: '3', ACCESS_EMAIL_LIMIT_PER_EMAIL: '0' } });
    try {
      const guest = await createGuest(ctx);
      assertAccepted(await requestAccess(ctx, uniqueEmail('x'), '198.51.100.7'));
      assertAccepted(await requestAccess(ctx, uniqueEmail('y'), '198.51.100.7'));
      assertAccepted(await requestAccess(ctx, guest.email, '198.51.100.7'));
      for (const email of [guest.email, uniqueEmail('z')]) {
        const over = await requestAccess(ctx, email, '198.51.100.7');
        const body = assertProblem(over, 429, 'RATE_LIMIT_EXCEEDED');
        assert.match(String(body.message), /at most 3 an hour/);
        const retryAfter = Number(over.headers['retry-after']);
        assert.ok(
          Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 3600,
          String(over.headers['retry-after']),
        );
      }
      assert.equal((await outboxFor(ctx, guest.email)).length, 1, 'the refused request queued nothing');
      assertAccepted(await requestAccess(ctx, guest.email, '198.51.100.8'));
      assert.equal((await outboxFor(ctx, guest.email)).length, 2);
      // IPv4-mapped IPv6 is the same client.
      assertProblem(await requestAccess(ctx, guest.email, '::ffff:198.51.100.7'), 429, 'RATE_LIMIT_EXCEEDED');
    } finally {
      await ctx.close();
    }
  });

  it('per client IP: IPv6 clients are counted by /64', async () => {
    const ctx = await buildTestApp({ env: { ACCESS_EMAIL_LIMIT_PER_IP: '2', ACCESS_EMAIL_LIMIT_PER_EMAIL: '0' } });
    try {
      assertAccepted(await requestAccess(ctx, uniqueEmail(), '2001:db8:1:2::1'));
      assertAccepted(await requestAccess(ctx, uniqueEmail(), '2001:db8:1:2:ffff::9'));
      assertProblem(await requestAccess(ctx, uniqueEmail(), '2001:db8:1:2:abcd:1:2:3'), 429, 'RATE_LIMIT_EXCEEDED');
      assertAccepted(await requestAccess(ctx, uniqueEmail(), '2001:db8:1:3::1'));
    } finally {
      await ctx.close();
    }
  });

  it('per address: past the limit the same 202, but nothing more is sent; other addresses unaffected', async () => {
    const ctx = await buildTestApp({ env: { ACCESS_EMAIL_LIMIT_PER_EMAIL: '2', ACCESS_EMAIL_LIMIT_PER_IP: '0' } });
    try {
      const guest = await createGuest(ctx);
      const other = await createGuest(ctx);
      const answers = [];
      // Different IPs and spellings: the address is what counts.
      answers.push(await requestAccess(ctx, guest.email, '203.0.113.1'));
      answers.push(await requestAccess(ctx, guest.email.toUpperCase(), '203.0.113.2'));
      answers.push(await requestAccess(ctx, guest.email, '203.0.113.3'));
      answers.push(await requestAccess(ctx, guest.email, '203.0.113.4'));
      for (const answer of answers) assertAccepted(answer);
      assert.equal((await outboxFor(ctx, guest.email)).length, 2);
      assertAccepted(await requestAccess(ctx, other.email, '203.0.113.1'));
      assert.equal((await outboxFor(ctx, other.email)).length, 1);
      const suppressed = ctx.logs.filter(
        (l) => l.msg === 'guest access email not sent: the address reached its hourly limit',
      );
      assert.equal(suppressed.length, 2);
      assert.ok(!JSON.stringify(suppressed).includes(guest.email), 'the log does not name the address');
    } finally {
      await ctx.close();
    }
  });

  it('counts live in the database: a count written by another instance applies here', async () => {
    const ctx = await buildTestApp({ env: { ACCESS_EMAIL_LIMIT_PER_IP: '5' } });
    try {
      const hour = new Date();
      hour.setUTCMinutes(0, 0, 0);
      await ctx.db.kysely
        .insertInto('throttle_windows')
        .values({ scope: THROTTLE_SCOPE_IP, subject: '192.0.2.44', window_start: formatTimestamp(hour), count: 5 })
        .execute();
      assertProblem(await requestAccess(ctx, uniqueEmail(), '192.0.2.44'), 429, 'RATE_LIMIT_EXCEEDED');
      assertAccepted(await requestAccess(ctx, uniqueEmail(), '192.0.2.45'));
      const rows = await ctx.db.kysely
        .selectFrom('throttle_windows')
        .selectAll()
        .where('subject', '=', '192.0.2.45')
        .execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.count, 1);
    } finally {
      await ctx.close();
    }
  });

  it("a request refused by the per-IP limit uses none of the address's allowance", async () => {
    const ctx = await buildTestApp({ env: { ACCESS_EMAIL_LIMIT_PER_IP: '1', ACCESS_EMAIL_LIMIT_PER_EMAIL: '5' } });
    try {
      const guest = await createGuest(ctx);
      assertAccepted(await requestAccess(ctx, guest.email, '192.0.2.60'));
      for (let i = 0; i < 3; i += 1)
        assertProblem(await requestAccess(ctx, guest.email, '192.0.2.60'), 429, 'RATE_LIMIT_EXCEEDED');
      const perAddress = await ctx.db.kysely
        .selectFrom('throttle_windows')
        .select('count')
        .where('subject', '=', guest.email)
        .executeTakeFirstOrThrow();
      assert.equal(perAddress.count, 1, "the refused requests did not use up the address's allowance");
    } finally {
      await ctx.close();
    }
  });

  it('0 turns a limit off', async () => {
    const ctx = await buildTestApp({ env: { ACCESS_EMAIL_LIMIT_PER_IP: '0', ACCESS_EMAIL_LIMIT_PER_EMAIL: '0' } });
    try {
      const guest = await createGuest(ctx);
      for (let i = 0; i < 25; i += 1) assertAccepted(await requestAccess(ctx, guest.email, '192.0.2.99'));
      assert.equal((await outboxFor(ctx, guest.email)).length, 25);
      const counters = await ctx.db.kysely.selectFrom('throttle_windows').selectAll().execute();
      assert.equal(counters.length, 0);
    } finally {
      await ctx.close();
    }
  });
});

describe('throttleSubjectOfIp', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6, and reduces IPv6 to its /64', () => {
    assert.equal(throttleSubjectOfIp('192.0.2.1'), '192.0.2.1');
    assert.equal(throttleSubjectOfIp('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(throttleSubjectOfIp('2001:db8::1'), '2001:0db8:0000:0000::/64');
    assert.equal(throttleSubjectOfIp('2001:DB8:0:0:1::'), '2001:0db8:0000:0000::/64');
    assert.equal(throttleSubjectOfIp('::1'), '0000:0000:0000:0000::/64');
    assert.equal(throttleSubjectOfIp('fe80::1%eth0'), 'fe80:0000:0000:0000::/64');
  });
});
