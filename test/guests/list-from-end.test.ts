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

const NAMES = ['ann', 'Ann', 'bob', 'Émile', 'Zed', '', null, null];
const TIMES = ['2026-01-01 00:00:00', '2026-01-01 00:00:01', '2026-03-04 05:06:07', null];

/** A small deterministic generator, so that a failure can be run again as it was. */
function generator(seed: number) {
  let state = seed;
  return <T>(values: readonly T[]): T => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return values[Math.floor((state / 2147483648) * values.length)] as T;
  };
}

/** Adds guests `from` to `to` (exclusive) straight into the database: few distinct values, many nulls. */
async function addGuests(ctx: TestContext, from: number, to: number): Promise<void> {
  const pick = generator(from + 1);
  const ids = Array.from({ length: to - from }, (_, i) => 700_000 + from + i);
  await ctx.db.kysely
    .insertInto('guests')
    .values(
      ids.map((id) => ({ id, email: `end.${id}@partner.test`, created_at: '2026-01-01 00:00:00', deleted_at: null })),
    )
    .execute();
  await ctx.db.kysely
    .insertInto('organization_guests')
    .values(
      ids.map((id) => ({
        organization_id: ctx.orgId,
        guest_id: id,
        first_name: pick(NAMES),
        last_name: pick(NAMES),
        company_name: pick(NAMES),
        opportunity_name: pick(NAMES),
        status: pick(NAMES),
        last_city: pick(NAMES),
        last_known_country: pick(['US', 'us', null]),
        phone_1: pick(['+1 555', null]),
        phone_2: pick(['1', '2', null]),
        timezone: pick(['Europe/Berlin', null]),
        image_url: pick(['https://a.test/x', null]),
        contact_url: pick(['https://a.test/x', 'https://B.test/y', null]),
        company_url: pick(['https://a.test/x', null]),
        opportunity_url: pick(['https://a.test/x', null]),
        external_sync_source: pick(['salesforce', null]),
        external_date_creation: pick(TIMES),
        last_known_ip: pick(['10.0.0.1', '10.0.0.10', null]),
        last_accessed_at: pick(TIMES),
        disabled_at: pick(TIMES),
        disabled_by: pick([1, 30, null]),
        reactivated_at: pick(TIMES),
        reactivated_by: pick([7, null]),
        // Two values only: most rows tie on the default sort, and the id decides.
        created_at: pick(TIMES.slice(0, 2)) as string,
        updated_at: pick(TIMES.slice(0, 3)) as string,
        // Some removed: they are in the index of neither end.
        deleted_at: id % 11 === 3 ? '2026-02-02 02:02:02' : null,
      })),
    )
    .execute();
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
