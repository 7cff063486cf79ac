/**
 * docs/conventions.md: base paths, auth, client header, the error body for every error kind,
 * trimming, "" as null, unknown fields.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildTestApp, call, createGuest, guestsUrl, uniqueEmail, type TestContext } from '../../support/app.js';
import { sha256 } from '../../src/core/secrets.js';
import { formatTimestamp, now } from '../../src/core/time.js';
import { assertProblem } from '../../support/problem.js';

describe('conventions', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  it('answers under /api/... and /...', async () => {
    const guest = await createGuest(ctx);
    for (const base of ['/api', '']) {
      const response = await call(
        ctx,
        ctx.tokens.admin,
        'GET',
        `${base}/organizations/${ctx.orgId}/guests/${encodeURIComponent(guest.email)}`,
      );
      assert.equal(response.statusCode, 200);
      assert.equal(response.json().data.id, guest.id);
    }
  });

  describe('authentication', () => {
    const url = () => `/api/organizations/${ctx.orgId}/guests`;
    it('401 without a token', async () => {
      const body = assertProblem(
        await call(ctx, null, 'GET', url(), undefined, { 'x-tallyfy-client': 'APIClient' }),
        401,
        'UNAUTHENTICATED',
      );
      assert.match(body.message, /Bearer/);
    });
    it('401 with a malformed Authorization header', async () => {
      for (const authorization of ['Basic abc', 'Bearer', 'Bearer a b', 'token']) {
        assertProblem(
          await call(ctx, null, 'GET', url(), undefined, { authorization, 'x-tallyfy-client': 'APIClient' }),
          401,
          'UNAUTHENTICATED',
        );
      }
    });
    it('401 with an unknown token', async () => {
      assertProblem(await call(ctx, 'gst_unknown', 'GET', url()), 401, 'UNAUTHENTICATED');
    });
    it('401 with a revoked token', async () => {
      const member = await ctx.admin.addMember({
        organizationId: ctx.orgId,
        email: 'revoked@members.test',
        role: 'admin',
      });
      const token = await ctx.admin.createToken({ email: member.email });
      assert.equal((await call(ctx, token.token, 'GET', url())).statusCode, 200);
      await ctx.admin.revokeToken(token.id);
      assertProblem(await call(ctx, token.token, 'GET', url()), 401, 'UNAUTHENTICATED');
    });
    it('401 with an expired token, from the second it expires (its answer remembered or not)', async () => {
      const token = await ctx.admin.createToken({ email: 'acme-admin@members.test', expiresInDays: 1 });
      // Expires within two seconds; timestamps count whole seconds.
      const expiresAt = formatTimestamp(new Date(Date.now() + 2000));
      await ctx.db.kysely
        .updateTable('access_tokens')
        .set({ expires_at: expiresAt })
        .where('token_hash', '=', sha256(token.token))
        .execute();
      assert.equal((await call(ctx, token.token, 'GET', url())).statusCode, 200);
      while (now() < expiresAt) await new Promise((resolve) => setTimeout(resolve, 50));
      assertProblem(await call(ctx, token.token, 'GET', url()), 401, 'UNAUTHENTICATED');
    });
    it('X-Tallyfy-Client is optional by default: absent or any value is accepted', async () => {
      const authorization = `Bearer ${ctx.tokens.admin}`;
      assert.equal((await call(ctx, null, 'GET', url(), undefined, { authorization })).statusCode, 200, 'absent');
      for (const client of ['APIClient', 'TallyfySDK', 'n8n', 'Other']) {
        assert.equal(
          (await call(ctx, null, 'GET', url(), undefined, { authorization, 'x-tallyfy-client': client })).statusCode,
          200,
          client,
        );
      }
    });
  });

  it('REQUIRE_CLIENT_HEADER=true: 401 naming the header when it is absent or empty; any value passes', async () => {
    const strict = await buildTestApp({ env: { REQUIRE_CLIENT_HEADER: 'true' } });
    try {
      const authorization = `Bearer ${strict.tokens.admin}`;
      const list = `/api/organizations/${strict.orgId}/guests`;
      const body = assertProblem(
        await call(strict, null, 'GET', list, undefined, { authorization }),
        401,
        'UNAUTHENTICATED',
      );
      assert.match(body.message, /X-Tallyfy-Client/);
      assertProblem(
        await call(strict, null, 'GET', list, undefined, { authorization, 'x-tallyfy-client': '' }),
        401,
        'UNAUTHENTICATED',
      );
      for (const client of ['APIClient', 'TallyfySDK', 'n8n', 'Other']) {
        assert.equal(
          (await call(strict, null, 'GET', list, undefined, { authorization, 'x-tallyfy-client': client })).statusCode,
          200,
          client,
        );
      }
    } finally {
      await strict.close();
    }
  });

  it('REQUIRE_CLIENT_HEADER=false (the default) turns the header requirement off', async () => {
    const other = await buildTestApp({ env: { REQUIRE_CLIENT_HEADER: 'false' } });
    try {
      const response = await other.app.inject({
        method: 'GET',
        url: `/api/organizations/${other.orgId}/guests`,
        headers: { authorization: `Bearer ${other.tokens.admin}` },
      });
      assert.equal(response.statusCode, 200);
    } finally {
      await other.close();
    }
  });

  it('400 for a body that is not JSON, and nothing is written', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: guestsUrl(ctx.orgId),
      headers: {
        authorization: `Bearer ${ctx.tokens.admin}`,
        'x-tallyfy-client': 'APIClient',
        'content-type': 'application/json',
      },
      payload: '{"email": "broken@partner.test",',
    });
    assertProblem(response, 400, 'INVALID_JSON');
    const row = await ctx.db.kysely
      .selectFrom('guests')
      .select('id')
      .where('email', '=', 'broken@partner.test')
      .executeTakeFirst();
    assert.equal(row, undefined);
  });

  it('an empty JSON body is no body (422 naming the missing email, not 400); prototype-poisoning keys are refused', async () => {
    const headers = {
      authorization: `Bearer ${ctx.tokens.admin}`,
      'x-tallyfy-client': 'APIClient',
      'content-type': 'application/json',
    };
    for (const payload of ['', '  \n\t ']) {
      const empty = assertProblem(
        await ctx.app.inject({ method: 'POST', url: guestsUrl(ctx.orgId), headers, payload }),
        422,
        'VALIDATION_FAILED',
      );
      assert.ok(empty.errors?.email, JSON.stringify(empty));
    }
    const poisoned = await ctx.app.inject({
      method: 'POST',
      url: guestsUrl(ctx.orgId),
      headers,
      payload: '{"email":"p@partner.test","__proto__":{"admin":true}}',
    });
    assert.ok([400, 422].includes(poisoned.statusCode), poisoned.body);
    assert.match(String(poisoned.headers['content-type']), /problem\+json/);
  });

  it('415 for a body that is not application/json', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: guestsUrl(ctx.orgId),
      headers: {
        authorization: `Bearer ${ctx.tokens.admin}`,
        'x-tallyfy-client': 'APIClient',
        'content-type': 'text/plain',
      },
      payload: 'email=someone@partner.test',
    });
    assertProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('413 for a body over the limit (default 1 MiB)', async () => {
    const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
      email: uniqueEmail(),
      status: 'x'.repeat(1024 * 1024 + 10),
    });
    assertProblem(response, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('404 ENDPOINT_NOT_FOUND for an unknown route, 405 with Allow for a wrong method', async () => {
    assertProblem(await call(ctx, ctx.tokens.admin, 'GET', '/api/nothing/here'), 404, 'ENDPOINT_NOT_FOUND');
    const wrong = await call(ctx, ctx.tokens.admin, 'PATCH', guestsUrl(ctx.orgId));
    assertProblem(wrong, 405, 'METHOD_NOT_ALLOWED');
    assert.match(String(wrong.headers.allow), /GET/);
    assert.match(String(wrong.headers.allow), /POST/);
    assertProblem(
      await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId, 'a@partner.test')),
      405,
      'METHOD_NOT_ALLOWED',
    );
  });

  it('unknown fields are dropped and named in x-ignored-fields; the known ones are saved', async () => {
    const email = uniqueEmail();
    const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
      email,
      first_name: 'Known',
      phone: '1',
      nickname: 'x',
    });
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.headers['x-ignored-fields'], 'phone, nickname');
    const data = response.json().data;
    assert.equal(data.first_name, 'Known');
    assert.equal(data.details.phone_1, null);
    assert.doesNotMatch(response.body, /nickname/);
    const known = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email: uniqueEmail() });
    assert.equal(known.headers['x-ignored-fields'], undefined, 'no header when nothing was ignored');
  });

  it('UNKNOWN_FIELDS=reject: 422 naming every unknown field, nothing written', async () => {
    const strict = await buildTestApp({ env: { UNKNOWN_FIELDS: 'reject' } });
    try {
      const email = uniqueEmail();
      const body = assertProblem(
        await call(strict, strict.tokens.admin, 'POST', guestsUrl(strict.orgId), { email, phone: '1', nickname: 'x' }),
        422,
        'VALIDATION_FAILED',
      );
      assert.deepEqual(Object.keys(body.errors ?? {}).sort(), ['nickname', 'phone']);
      assert.deepEqual(body.errors?.phone, ['The phone field is not allowed: this endpoint does not know it.']);
      assert.equal(
        await strict.db.kysely.selectFrom('guests').select('id').where('email', '=', email).executeTakeFirst(),
        undefined,
      );
    } finally {
      await strict.close();
    }
  });

  it('422 for a body that is not an object', async () => {
    for (const payload of [[1, 2], 'just text', 42, null]) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: guestsUrl(ctx.orgId),
        headers: {
          authorization: `Bearer ${ctx.tokens.admin}`,
          'x-tallyfy-client': 'APIClient',
          'content-type': 'application/json',
        },
        payload: JSON.stringify(payload),
      });
      assertProblem(response, 422, 'VALIDATION_FAILED');
    }
  });

  it('trims strings and reads "" as null', async () => {
    const email = uniqueEmail();
    const guest = await createGuest(ctx, {
      email: `  ${email.toUpperCase()}  `,
      first_name: '  Ada  ',
      last_name: '',
      company_name: '   ',
    });
    assert.equal(guest.email, email);
    assert.equal(guest.first_name, 'Ada');
    assert.equal(guest.last_name, null);
    assert.equal(guest.details.company_name, null);
  });

  it('500 INTERNAL without internals in the body; the detail goes to the log', async () => {
    const broken = await buildTestApp();
    try {
      // PostgreSQL refuses to drop a table others refer to unless told to cascade; SQLite has no CASCADE.
      await (
        broken.db.kind === 'postgres'
          ? sql`drop table organization_guests cascade`
          : sql`drop table organization_guests`
      ).execute(broken.db.kysely);
      const response = await call(broken, broken.tokens.admin, 'GET', guestsUrl(broken.orgId));
      const body = assertProblem(response, 500, 'INTERNAL');
      assert.doesNotMatch(response.body, /organization_guests|SQLITE|no such table|at .*\.ts/i);
      assert.doesNotMatch(body.message, /table/);
      const logged = broken.logs.find(
        (line) => line.level === 50 && JSON.stringify(line).includes('organization_guests'),
      );
      assert.ok(logged, 'the 500 is logged with its detail');
    } finally {
      await broken.close();
    }
  });

  it('timestamps use YYYY-MM-DD HH:MM:SS', async () => {
    const guest = await createGuest(ctx);
    assert.match(String(guest.created_at), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });
});

describe('hostile text', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  it('refuses NUL, control characters and broken UTF-16 in body, query and path with 422, writing nothing', async () => {
    for (const [field, value] of [
      ['first_name', 'a\u0000b'],
      ['status', 'x\u001bx'],
      ['company_name', '\ud800'],
      ['last_name', 'b\udc00'],
    ]) {
      const email = uniqueEmail();
      const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
        email,
        [field as string]: value,
      });
      const body = assertProblem(response, 422, 'VALIDATION_FAILED');
      assert.ok(body.errors?.[field as string], response.body);
      assert.equal(
        await ctx.db.kysely.selectFrom('guests').select('id').where('email', '=', email).executeTakeFirst(),
        undefined,
      );
    }
    assertProblem(await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?q=%00`), 422, 'VALIDATION_FAILED');
    assertProblem(
      await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, 'a\u0000@partner.test')),
      422,
      'VALIDATION_FAILED',
    );
    const fine = await createGuest(ctx, { first_name: 'Zoë 🙂', status: 'line one\nline two\ttabbed' });
    assert.equal(fine.first_name, 'Zoë 🙂');
  });

  it('refuses ids beyond 32 bits instead of failing in the database', async () => {
    const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
      email: uniqueEmail(),
      associated_members: [2 ** 31, 1e15],
    });
    const body = assertProblem(response, 422, 'VALIDATION_FAILED');
    assert.deepEqual(Object.keys(body.errors ?? {}), ['associated_members.0', 'associated_members.1']);
  });
});
