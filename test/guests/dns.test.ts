/**
 * The email DNS rule (docs/guests.md, Fields), end to end: create through the API with the app's
 * resolver pointed at the real test DNS server on 127.0.0.1 (see support/app.ts for its zones), and
 * the settings that change it (canary, EMAIL_DNS_CHECK off/strict, a resolver that cannot answer).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, guestsUrl, testDns, type TestContext, type TestOptions } from '../../support/app.js';
import { unusedUdpAddress } from '../../support/dns-server.js';

interface Problem {
  code: string;
  errors?: Record<string, string[]>;
}

let counter = 0;
/** `x.<n>@domain`: a fresh local part, so that no test depends on another's guest. */
function at(domain: string): string {
  counter += 1;
  return `x.${process.pid}.${counter}@${domain}`;
}

async function create(ctx: TestContext, email: string, extra: Record<string, unknown> = {}, base = '/api') {
  return call(ctx, ctx.tokens.admin, 'POST', `${base}/organizations/${ctx.orgId}/guests`, { email, ...extra });
}

async function assertCreated(ctx: TestContext, email: string, base = '/api') {
  const response = await create(ctx, email, {}, base);
  assert.equal(response.statusCode, 201, `${email}: ${response.body}`);
  assert.equal(response.json().data.email, email);
  const got = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email));
  assert.equal(got.statusCode, 200, got.body);
}

/** 422 on `email` with a message matching `message`, and no guest row for the address. */
async function assertRejected(ctx: TestContext, email: string, message: RegExp, base = '/api') {
  const before = await ctx.db.kysely.selectFrom('organization_guests').select('id').execute();
  const response = await create(ctx, email, {}, base);
  assert.equal(response.statusCode, 422, `${email}: ${response.body}`);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const body = response.json<Problem>();
  assert.equal(body.code, 'VALIDATION_FAILED');
  assert.deepEqual(Object.keys(body.errors ?? {}), ['email'], response.body);
  assert.ok(
    body.errors?.email?.some((m) => message.test(m)),
    `${email}: ${response.body}`,
  );
  await assertNothingWritten(ctx, email, before.length);
  return body;
}

async function assertNothingWritten(ctx: TestContext, email: string, records: number) {
  const row = await ctx.db.kysely
    .selectFrom('guests')
    .select('id')
    .where('email', 'in', [email, email.toLowerCase()])
    .executeTakeFirst();
  assert.equal(row, undefined, `no guests row for ${email}`);
  const after = await ctx.db.kysely.selectFrom('organization_guests').select('id').execute();
  assert.equal(after.length, records, 'no organization_guests row either');
}

/** Builds an extra app, runs `body`, closes the app whatever happens. */
async function withApp(options: TestOptions, body: (ctx: TestContext) => Promise<void>): Promise<void> {
  const ctx = await buildTestApp(options);
  try {
    await body(ctx);
  } finally {
    await ctx.close();
  }
}

const warnings = (ctx: TestContext) => ctx.logs.filter((line) => line.level === 40);

