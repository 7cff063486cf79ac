/**
 * Bulk create against a DNS server that never answers: the email domains are checked a few at a
 * time in parallel, and the request ends by its deadline (BULK_DEADLINE_SECONDS). Items whose
 * domain was not checked by then fail alone with 503 and Retry-After; every item answered 201 is
 * written, and nothing else is.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, guestsUrl, type TestContext } from '../../support/app.js';
import { startTestDnsServer, type TestDnsServer } from '../../support/dns-server.js';

interface Outcome {
  index: number;
  status: number;
  data?: { email: string };
  error?: { code: string; status: number; message: string };
}

describe('bulk create with a DNS server that never answers', () => {
  let dns: TestDnsServer;
  let ctx: TestContext;
  const deadlineSeconds = 3;
  before(async () => {
    dns = await startTestDnsServer({ zones: {}, silent: true, keepAlive: false });
    ctx = await buildTestApp({
      env: {
        DNS_SERVERS: dns.address,
        DNS_TIMEOUT_MS: '1000',
        BULK_DEADLINE_SECONDS: String(deadlineSeconds),
        BULK_DNS_CONCURRENCY: '8',
        DNS_CANARY_DOMAIN: '',
      },
    });
  });
  after(async () => {
    await ctx.close();
    await dns.close();
  });

  it('a 200-item bulk with 200 distinct domains finishes within its deadline; unchecked items fail alone', async () => {
    const items = Array.from({ length: 200 }, (_, i) => ({
      email: `someone@d${i}.never-answers.example`,
      first_name: `N${i}`,
    }));
    const started = performance.now();
    const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId, undefined, '/bulk'), items);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(response.statusCode, 200, response.body);
    assert.ok(seconds < deadlineSeconds + 1.5, `answered in ${seconds.toFixed(1)} s`);
    const body = response.json<{ data: Outcome[]; meta: { total: number; created: number; failed: number } }>();
    assert.equal(body.data.length, 200);
    const created = body.data.filter((o) => o.status === 201);
    const cutOff = body.data.filter((o) => o.status === 503);
    assert.equal(created.length + cutOff.length, 200, `only 201 and 503: ${JSON.stringify(body.meta)}`);
    // 8 checks at once of about 1-2.5 s each: some domains are checked (accepted unverified), most are not.
    assert.ok(created.length >= 8, `${created.length} created`);
    assert.ok(cutOff.length >= 100, `${cutOff.length} cut off by the deadline`);
    for (const outcome of cutOff) {
      assert.equal(outcome.error?.code, 'SERVICE_UNAVAILABLE');
      assert.match(
        outcome.error?.message ?? '',
        /ran out before this item's email domain could be checked; nothing was written/,
      );
    }
    assert.ok(Number(response.headers['retry-after']) >= 1, 'Retry-After for the items to send again');
    assert.deepEqual(body.meta, { total: 200, created: created.length, existing: 0, failed: cutOff.length });
    // Exactly the items answered 201 are written.
    const rows = await ctx.db.kysely
      .selectFrom('organization_guests')
      .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
      .select('guests.email')
      .where('organization_guests.organization_id', '=', ctx.orgId)
      .execute();
    assert.deepEqual(rows.map((r) => r.email).sort(), created.map((o) => o.data?.email).sort());
    // Parallel checks: far more domains were asked about than one at a time would reach.
    const asked = new Set(dns.queries.map((q) => q.split(' ')[0]));
    assert.ok(asked.size >= 8, `${asked.size} domains asked`);
  });
});
