/**
 * Pages answered again (docs/guests.md, List guests, "Pages answered again"): while an
 * organization's guests are unchanged, a page asked for again costs one statement (the version,
 * read with the total) instead of the page's read; what a reader may see (links, by role) is part
 * of what is kept, and so is whether the guests carry their stats. The cache itself: bounded by bytes, a page of an
 * older version never replaces a newer one, a newer one drops the older pages. That every write
 * shows at once is held by test/guests/guest-count.test.ts (a seeded sequence of every write) and,
 * across two processes, by test/multi-instance/multi-instance.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, createGuest, guestsUrl, type TestContext } from '../../support/app.js';
import { statementsOf } from '../../support/statement-counter.js';
import { createGuestListCache, keepAnswer, type KeptPage } from '../../src/guests/guest-list-cache.js';

describe('List guests: pages answered again', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ env: { RATE_LIMIT_MAX: '0' } });
    for (let i = 0; i < 30; i += 1) await createGuest(ctx, { first_name: i % 2 ? 'Odd' : 'Even' });
  });
  after(() => ctx.close());

  /** The statements of two requests in a row, and their answers. */
  async function twice(query: string, token = ctx.tokens.admin) {
    const url = `${guestsUrl(ctx.orgId)}?${query}`;
    const first = await statementsOf(() => call(ctx, token, 'GET', url));
    const second = await statementsOf(() => call(ctx, token, 'GET', url));
    assert.equal(first.result.statusCode, 200, first.result.body);
    assert.equal(second.result.statusCode, 200, second.result.body);
    return { first, second };
  }

  it('a page asked again, unchanged, skips the page read; a search skips its count too', async () => {
    for (const [query, saved] of [
      ['per_page=10', 1],
      ['per_page=10&page=3', 1], // read from the end: the total, then the page
      ['per_page=10&cursor=', 1],
      ['per_page=5&q=odd', 2],
    ] as const) {
      const { first, second } = await twice(query);
      assert.equal(second.statements, first.statements - saved, query);
      assert.equal(second.result.body, first.result.body, query);
    }
  });

  it('the second cursor page answered again keeps its next cursor', async () => {
    const start = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?per_page=10&cursor=`);
    const next = start.json<{ next_cursor?: string; meta: { pagination: { next_cursor?: string } } }>();
    const cursor = next.next_cursor ?? next.meta.pagination.next_cursor;
    assert.ok(cursor, start.body);
    const { first, second } = await twice(`per_page=10&cursor=${encodeURIComponent(cursor)}`);
    assert.equal(second.statements, first.statements - 1);
    assert.equal(second.result.body, first.result.body);
  });

  it('a light member is not given the links an admin was given on the same page', async () => {
    const admin = await twice('per_page=10&page=2');
    const light = await twice('per_page=10&page=2', ctx.tokens.light);
    type Page = { data: Array<{ email: string; link: string | null }> };
    const adminPage = admin.second.result.json<Page>().data;
    const lightPage = light.second.result.json<Page>().data;
    assert.ok(adminPage.every((g) => typeof g.link === 'string' && g.link.length > 0));
    assert.deepEqual(
      lightPage.map((g) => [g.email, g.link]),
      adminPage.map((g) => [g.email, null]),
    );
  });

  it('a page with stats is kept apart from the same page without, and shows a task at once', async () => {
    const plain = await twice('per_page=10');
    const stats = await twice('per_page=10&with=stats');
    // Its own read (the page and its stats), then answered again like any page.
    assert.ok(stats.first.statements > plain.second.statements, 'the page with stats was read');
    assert.equal(stats.second.statements, plain.second.statements);
    assert.equal(stats.second.result.body, stats.first.result.body);
    type Page = { data: Array<{ email: string; stats?: { assigned_tasks: number } }> };
    const before = stats.second.result.json<Page>().data;
    assert.ok(before.every((g) => g.stats?.assigned_tasks === 0));
    assert.ok(plain.second.result.json<Page>().data.every((g) => g.stats === undefined));
    const owner = before[3]?.email as string;
    const task = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/tasks`, {
      title: 'Counted in the stats',
      deadline: '2030-01-01 12:00:00',
      owners: { guests: [owner] },
    });
    assert.equal(task.statusCode, 201, task.body);
    const after = (
      await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?per_page=10&with=stats`)
    ).json<Page>();
    assert.deepEqual(
      after.data.map((g) => [g.email, g.stats?.assigned_tasks]),
      before.map((g) => [g.email, g.email === owner ? 1 : 0]),
    );
  });

  it('the whole answer is sent again only to the same URL; another URL for the same page gets its own links', async () => {
    type Links = { meta: { pagination: { links: { previous?: string; next?: string } } } };
    const get = (query: string) => call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?${query}`);
    const first = await get('per_page=7&page=2');
    const reordered = await get('page=2&per_page=7');
    const again = await get('per_page=7&page=2');
    for (const answer of [first, reordered, again]) assert.equal(answer.statusCode, 200, answer.body);
    assert.equal(again.body, first.body);
    assert.match(first.json<Links>().meta.pagination.links.next ?? '', /\?per_page=7&page=3$/);
    assert.match(reordered.json<Links>().meta.pagination.links.next ?? '', /\?page=3&per_page=7$/);
    assert.deepEqual(reordered.json<{ data: unknown }>().data, first.json<{ data: unknown }>().data);
    // A URL too long for its answer to be kept is still answered in full, again and again.
    const long = `per_page=7&page=2&note=${'x'.repeat(2000)}`;
    const [one, two] = [await get(long), await get(long)];
    assert.equal(two.statusCode, 200, two.body);
    assert.equal(two.body, one.body);
    assert.ok(two.json<Links>().meta.pagination.links.next?.endsWith(`note=${'x'.repeat(2000)}`));
    assert.deepEqual(two.json<{ data: unknown }>().data, first.json<{ data: unknown }>().data);
  });

  it('LIST_CACHE_MB=0 reads every page', async () => {
    const off = await buildTestApp({ env: { RATE_LIMIT_MAX: '0', LIST_CACHE_MB: '0' } });
    try {
      await createGuest(off);
      const url = `${guestsUrl(off.orgId)}?per_page=10`;
      const first = await statementsOf(() => call(off, off.tokens.admin, 'GET', url));
      const second = await statementsOf(() => call(off, off.tokens.admin, 'GET', url));
      assert.equal(second.result.statusCode, 200);
      assert.equal(second.statements, first.statements);
    } finally {
      await off.close();
    }
  });
});

