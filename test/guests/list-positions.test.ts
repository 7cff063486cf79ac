/**
 * List guests, deep pages (docs/guests.md, List guests, Deep pages): a numbered page read by
 * keyset from a start learned from an earlier read is the page an offset read gives, under every
 * sort key and direction, with a search, in any order of pages; starts learned before a write are
 * never used after it; the kept starts stay within their bounds.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, createGuest, guestsUrl, type TestContext } from '../../support/app.js';
import { SORT_KEYS, type ListGuestsQuery } from '../../src/guests/guest.schemas.js';
import { createGuestListing } from '../../src/guests/guest-list.js';
import { createGuestListPositions } from '../../src/guests/guest-list-positions.js';
import type { Actor } from '../../src/core/actor.js';
import { generator, seedGuests } from './list-seed.js';

const GUESTS = 300;
const PER_PAGE = 13;

/** Every page number of the list in pages of `size`, and the one after the last, in an order drawn from `seed`. */
function shuffledPages(seed: number, size: number): number[] {
  const pages = Array.from({ length: Math.ceil(GUESTS / size) + 1 }, (_, i) => i + 1);
  const pick = generator(seed);
  const order: number[] = [];
  while (pages.length > 0) {
    const page = pick(pages);
    order.push(page);
    pages.splice(pages.indexOf(page), 1);
  }
  return order;
}

describe('List guests: deep pages from known starts', () => {
  let ctx: TestContext;
  before(async () => {
    // Every page read from the database (no kept pages), by one token making many requests.
    ctx = await buildTestApp({ env: { RATE_LIMIT_MAX: '0', LIST_CACHE_MB: '0' } });
    await seedGuests(ctx, GUESTS, 10_000);
  });
  after(() => ctx.close());

  const ids = async (query: string): Promise<number[]> => {
    const response = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<{ data: Array<{ id: number }> }>().data.map((g) => g.id);
  };

  it('every page, asked in any order and in two sizes, is the slice of the whole list, under every sort and direction, and with a search', async () => {
    const sorts = SORT_KEYS.flatMap((key) => [key, `-${key}`]);
    for (const [i, sort] of sorts.entries()) {
      // A search on every fourth sort: enough to hold the search to the same rule.
      for (const search of i % 4 === 0 ? ['', '&q=ann'] : ['']) {
        const query = `sort=${sort}${search}`;
        const whole = await ids(`${query}&per_page=1000`);
        // Pages of 13, then of 7: the second size starts mostly between the starts the first
        // one learned, and reads from the nearest before it, passing over the rest.
        for (const [size, pages] of [
          [PER_PAGE, shuffledPages(i, PER_PAGE)],
          [7, shuffledPages(i + 1000, 7)],
        ] as const) {
          for (const page of pages) {
            const expected = whole.slice((page - 1) * size, page * size);
            assert.deepEqual(
              await ids(`${query}&per_page=${size}&page=${page}`),
              expected,
              `${query} ${size} a page, page ${page}`,
            );
          }
        }
      }
    }
  });

  describe('the listing', () => {
    const actor = (): Actor => ({ organizationId: ctx.orgId, userId: ctx.members.admin, role: 'admin' });
    const listing = (positions = createGuestListPositions()) => ({
      positions,
      ...createGuestListing(
        ctx.db.kysely,
        async () => [],
        async (_actor, rows) => JSON.stringify(rows.map((r) => r.id)),
        undefined,
        positions,
      ),
    });
    const pageIds = async (list: ReturnType<typeof listing>, query: ListGuestsQuery) =>
      JSON.parse(String((await list.list(actor(), query)).data)) as number[];

    it('reads a page asked again, and the page after one just read, from a known start', async () => {
      const list = listing();
      const query = { sort: '-name', per_page: PER_PAGE } as ListGuestsQuery;
      const whole = await pageIds(list, { ...query, per_page: 1000 });
      assert.deepEqual(await pageIds(list, { ...query, page: 9 }), whole.slice(8 * PER_PAGE, 9 * PER_PAGE));
      assert.equal(list.positions.stats().used, 0, 'nothing was known before the first deep page');
      // The start of page 9 (the row before it was read with it) and of page 10 are known now.
      assert.deepEqual(await pageIds(list, { ...query, page: 9 }), whole.slice(8 * PER_PAGE, 9 * PER_PAGE));
      assert.deepEqual(await pageIds(list, { ...query, page: 10 }), whole.slice(9 * PER_PAGE, 10 * PER_PAGE));
      assert.equal(list.positions.stats().used, 2);
      // Page 11 is two pages past a known start: read from it, with the rows between passed over.
      assert.deepEqual(await pageIds(list, { ...query, page: 12 }), whole.slice(11 * PER_PAGE, 12 * PER_PAGE));
      assert.equal(list.positions.stats().used, 3);
    });

    it('never uses a start learned before a write to the guests: the pages move with the write', async () => {
      const list = listing();
      const query = { sort: '-created_at', per_page: PER_PAGE } as ListGuestsQuery;
      const deep = [5, 6, 7, 15];
      for (const page of deep) await pageIds(list, { ...query, page });
      const learned = list.positions.stats().positions;
      assert.ok(learned >= deep.length, `starts learned: ${learned}`);
      // The newest guest comes first in this order: every later row moves one place down.
      await createGuest(ctx, { first_name: 'Newest' });
      const whole = await pageIds(list, { ...query, per_page: 1000 });
      for (const page of deep)
        assert.deepEqual(
          await pageIds(list, { ...query, page }),
          whole.slice((page - 1) * PER_PAGE, page * PER_PAGE),
          `page ${page} after a guest joined`,
        );
      // A guest removed from the middle moves the rows after it one place up.
      const middle = whole[4 * PER_PAGE + 3] as number;
      const removed = await ctx.db.kysely
        .selectFrom('organization_guests')
        .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
        .select('guests.email')
        .where('organization_guests.id', '=', middle)
        .executeTakeFirstOrThrow();
      const response = await call(ctx, ctx.tokens.admin, 'DELETE', `${guestsUrl(ctx.orgId)}/${removed.email}`);
      assert.equal(response.statusCode, 200, response.body);
      const afterRemoval = await pageIds(list, { ...query, per_page: 1000 });
      assert.equal(afterRemoval.length, whole.length - 1);
      for (const page of deep)
        assert.deepEqual(
          await pageIds(list, { ...query, page }),
          afterRemoval.slice((page - 1) * PER_PAGE, page * PER_PAGE),
          `page ${page} after a guest was removed`,
        );
    });
  });
});

