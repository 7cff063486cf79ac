/**
 * Every code that opens nothing — unknown, malformed, disabled, removed, replaced — gets the same
 * 404, on the page and in the JSON API, with no hint which; malformed ones without a query.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { randomSecret } from '../../src/core/secrets.js';
import { buildTestApp, call, guestsUrl, type TestContext } from '../../support/app.js';
import { FORM, disableInDatabase, guestWithCode, recordOf, replaceCodeInDatabase } from './portal-helpers.js';

const MALFORMED = {
  'too short': 'abc',
  'a character outside URL-safe base64': `${randomSecret(24).slice(0, 31)}!`,
  'too long': 'a'.repeat(129),
  'a NUL byte': `${randomSecret(24).slice(0, 31)}%00`,
  'an encoded slash': `${randomSecret(24).slice(0, 16)}%2F${randomSecret(24).slice(0, 16)}`,
  'white space': `%20${randomSecret(24)}`,
};

/** Headers that must be the same on every 404 page (the date and connection vary by nature). */
function stableHeaders(response: LightMyRequestResponse): Record<string, unknown> {
  const { date: _date, connection: _connection, ...rest } = response.headers;
  return rest;
}

/** Every request compared here names itself alike, so that its answers may be compared byte for byte. */
const SAME_ID = { 'x-request-id': 'compared-request' };

describe('a guest code that opens nothing', () => {
  let ctx: TestContext;
  const bad: Record<string, string> = {};
  before(async () => {
    ctx = await buildTestApp();
    bad.unknown = randomSecret(24);
    bad.disabled = (await guestWithCode(ctx)).code;
    await disableInDatabase(ctx, bad.disabled);
    const removed = await guestWithCode(ctx);
    assert.equal(
      (await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, removed.guest.email))).statusCode,
      200,
    );
    bad.removed = removed.code;
    const replaced = await guestWithCode(ctx);
    await replaceCodeInDatabase(ctx, replaced.code);
    bad.replaced = replaced.code;
    for (const [name, code] of Object.entries(MALFORMED)) bad[`malformed (${name})`] = code;
  });
  after(() => ctx.close());

  it('GET and POST /guest/{code}: the same 404 page, byte for byte, with the same headers', async () => {
    const reference = await ctx.app.inject({ method: 'GET', url: `/guest/${bad.unknown}`, headers: SAME_ID });
    assert.equal(reference.statusCode, 404);
    assert.match(String(reference.headers['content-type']), /^text\/html/);
    assert.equal(reference.headers['cache-control'], 'no-store');
    assert.equal(reference.headers['referrer-policy'], 'no-referrer');
    assert.match(reference.body, /<h1>This link does not work<\/h1>/);
    for (const [name, code] of Object.entries(bad)) {
      for (const method of ['GET', 'POST'] as const) {
        const response = await ctx.app.inject({
          method,
          url: `/guest/${code}`,
          headers: { ...FORM, ...SAME_ID },
          ...(method === 'POST' && { payload: 'cadence_days=Monday' }),
        });
        assert.equal(response.statusCode, 404, `${method} ${name}`);
        assert.equal(response.body, reference.body, `${method} ${name}: same body`);
        assert.deepEqual(stableHeaders(response), stableHeaders(reference), `${method} ${name}: same headers`);
      }
    }
  });

  it('the JSON API: the same 404 RESOURCE_NOT_FOUND body for every route', async () => {
    const requests = [
      { method: 'GET', suffix: '' },
      { method: 'PUT', suffix: '/cadence_days', payload: { cadence_days: ['Monday'] } },
      { method: 'GET', suffix: '/preferences' },
      { method: 'POST', suffix: '/preferences', payload: { slug: 'daily_digest', value: true } },
    ] as const;
    const reference = await ctx.app.inject({ method: 'GET', url: `/api/guest/${bad.unknown}`, headers: SAME_ID });
    assert.equal(reference.statusCode, 404);
    assert.match(String(reference.headers['content-type']), /^application\/problem\+json/);
    assert.equal(reference.json().code, 'RESOURCE_NOT_FOUND');
    for (const [name, code] of Object.entries(bad)) {
      for (const request of requests) {
        const response = await ctx.app.inject({
          method: request.method,
          url: `/api/guest/${code}${request.suffix}`,
          headers: SAME_ID,
          ...('payload' in request && { payload: request.payload }),
        });
        assert.equal(response.statusCode, 404, `${request.method} ${request.suffix} ${name}`);
        assert.equal(response.body, reference.body, `${request.method} ${request.suffix} ${name}: same body`);
      }
    }
  });

  it('a bad code is 404 even when the body is bad too', async () => {
    for (const code of [bad.unknown, bad.disabled, bad['malformed (too short)']] as string[]) {
      const put = await ctx.app.inject({
        method: 'PUT',
        url: `/api/guest/${code}/cadence_days`,
        payload: { cadence_days: ['Funday'], extra: 1 },
      });
      assert.equal(put.statusCode, 404);
      const pref = await ctx.app.inject({
        method: 'POST',
        url: `/api/guest/${code}/preferences`,
        payload: { slug: 'nope', value: 1 },
      });
      assert.equal(pref.statusCode, 404);
      const page = await ctx.app.inject({
        method: 'POST',
        url: `/guest/${code}`,
        headers: FORM,
        payload: 'cadence_days=Funday',
      });
      assert.equal(page.statusCode, 404);
    }
  });

  it('nothing was written to the records behind the codes', async () => {
    for (const code of [bad.disabled]) {
      const record = await recordOf(ctx, code as string);
      assert.equal(record.last_accessed_at, null);
      assert.equal(record.cadence_days, null);
    }
  });

  it('a malformed code is answered without a database query', async () => {
    const kysely = ctx.db.kysely;
    let queries = 0;
    const originals = {
      selectFrom: kysely.selectFrom,
      updateTable: kysely.updateTable,
      transaction: kysely.transaction,
    };
    for (const name of Object.keys(originals) as Array<keyof typeof originals>) {
      (kysely as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        queries += 1;
        return (originals[name] as (...a: unknown[]) => unknown).apply(kysely, args);
      };
    }
    try {
      for (const code of Object.values(MALFORMED)) {
        assert.equal((await ctx.app.inject({ method: 'GET', url: `/guest/${code}` })).statusCode, 404);
        assert.equal((await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}` })).statusCode, 404);
      }
      assert.equal(queries, 0);
      // The spy does see the look-up of a well-formed code.
      assert.equal((await ctx.app.inject({ method: 'GET', url: `/api/guest/${bad.unknown}` })).statusCode, 404);
      assert.ok(queries > 0);
    } finally {
      for (const name of Object.keys(originals) as Array<keyof typeof originals>)
        delete (kysely as unknown as Record<string, unknown>)[name];
    }
  });

  it('the guest is back as soon as the record is enabled again, with the same code (no cache)', async () => {
    const { code } = await guestWithCode(ctx);
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}` })).statusCode, 200);
    await disableInDatabase(ctx, code);
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}` })).statusCode, 404);
    await ctx.db.kysely
      .updateTable('organization_guests')
      .set({ disabled_at: null })
      .where('id', '=', (await recordOf(ctx, code)).id)
      .execute();
    assert.equal((await ctx.app.inject({ method: 'GET', url: `/api/guest/${code}` })).statusCode, 200);
  });
});