describe('email DNS check on create', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  describe('default settings, a working resolver', () => {
    for (const base of ['/api', '']) {
      const under = `under ${base || '/'}`;
      it(`null MX: 422 "does not accept email", nothing written (${under})`, async () => {
        await assertRejected(ctx, at('nullmx.test'), /does not accept email/, base);
      });
      it(`no MX, no A/AAAA: 422 "has no mail server", nothing written (${under})`, async () => {
        await assertRejected(ctx, at('nomail.test'), /has no mail server/, base);
      });
      it(`NXDOMAIN: 422 "does not exist", nothing written (${under})`, async () => {
        await assertRejected(ctx, at('nowhere.invalid'), /does not exist/, base);
      });
      it(`no MX but an A record: 201 (implicit MX) (${under})`, async () => {
        await assertCreated(ctx, at('aonly.test'), base);
      });
      it(`an MX record: 201 (${under})`, async () => {
        await assertCreated(ctx, at('anything.partner.test'), base);
      });
    }

    it('the exact addresses of the contract: x@nullmx.test, x@nomail.test, x@nowhere.invalid fail; x@aonly.test, x@anything.partner.test pass', async () => {
      await assertRejected(ctx, 'x@nullmx.test', /does not accept email/);
      await assertRejected(ctx, 'x@nomail.test', /has no mail server/);
      await assertRejected(ctx, 'x@nowhere.invalid', /does not exist/);
      await assertCreated(ctx, 'x@aonly.test');
      await assertCreated(ctx, 'x@anything.partner.test');
    });

    it('the domain is checked case-insensitively (NullMX.Test fails the same way)', async () => {
      await assertRejected(ctx, `Y.${process.pid}@NullMX.Test`, /does not accept email/);
    });

    it('a DNS failure is reported together with every other failing field', async () => {
      const email = at('nullmx.test');
      const response = await create(ctx, email, { first_name: 'x'.repeat(201), company_url: 'not a url' });
      assert.equal(response.statusCode, 422, response.body);
      const errors = response.json<Problem>().errors ?? {};
      assert.deepEqual(Object.keys(errors).sort(), ['company_url', 'email', 'first_name']);
      assert.ok(
        errors.email?.some((m) => /does not accept email/.test(m)),
        response.body,
      );
      const row = await ctx.db.kysely.selectFrom('guests').select('id').where('email', '=', email).executeTakeFirst();
      assert.equal(row, undefined);
    });
  });

  it('a canary that answers NXDOMAIN: NXDOMAIN and no-record answers are not trusted (201), a null MX still fails', async () => {
    await withApp({ env: { DNS_CANARY_DOMAIN: 'canary.invalid' } }, async (other) => {
      await assertCreated(other, 'x@nowhere.invalid');
      await assertCreated(other, at('nomail.test'));
      await assertRejected(other, at('nullmx.test'), /does not accept email/);
      await assertCreated(other, at('anything.partner.test'));
      assert.ok(
        warnings(other).some((line) => /canary/i.test(String(line.msg))),
        JSON.stringify(other.logs),
      );
    });
  });

  it('EMAIL_DNS_CHECK=off: 201 for nowhere.invalid and nullmx.test, and no DNS query is sent', async () => {
    await withApp({ env: { EMAIL_DNS_CHECK: 'off' } }, async (other) => {
      const dns = await testDns();
      const domain = `off-${process.pid}.invalid`;
      await assertCreated(other, 'x@nowhere.invalid');
      await assertCreated(other, 'x@nullmx.test');
      await assertCreated(other, `x@${domain}`);
      assert.deepEqual(dns.queriesFor(domain), []);
    });
  });

  describe('a resolver that cannot answer (closed UDP port)', () => {
    let dead: string;
    before(async () => {
      dead = await unusedUdpAddress();
    });

    it('EMAIL_DNS_CHECK=strict: 422 "could not be verified", nothing written', async () => {
      await withApp({ env: { EMAIL_DNS_CHECK: 'strict', DNS_SERVERS: dead, DNS_TIMEOUT_MS: '300' } }, async (other) => {
        await assertRejected(other, 'x@anything.partner.test', /could not be verified/);
        await assertRejected(other, at('nowhere.invalid'), /could not be verified/);
        await assertRejected(other, at('aonly.test'), /could not be verified/);
      });
    });

    it('EMAIL_DNS_CHECK=on: 201 (accepted unverified) and a warning is logged', async () => {
      await withApp({ env: { EMAIL_DNS_CHECK: 'on', DNS_SERVERS: dead, DNS_TIMEOUT_MS: '300' } }, async (other) => {
        const started = Date.now();
        await assertCreated(other, 'x@anything.partner.test');
        await assertCreated(other, 'x@nowhere.invalid');
        assert.ok(Date.now() - started < 5000, 'a dead resolver does not hold a create for long');
        const logged = warnings(other);
        assert.ok(logged.length > 0, JSON.stringify(other.logs));
        assert.ok(
          logged.some((line) => line.domain === 'anything.partner.test'),
          JSON.stringify(logged),
        );
      });
    });
  });
});