describe('the known starts of numbered pages', () => {
  const at = (id: number) => ({ values: [`2026-01-01 00:00:${String(id).padStart(2, '0')}`], id });

  it('gives the nearest start at or before an offset, of that list at that version only', () => {
    const positions = createGuestListPositions();
    positions.learn('org', '7', 'created_at|', 100, at(1));
    positions.learn('org', '7', 'created_at|', 300, at(3));
    positions.learn('org', '7', 'created_at|', 200, at(2));
    assert.equal(positions.nearest('org', '7', 'created_at|', 99), undefined);
    assert.equal(positions.nearest('org', '7', 'created_at|', 100)?.position.id, 1);
    assert.equal(positions.nearest('org', '7', 'created_at|', 299)?.position.id, 2);
    assert.equal(positions.nearest('org', '7', 'created_at|', 5000)?.offset, 300);
    assert.equal(positions.nearest('org', '7', '-created_at|', 5000), undefined, 'another sort');
    assert.equal(positions.nearest('org', '7', 'created_at|ann', 5000), undefined, 'another search');
    assert.equal(positions.nearest('other', '7', 'created_at|', 5000), undefined, 'another organization');
    assert.equal(positions.stats().positions, 3);
    // Another version drops them all.
    assert.equal(positions.nearest('org', '8', 'created_at|', 5000), undefined);
    assert.equal(positions.nearest('org', '7', 'created_at|', 5000), undefined, 'gone, not kept for the older version');
    assert.equal(positions.stats().positions, 0);
  });

  it('keeps no start at offset 0, nor the same offset twice', () => {
    const positions = createGuestListPositions();
    positions.learn('org', '1', 'l', 0, at(1));
    positions.learn('org', '1', 'l', 50, at(2));
    positions.learn('org', '1', 'l', 50, at(3));
    assert.equal(positions.stats().positions, 1);
    assert.equal(positions.nearest('org', '1', 'l', 50)?.position.id, 2);
  });

  it('stays within its bounds: a full list learns no more, and the least recently used organization goes first', () => {
    const positions = createGuestListPositions(6, 3);
    for (let i = 1; i <= 5; i += 1) positions.learn('a', '1', 'l', i * 10, at(i));
    assert.equal(positions.stats().positions, 3, 'one list holds at most 3');
    for (let i = 1; i <= 3; i += 1) positions.learn('b', '1', 'l', i * 10, at(i));
    assert.equal(positions.stats().positions, 6);
    positions.nearest('a', '1', 'l', 10); // a is now the more recently used
    positions.learn('c', '1', 'l', 10, at(1));
    assert.equal(positions.nearest('b', '1', 'l', 30), undefined, 'b, least recently used, is gone');
    assert.equal(positions.nearest('a', '1', 'l', 30)?.position.id, 3);
    assert.equal(positions.nearest('c', '1', 'l', 10)?.position.id, 1);
    assert.equal(positions.stats().positions, 4);
  });

  it('keeps a copy of what it was given', () => {
    const positions = createGuestListPositions();
    const position = at(4);
    positions.learn('org', '1', 'l', 10, position);
    position.values[0] = 'changed';
    assert.equal(positions.nearest('org', '1', 'l', 10)?.position.values[0], '2026-01-01 00:00:04');
  });
});
