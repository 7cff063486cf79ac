/**
 * Import guests and Get import over HTTP (docs/guests.md): 202 with the import and its Location,
 * run in the background to completed with its counts and failed rows by line; a malformed file
 * fails the import with no guest written; another organization's import is 404; 413 past
 * IMPORT_MAX_BYTES and 415 for a body that is not text/csv, with nothing kept.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import {
  authHeaders,
  buildTestApp,
  buildTestAppWithOther,
  type OrgWithMembers,
  type TestContext,
} from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { MALFORMED, activeGuests, pollImport } from './import-helpers.js';

const importUrl = (orgId: string) => `/api/organizations/${orgId}/guests/import`;

describe('Import guests over HTTP', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther());
  });
  after(() => ctx.close());

  const send = (csv: string | Readable, token = ctx.tokens.admin, orgId = ctx.orgId, type = 'text/csv') =>
    ctx.app.inject({
      method: 'POST',
      url: importUrl(orgId),
      headers: { ...authHeaders(token), 'content-type': type },
      payload: csv,
    });
  const importCount = async () =>
    Number(
      (
        await ctx.db.kysely
          .selectFrom('guest_imports')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('answers 202 with the import and its Location, which runs to completed with counts and failed rows by line', async () => {
    const before = await activeGuests(ctx, ctx.orgId);
    const csv = [
      '\uFEFFEmail , FIRST_NAME,cadence_days,company_url',
      'http.one@partner.test,One,Monday;Friday,',
      'not-an-email,Bad,,',
      'http.two@partner.test,"Two, with a comma",,https://two.example',
      'http.three@nomail.test,NoMail,,',
      'http.one@partner.test,Again,,',
      'http.four@partner.test,Four,Someday,',
      '',
    ].join('\r\n');
    const response = await send(csv);
    assert.equal(response.statusCode, 202, response.body);
    const created = response.json<{ data: { id: string; status: string } }>().data;
    assert.match(created.id, /^[0-9a-f]{32}$/);
    assert.equal(created.status, 'queued');
    const location = String(response.headers.location);
    assert.equal(location, `http://guests.test/api/organizations/${ctx.orgId}/imports/${created.id}`);
    const done = await pollImport(ctx, ctx.tokens.admin, location.replace('http://guests.test', ''));
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.counts, { rows: 6, processed: 6, imported: 3, created: 2, existing: 1, failed: 3 });
    assert.deepEqual(
      done.failed_rows.map((r) => [r.line, r.email, Object.keys(r.errors)]),
      [
        [3, 'not-an-email', ['email']],
        [5, 'http.three@nomail.test', ['email']],
        [7, 'http.four@partner.test', ['cadence_days.0']],
      ],
    );
    assert.equal(done.error, null);
    assert.equal(await activeGuests(ctx, ctx.orgId), before + 2);
    const two = await ctx.app.inject({
      method: 'GET',
      url: `/api/organizations/${ctx.orgId}/guests/http.two%40partner.test`,
      headers: authHeaders(ctx.tokens.admin),
    });
    assert.equal(two.json<{ data: { first_name: string } }>().data.first_name, 'Two, with a comma');
    // The bytes are gone once the import is done; its record stays.
    const chunks = await ctx.db.kysely
      .selectFrom('import_chunks')
      .selectAll()
      .where('import_id', '=', created.id)
      .execute();
    assert.equal(chunks.length, 0);
  });

  for (const bad of MALFORMED) {
    it(`fails the import on ${bad.name}, with the line, and writes no guest`, async () => {
      const before = await activeGuests(ctx, ctx.orgId);
      const response = await send(bad.csv());
      assert.equal(response.statusCode, 202, response.body);
      const done = await pollImport(
        ctx,
        ctx.tokens.admin,
        `/api/organizations/${ctx.orgId}/imports/${response.json<{ data: { id: string } }>().data.id}`,
      );
      assert.equal(done.status, 'failed');
      assert.ok(done.error, 'a structural error');
      assert.match(done.error.message, bad.message);
      assert.equal(done.error.line, bad.line);
      assert.equal(done.counts.processed, 0);
      assert.equal(await activeGuests(ctx, ctx.orgId), before);
    });
  }

  it("answers 404 for another organization's import, and for an unknown id", async () => {
    const response = await send('email\nmine.only@partner.test\n');
    const id = response.json<{ data: { id: string } }>().data.id;
    await pollImport(ctx, ctx.tokens.admin, `/api/organizations/${ctx.orgId}/imports/${id}`);
    const theirs = await ctx.app.inject({
      method: 'GET',
      url: `/api/organizations/${other.orgId}/imports/${id}`,
      headers: authHeaders(other.tokens.admin),
    });
    assertProblem(theirs, 404, 'RESOURCE_NOT_FOUND');
    const unknown = await ctx.app.inject({
      method: 'GET',
      url: `/api/organizations/${ctx.orgId}/imports/${'0'.repeat(32)}`,
      headers: authHeaders(ctx.tokens.admin),
    });
    assertProblem(unknown, 404, 'RESOURCE_NOT_FOUND');
  });

  it('Idempotency-Key: the same CSV again replays the first answer and queues nothing; another CSV is 422', async () => {
    const keyed = (csv: string, key: string) =>
      ctx.app.inject({
        method: 'POST',
        url: importUrl(ctx.orgId),
        headers: { ...authHeaders(ctx.tokens.admin), 'content-type': 'text/csv', 'idempotency-key': key },
        payload: csv,
      });
    const csv = 'email,first_name\nkeyed.one@partner.test,One\n';
    const imports = await importCount();
    const first = await keyed(csv, 'import-key-1');
    assert.equal(first.statusCode, 202, first.body);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    await pollImport(ctx, ctx.tokens.admin, String(first.headers.location).replace('http://guests.test', ''));

    const again = await keyed(csv, 'import-key-1');
    assert.equal(again.statusCode, 202, again.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body, first.body);
    assert.equal(again.headers.location, first.headers.location);
    assert.equal(await importCount(), imports + 1, 'the replay queued no second import');

    const other = await keyed('email\nkeyed.two@partner.test\n', 'import-key-1');
    assertProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal(await importCount(), imports + 1, 'the refused request kept nothing');
  });

  it('refuses light members (403), and bodies that are not text/csv (415) with nothing kept', async () => {
    const imports = await importCount();
    assertProblem(await send('email\nlight@partner.test\n', ctx.tokens.light), 403, 'FORBIDDEN');
    assertProblem(
      await send('email\nplain@partner.test\n', ctx.tokens.admin, ctx.orgId, 'text/plain'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const json = await ctx.app.inject({
      method: 'POST',
      url: importUrl(ctx.orgId),
      headers: authHeaders(ctx.tokens.admin),
      payload: { email: 'json@partner.test' },
    });
    assertProblem(json, 415, 'UNSUPPORTED_MEDIA_TYPE');
    assertProblem(await send(''), 422, 'VALIDATION_FAILED');
    assert.equal(await importCount(), imports);
  });
});

describe('Import guests over HTTP: IMPORT_MAX_BYTES', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ env: { IMPORT_MAX_BYTES: '4096' } });
  });
  after(() => ctx.close());

  it('answers 413 past the limit, announced or streamed, and keeps nothing', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => `big.${i}@partner.test`).join('\n');
    const announced = await ctx.app.inject({
      method: 'POST',
      url: importUrl(ctx.orgId),
      headers: { ...authHeaders(ctx.tokens.admin), 'content-type': 'text/csv' },
      payload: `email\n${rows}\n`,
    });
    assertProblem(announced, 413, 'PAYLOAD_TOO_LARGE');
    // Sent without a length: refused as it passes the limit. The server stops reading there, so
    // the in-process client may see its upload cut off before it reads the 413.
    const streamed = await ctx.app
      .inject({
        method: 'POST',
        url: importUrl(ctx.orgId),
        headers: { ...authHeaders(ctx.tokens.admin), 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
        payload: Readable.from([Buffer.from(`email\n${rows}\n`)]),
      })
      .catch((error: unknown) => {
        assert.equal((error as { code?: string }).code, 'ABORT_ERR', String(error));
        return undefined;
      });
    if (streamed) assertProblem(streamed, 413, 'PAYLOAD_TOO_LARGE');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const left = await ctx.db.kysely.selectFrom('guest_imports').selectAll().execute();
    assert.equal(left.length, 0);
    assert.equal((await ctx.db.kysely.selectFrom('import_chunks').selectAll().execute()).length, 0);
    assert.equal(await activeGuests(ctx, ctx.orgId), 0);
  });
});
