/**
 * List guests (docs/guests.md, List guests): the pages past the middle are read from the end of
 * the list, in the reverse order, and turned round. Every page of 7, for every sort key and
 * direction, on organizations of 1 to 300 guests with many nulls and ties, must be the same slice
 * of the list as read from the start (one page of them all), and a page past the last is empty.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, guestsUrl, type TestContext } from '../../support/app.js';
import { SORT_KEYS } from '../../src/guests/guest.schemas.js';
import { TIMES, seedGuests } from './list-seed.js';

/** Adds guests `from` to `to` (exclusive): few distinct values, many nulls. */
async function addGuests(ctx: TestContext, from: number, to: number): Promise<void> {
  await seedGuests(ctx, to - from, 700_000 + from, {
    email: (id) => `end.${id}@partner.test`,
    // Two values only: most rows tie on the default sort, and the id decides.
    createdAt: TIMES.slice(0, 2),
    // Some removed: they are in the index of neither end.
    removed: (id) => id % 11 === 3,
  });
}

describe('List guests: pages past the middle read from the end', () => {
  let ctx: TestContext;
  before(async () => {
    // Thousands of requests of one token: the request limit has its own tests.
    ctx = await buildTestApp({ env: { RATE_LIMIT_MAX: '0' } });
  });
  after(() => ctx.close());

  const ids = async (query: string) => {
    const response = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?${query}`);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json<{ data: Array<{ id: number }>; meta: { pagination: { total: number } } }>();
    return { ids: body.data.map((g) => g.id), total: body.meta.pagination.total };
  };

  it('every page of 7 under every sort is the slice of the list read from the start', async () => {
    let size = 0;
    for (const target of [1, 7, 8, 50, 300]) {
      await addGuests(ctx, size, target);
      size = target;
      const sorts = SORT_KEYS.flatMap((key) => [`sort=${key}`, `sort=-${key}`]);
      for (const query of [...sorts, 'sort=name&q=ann', 'sort=-name&q=ann']) {
        const whole = await ids(`${query}&per_page=1000`);
        const pages = Math.ceil(whole.total / 7);
        const seen: number[] = [];
        for (let page = 1; page <= pages; page += 1) {
          const slice = await ids(`${query}&per_page=7&page=${page}`);
          assert.deepEqual(
            slice.ids,
            whole.ids.slice((page - 1) * 7, page * 7),
            `${size} guests, ${query}, page ${page}`,
          );
          seen.push(...slice.ids);
        }
        assert.deepEqual(seen, whole.ids, `${size} guests, ${query}: every guest once, in order`);
        assert.deepEqual((await ids(`${query}&per_page=7&page=${pages + 1}`)).ids, [], 'past the last page: empty');
      }
    }
  });
});