describe('the list page cache', () => {
  const page = (data: string, total = 1): KeptPage => ({ data: Buffer.from(data), count: 1, total });

  it('answers only the version a page was kept at', () => {
    const cache = createGuestListCache(1 << 20);
    cache.set('org', '5', 'k', page('[1]'));
    assert.equal(cache.get('org', '5', 'k')?.data.toString(), '[1]');
    assert.equal(cache.get('org', '6', 'k'), undefined);
    assert.equal(cache.get('org', '4', 'k'), undefined);
    assert.equal(cache.get('other', '5', 'k'), undefined);
    assert.equal(cache.get('org', '5', 'other key'), undefined);
  });

  it('a newer version drops the older pages; an older one never replaces a newer', () => {
    const cache = createGuestListCache(1 << 20);
    cache.set('org', '5', 'a', page('[5]'));
    cache.set('org', '5', 'b', page('[5]'));
    cache.set('org', '7', 'a', page('[7]'));
    assert.equal(cache.get('org', '7', 'b'), undefined);
    const bytes = cache.bytes;
    cache.set('org', '6', 'b', page('[6]'));
    assert.equal(cache.get('org', '6', 'b'), undefined);
    assert.equal(cache.get('org', '7', 'a')?.data.toString(), '[7]');
    assert.equal(cache.bytes, bytes);
    // Versions compare as numbers, not text ("10" after "9"); PostgreSQL's sums are bigger than 2^53 only in theory.
    cache.set('org', '10', 'a', page('[10]'));
    cache.set('org', '9', 'a', page('[9]'));
    assert.equal(cache.get('org', '10', 'a')?.data.toString(), '[10]');
  });

  it('stays within its bytes: the least recently used organization goes first', () => {
    const text = (n: number) => `[${'x'.repeat(n)}]`;
    const cache = createGuestListCache(80000);
    cache.set('a', '1', 'p', page(text(8000)));
    cache.set('b', '1', 'p', page(text(8000)));
    cache.set('c', '1', 'p', page(text(8000)));
    assert.ok(cache.get('a', '1', 'p')); // a is now the most recently used
    for (let i = 0; i < 6; i += 1) cache.set('d', '1', `p${i}`, page(text(8000)));
    assert.ok(cache.bytes <= 80000, String(cache.bytes));
    assert.equal(cache.get('b', '1', 'p'), undefined);
    assert.ok(cache.get('d', '1', 'p5'));
    // Alone past the budget, an organization loses its oldest pages.
    for (let i = 6; i < 20; i += 1) cache.set('d', '1', `p${i}`, page(text(8000)));
    assert.ok(cache.bytes <= 80000, String(cache.bytes));
    assert.equal(cache.get('d', '1', 'p0'), undefined);
    assert.ok(cache.get('d', '1', 'p19'));
  });

  it('does not keep a page larger than an eighth of its bytes', () => {
    const cache = createGuestListCache(8000);
    cache.set('a', '1', 'p', page(`[${'x'.repeat(1100)}]`));
    assert.equal(cache.get('a', '1', 'p'), undefined);
    assert.equal(cache.bytes, 0);
  });

  it("keeps a page's whole answer in the page's own bytes, and only when it fits the room counted for it", () => {
    const cache = createGuestListCache(1 << 20);
    const kept = page('[1,2]');
    cache.set('org', '1', 'k', kept);
    const bytes = cache.bytes;
    // Over an ArrayBuffer of its own: small Buffers made from text share Node's pool, which would
    // make the check below hold even for a copy.
    const body = Buffer.from(new TextEncoder().encode('{"data":[1,2],"meta":{}}').buffer);
    keepAnswer(kept, '/guests?page=1', 1, body, '{"data":'.length);
    assert.deepEqual(kept.answer, { url: '/guests?page=1', total: 1, body });
    assert.equal(kept.data.toString(), '[1,2]');
    assert.equal(kept.data.buffer, body.buffer, 'the text is a view of the answer, not a copy');
    assert.equal(cache.bytes, bytes);
    // Evicting it later takes away exactly what it was counted for.
    cache.set('org', '2', 'k', page('[3,4]'));
    assert.equal(cache.bytes, bytes);
    const other = page('[1,2]');
    const long = `/guests?q=${'x'.repeat(1100)}`;
    keepAnswer(other, long, 1, Buffer.from(`{"data":[1,2],"meta":{"next":"${long}"}}`), '{"data":'.length);
    assert.equal(other.answer, undefined);
  });
});
