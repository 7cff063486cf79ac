/**
 * List guests by cursor (docs/guests.md, List guests, Cursor paging): a walk sees every guest
 * once, in the list's own order, under every sort key and direction (nulls, ties and case
 * included); a walk while another client adds and removes guests sees every guest present
 * throughout exactly once and none twice; a cursor that is garbage, tampered with, or of another
 * sort, search or organization is a 422.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, call, guestsUrl, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { SORT_KEYS } from '../../src/guests/guest.schemas.js';
import { encodeCursor } from '../../src/guests/guest-cursor.js';
import { NAMES, generator, seedGuests } from './list-seed.js';

interface ListBody {
  data: Array<{ id: number; email: string }>;
  meta: {
    pagination: {
      total: number;
      count: number;
      per_page: number;
      current_page: number;
      has_more_pages: boolean;
      links: { next?: string; previous?: string };
      next_cursor?: string | null;
    };
  };
}

describe('List guests by cursor', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  before(async () => {
    // A walk of every sort is thousands of requests of one token: the request limit has its own tests.
    ({ ctx, other } = await buildTestAppWithOther({ env: { RATE_LIMIT_MAX: '0' } }));
  });
  after(() => ctx.close());

  const list = async (query: string, token = ctx.tokens.admin, orgId = ctx.orgId) => {
    const response = await call(ctx, token, 'GET', `${guestsUrl(orgId)}?${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<ListBody>();
  };

  /** Every page of a walk from the first, following `links.next` as a client would. */
  async function walk(query: string, between: () => Promise<void> = async () => undefined) {
    const ids: number[] = [];
    let body = await list(`${query}&cursor=`);
    let pages = 1;
    for (;;) {
      ids.push(...body.data.map((g) => g.id));
      const { links, next_cursor: next, current_page: page, has_more_pages: more } = body.meta.pagination;
      assert.equal(page, pages);
      assert.equal(more, next !== null);
      if (next === null) {
        assert.equal(links.next, undefined);
        return ids;
      }
      const url = new URL(links.next as string);
      assert.equal(url.searchParams.get('cursor'), next);
      await between();
      body = await list(url.search.slice(1));
      pages += 1;
    }
  }

  it('walks 1,000 guests in the list order under every sort key and direction', async () => {
    await seedGuests(ctx, 1000, 100_000);
    for (const key of SORT_KEYS) {
      for (const sort of [key, `-${key}`]) {
        const expected = (await list(`sort=${sort}&per_page=1000`)).data.map((g) => g.id);
        assert.equal(expected.length, 1000);
        const seen = await walk(`sort=${sort}&per_page=37`);
        assert.deepEqual(seen, expected, `sort=${sort}: every guest once, in the list's order`);
      }
    }
  });

  it('sees every guest present throughout exactly once while another client adds and removes guests', async () => {
    const before = (await list('per_page=1000')).data.map((g) => g.id);
    let made = 0;
    const added: string[] = [];
    const removable = before.slice(0, 400);
    const stable = new Set(before.slice(400));
    const removed = new Set<number>();
    const pick = generator(7);
    const otherClient = async () => {
      for (let i = 0; i < 3; i += 1) {
        made += 1;
        const email = `walk.${made}@partner.test`;
        const created = await call(ctx, ctx.tokens.standard, 'POST', guestsUrl(ctx.orgId), {
          email,
          first_name: pick(NAMES),
          company_name: pick(NAMES),
        });
        assert.equal(created.statusCode, 201, created.body);
        added.push(email);
      }
      for (const email of [added.shift(), `seed.${removable.pop()}@partner.test`]) {
        const response = await call(ctx, ctx.tokens.standard, 'DELETE', guestsUrl(ctx.orgId, email));
        assert.equal(response.statusCode, 200, response.body);
        removed.add(response.json<{ data: { id: number } }>().data.id);
      }
    };
    for (const sort of ['created_at', '-name', 'email', '-first_name', 'company_name', '-updated_at']) {
      const seen = await walk(`sort=${sort}&per_page=29`, otherClient);
      const counts = new Map<number, number>();
      for (const id of seen) counts.set(id, (counts.get(id) ?? 0) + 1);
      assert.deepEqual(
        [...counts].filter(([, n]) => n > 1),
        [],
        `sort=${sort}: no guest twice`,
      );
      const missed = [...stable].filter((id) => !counts.has(id));
      assert.deepEqual(missed, [], `sort=${sort}: every guest present throughout seen`);
    }
    assert.ok(removed.size > 50 && made > 100, 'the other client was busy');
  });

  it('answers the pagination block of a cursor page, and leaves page answers as they were', async () => {
    for (let i = 0; i < 5; i += 1) {
      const created = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), {
        email: `marked.${i}@partner.test`,
        company_name: 'Pagemark',
      });
      assert.equal(created.statusCode, 201);
    }
    const first = await list('cursor=&per_page=2&q=pagemark');
    assert.equal(first.meta.pagination.total, 5);
    assert.equal(first.meta.pagination.count, 2);
    assert.equal(first.meta.pagination.links.previous, undefined);
    assert.match(
      first.meta.pagination.links.next ?? '',
      /^http:\/\/guests\.test\/api\/organizations\/[^/]+\/guests\?cursor=[\w.-]+&per_page=2&q=pagemark$/,
    );
    const last = await list('cursor=&per_page=5&q=pagemark');
    assert.equal(last.meta.pagination.next_cursor, null);
    assert.equal(last.meta.pagination.has_more_pages, false);
    assert.deepEqual(
      last.data.map((g) => g.email),
      [0, 1, 2, 3, 4].map((i) => `marked.${i}@partner.test`),
    );
    const paged = await list('per_page=2&q=pagemark');
    assert.equal('next_cursor' in paged.meta.pagination, false);
    assert.equal(paged.meta.pagination.links.next?.includes('page=2'), true);
  });

  it('refuses a cursor that is garbage, tampered with, or of another sort, search or organization', async () => {
    const good = (await list('cursor=&per_page=5&sort=-name')).meta.pagination.next_cursor as string;
    assert.ok(good);
    assert.equal((await list(`cursor=${good}&per_page=5&sort=-name`)).data.length, 5, 'the cursor itself works');
    const [body, sum] = good.split('.') as [string, string];
    const flipped = body.slice(0, 10) + (body[10] === 'A' ? 'B' : 'A') + body.slice(11);
    const scope = { organizationId: ctx.orgId, sort: '-name', q: null };
    const forged = (values: unknown[], id: unknown = 5) =>
      encodeCursor(scope, { values: values as never, id: id as number, page: 2 });
    const bad: Array<[string, string]> = [
      ['garbage', 'cursor=not-a-cursor&sort=-name'],
      ['dots', 'cursor=a.b.c&sort=-name'],
      ['tampered body', `cursor=${flipped}.${sum}&sort=-name`],
      ['tampered sum', `cursor=${body}.${sum.slice(1)}A&sort=-name`],
      ['not JSON', `cursor=${Buffer.from('{').toString('base64url')}.x&sort=-name`],
      ['another sort', `cursor=${good}&sort=name`],
      ['the default sort', `cursor=${good}`],
      ['another search', `cursor=${good}&sort=-name&q=seed`],
      ['wrong value count', `cursor=${forged(['a'])}&sort=-name`],
      ['wrong value type', `cursor=${forged([1, 'b'])}&sort=-name`],
      ['NUL in a value', `cursor=${forged(['a\u0000', null])}&sort=-name`],
      ['bad id', `cursor=${forged(['a', null], -1)}&sort=-name`],
      ['with page', `cursor=${good}&sort=-name&page=2`],
      ['with page 1', `cursor=&page=1`],
      ['unpaginated', `cursor=&without_pagination=true`],
      ['too long', `cursor=${'a'.repeat(5000)}`],
    ];
    for (const [label, query] of bad) {
      const response = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?${query}`);
      assertProblem(response, 422, 'VALIDATION_FAILED', { label, fields: ['cursor'] });
    }
    const elsewhere = await call(ctx, other.tokens.admin, 'GET', `${guestsUrl(other.orgId)}?cursor=${good}&sort=-name`);
    assertProblem(elsewhere, 422, 'VALIDATION_FAILED', { label: 'another organization', fields: ['cursor'] });
  });
});
