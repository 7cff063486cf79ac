/**
 * ETags and preconditions on single guests (docs/guests.md, ETags and preconditions): every
 * single-guest answer carries the tag of what it holds; a change through any path changes it;
 * If-None-Match on Get guest answers 304; a stale If-Match on a write is the 412 with the current
 * tag and writes nothing, and of two writes sent with the same tag exactly one wins.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, guestsUrl, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { etagOfJson } from '../../src/guests/guest-etag.js';
import { guestJson } from '../../src/guests/guest.mapper.js';
import { codeOf, disableGuest, guestData, newGuest } from './lifecycle-helpers.js';

const STRONG = /^"[A-Za-z0-9_-]{22}"$/;

describe('guest ETags and preconditions', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  const get = (email: string, headers: Record<string, string> = {}, query = '') =>
    call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email) + query, undefined, headers);
  const update = (email: string, body: unknown, headers: Record<string, string> = {}) =>
    call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, email), body, headers);
  const etagOf = async (email: string) => {
    const response = await get(email);
    assert.equal(response.statusCode, 200);
    const etag = response.headers.etag;
    assert.match(String(etag), STRONG);
    return String(etag);
  };

  /** The answer is the 412 with the guest's current tag, and the guest is as it was. */
  async function assertStale(response: Awaited<ReturnType<typeof get>>, email: string, before: string) {
    assertProblem(response, 412, 'PRECONDITION_FAILED');
    assert.equal(response.headers.etag, before, 'the 412 carries the current ETag');
    assert.equal(await etagOf(email), before, 'nothing was written');
  }

  it('tags every single-guest answer with the tag Get guest gives', async () => {
    const created = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
      email: 'tagged@partner.test',
      first_name: 'Ann',
    });
    assert.equal(created.statusCode, 201);
    assert.match(String(created.headers.etag), STRONG);
    assert.equal(await etagOf('tagged@partner.test'), created.headers.etag);
    const again = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email: 'tagged@partner.test' });
    assert.equal(again.statusCode, 200);
    assert.equal(again.headers.etag, created.headers.etag, 'unchanged record, same tag');
    // A light member's answer holds no link: another representation, another tag.
    const light = await call(ctx, ctx.tokens.light, 'GET', guestsUrl(ctx.orgId, 'tagged@partner.test'));
    assert.equal(light.statusCode, 200);
    assert.notEqual(light.headers.etag, created.headers.etag);
    const withStats = await get('tagged@partner.test', {}, '?with=stats');
    assert.notEqual(withStats.headers.etag, created.headers.etag);
  });

  it('answers If-None-Match with 304 while the tag is current', async () => {
    const guest = await newGuest(ctx);
    const etag = await etagOf(guest.email);
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const response = await get(guest.email, { 'if-none-match': header });
      assert.equal(response.statusCode, 304, header);
      assert.equal(response.body, '');
      assert.equal(response.headers.etag, etag);
      assert.equal(response.headers['cache-control'], 'no-store');
    }
    for (const header of ['"other"', 'W/"other"', 'garbage', '']) {
      const response = await get(guest.email, { 'if-none-match': header });
      assert.equal(response.statusCode, 200, header);
      assert.equal(response.headers.etag, etag);
    }
    assert.equal((await get('nobody@partner.test', { 'if-none-match': '*' })).statusCode, 404);
  });

  it('changes the tag on a change through any path', async () => {
    const guest = await newGuest(ctx);
    const seen = new Set([await etagOf(guest.email)]);
    const changed = async (what: string) => {
      const etag = await etagOf(guest.email);
      assert.ok(!seen.has(etag), `${what} changed the ETag`);
      seen.add(etag);
    };
    assert.equal((await update(guest.email, { company_name: 'Initech' })).statusCode, 201);
    await changed('an update');
    const portal = await ctx.app.inject({
      method: 'PUT',
      url: `/api/guest/${codeOf(guest.link)}/cadence_days`,
      payload: { cadence_days: ['Friday'] },
    });
    assert.equal(portal.statusCode, 200, portal.body);
    await changed("the guest's own preferences");
    const reset = await call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(ctx.orgId, guest.email, '/reset-link'));
    assert.equal(reset.statusCode, 200);
    assert.equal(reset.headers.etag, await etagOf(guest.email));
    await changed('a link reset');
    const disabled = await disableGuest(ctx, guest.email);
    assert.equal(disabled.statusCode, 200);
    assert.equal(disabled.headers.etag, await etagOf(guest.email));
    await changed('a disable');
  });

  it('writes an update only while If-Match names the current tag', async () => {
    const guest = await newGuest(ctx);
    const first = await etagOf(guest.email);
    const ok = await update(guest.email, { first_name: 'Bo' }, { 'if-match': first });
    assert.equal(ok.statusCode, 201);
    const second = String(ok.headers.etag);
    assert.notEqual(second, first);
    assert.equal(second, await etagOf(guest.email));
    await assertStale(await update(guest.email, { first_name: 'Cy' }, { 'if-match': first }), guest.email, second);
    // A weak tag never matches If-Match; an unparseable list names nothing.
    for (const header of [`W/${second}`, 'garbage', `${second.slice(0, -1)}`]) {
      await assertStale(await update(guest.email, { first_name: 'Cy' }, { 'if-match': header }), guest.email, second);
    }
    const listed = await update(guest.email, { first_name: 'Di' }, { 'if-match': `"x", ${second}` });
    assert.equal(listed.statusCode, 201);
    const star = await update(guest.email, { first_name: 'Ed' }, { 'if-match': '*' });
    assert.equal(star.statusCode, 201);
    assert.equal(guestData(star).first_name, 'Ed');
  });

  it('lets exactly one of two updates with the same If-Match win', async () => {
    for (let round = 0; round < 5; round += 1) {
      const guest = await newGuest(ctx);
      const etag = await etagOf(guest.email);
      const answers = await Promise.all(
        ['One', 'Two'].map((name) => update(guest.email, { first_name: name }, { 'if-match': etag })),
      );
      const codes = answers.map((a) => a.statusCode).sort();
      assert.deepEqual(codes, [201, 412], `round ${round}`);
      const winner = answers.find((a) => a.statusCode === 201);
      const loser = answers.find((a) => a.statusCode === 412);
      assert.equal(loser?.headers.etag, winner?.headers.etag, 'the 412 names the winner’s tag');
      assert.equal(guestData(await get(guest.email)).first_name, guestData(winner as never).first_name);
    }
  });

  it('checks If-Match on remove, disable, enable, reset-link and permanent delete', async () => {
    const guest = await newGuest(ctx);
    const stale = '"stale0000000000000000"';
    const url = (suffix = '') => guestsUrl(ctx.orgId, guest.email, suffix);
    const write = (method: 'PUT' | 'DELETE', suffix: string, ifMatch: string) =>
      call(ctx, ctx.tokens.admin, method, url(suffix), undefined, { 'if-match': ifMatch });
    let current = await etagOf(guest.email);
    await assertStale(await write('PUT', '/reset-link', stale), guest.email, current);
    const reset = await write('PUT', '/reset-link', current);
    assert.equal(reset.statusCode, 200);
    current = String(reset.headers.etag);
    await assertStale(await write('DELETE', '/disable', stale), guest.email, current);
    const disabled = await write('DELETE', '/disable', current);
    assert.equal(disabled.statusCode, 200);
    current = String(disabled.headers.etag);
    await assertStale(await write('PUT', '/enable', stale), guest.email, current);
    const enabled = await write('PUT', '/enable', current);
    assert.equal(enabled.statusCode, 200);
    current = String(enabled.headers.etag);
    await assertStale(await write('DELETE', '', stale), guest.email, current);
    assert.equal((await write('DELETE', '/disable', current)).statusCode, 200);
    current = await etagOf(guest.email);
    await assertStale(await write('DELETE', '/delete', stale), guest.email, current);
    const erased = await write('DELETE', '/delete', current);
    assert.equal(erased.statusCode, 200, erased.body);
    assert.equal(erased.headers.etag, undefined, 'nothing is left to tag');
    assert.equal((await get(guest.email)).statusCode, 404);
  });

  it('removes with If-Match and keeps the answers for a guest that is not there', async () => {
    const guest = await newGuest(ctx);
    const removed = await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, guest.email), undefined, {
      'if-match': await etagOf(guest.email),
    });
    assert.equal(removed.statusCode, 200);
    assert.match(String(removed.headers.etag), STRONG);
    assert.notEqual(guestData(removed).deleted_at, null);
    for (const ifMatch of ['*', '"whatever"']) {
      const headers = { 'if-match': ifMatch };
      assertProblem(await update('nobody@partner.test', { first_name: 'X' }, headers), 404, 'RESOURCE_NOT_FOUND');
      assertProblem(
        await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, guest.email), undefined, headers),
        422,
        'VALIDATION_FAILED',
      );
      for (const suffix of ['/disable', '/reset-link']) {
        const method = suffix === '/disable' ? 'DELETE' : 'PUT';
        const response = await call(
          ctx,
          ctx.tokens.admin,
          method,
          guestsUrl(ctx.orgId, 'nobody@partner.test', suffix),
          undefined,
          headers,
        );
        assertProblem(response, 404, 'RESOURCE_NOT_FOUND');
      }
    }
  });

  it("answers Get guest with the Guest schema's own text of the guest, and tags that text", async () => {
    // Get guest writes its answer straight from the row; create, update and the other writes
    // serialize the guest object. Both must give the same bytes, so the same tag, for any value.
    const odd = [
      {
        email: 'odd.quote@partner.test',
        first_name: 'Zoë "Z" O\'Neil',
        last_name: 'back\\slash',
        company_name: '</script>',
      },
      {
        email: 'odd.emoji@partner.test',
        first_name: '😀 smile',
        last_name: '',
        associated_members: [ctx.members.standard],
      },
      { email: 'odd.plain@partner.test', cadence_days: ['Monday', 'Friday'], phone_1: '+44 20 7946 0000' },
      { email: 'odd.control@partner.test', first_name: 'tab\tand\nnewline', status: 'Lead' },
    ];
    for (const body of odd) {
      const created = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), body);
      assert.equal(created.statusCode, 201, created.body);
    }
    // Stored days that are numbers, a type the field does not declare (never written by the API),
    // take the row writer's long way through the guest object: still the same bytes.
    await ctx.db.kysely
      .updateTable('organization_guests')
      .set({ cadence_days: '[1,2]' })
      .where('guest_id', '=', guestData(await get('odd.plain@partner.test')).id)
      .execute();
    for (const role of ['admin', 'light'] as const) {
      for (const query of ['', '?with=stats']) {
        for (const { email } of odd) {
          const answer = await call(ctx, ctx.tokens[role], 'GET', guestsUrl(ctx.orgId, email) + query);
          assert.equal(answer.statusCode, 200);
          assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8');
          const guest = (JSON.parse(answer.body) as { data: Parameters<typeof guestJson>[0] }).data;
          const text = guestJson(guest);
          assert.equal(answer.body, `{"data":${text}}`, `${role} ${email}${query}`);
          assert.equal(answer.headers.etag, etagOfJson(text), `${role} ${email}${query}`);
        }
      }
    }
    const plain = await get('odd.plain@partner.test');
    // The schema's serializer writes the numbers as the strings the field declares.
    assert.deepEqual(
      (JSON.parse(plain.body) as { data: { details: { cadence_days: unknown } } }).data.details.cadence_days,
      ['1', '2'],
    );
    // A write's answer carries the tag Get guest gives for the same guest.
    const updated = await update('odd.quote@partner.test', { last_name: 'Ø "quoted"' });
    assert.equal(updated.statusCode, 201);
    assert.equal(updated.headers.etag, await etagOf('odd.quote@partner.test'));
    assert.equal(updated.body, (await get('odd.quote@partner.test')).body);
  });
});
