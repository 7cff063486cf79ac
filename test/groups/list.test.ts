/** The group list: pagination, search, sort and their query parameters. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { assertGroupShape, createGroup, groupsUrl, type GroupData } from './group-helpers.js';

interface ListBody {
  data: GroupData[];
  meta: {
    pagination: {
      total: number;
      count: number;
      per_page: number;
      current_page: number;
      total_pages: number;
      has_more_pages: boolean;
      links: { previous?: string; next?: string };
    };
  };
}

describe('groups: list', () => {
  let ctx: TestContext;
  const names = ['delta', 'Alpha', 'charlie', 'Bravo', '100% Club', 'under_score'];
  before(async () => {
    ctx = await buildTestApp();
    for (const name of names) await createGroup(ctx, { name, members: [ctx.members.admin] });
  });
  after(() => ctx.close());

  async function list(query = '', token = ctx.tokens.light): Promise<ListBody> {
    const response = await call(ctx, token, 'GET', `${groupsUrl(ctx.orgId)}${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<ListBody>();
  }

  it('lists by name without regard to case by default, with the pagination block', async () => {
    const body = await list();
    assert.deepEqual(
      body.data.map((g) => g.name),
      ['100% Club', 'Alpha', 'Bravo', 'charlie', 'delta', 'under_score'],
    );
    body.data.forEach(assertGroupShape);
    assert.deepEqual(body.data[0]?.members, [ctx.members.admin]);
    assert.deepEqual(body.meta.pagination, {
      total: 6,
      count: 6,
      per_page: 10,
      current_page: 1,
      total_pages: 1,
      has_more_pages: false,
      links: {},
    });
  });

  it('pages with per_page, or limit as its synonym (per_page wins)', async () => {
    const second = await list('?per_page=2&page=2');
    assert.deepEqual(
      second.data.map((g) => g.name),
      ['Bravo', 'charlie'],
    );
    const { links, ...rest } = second.meta.pagination;
    assert.deepEqual(rest, { total: 6, count: 2, per_page: 2, current_page: 2, total_pages: 3, has_more_pages: true });
    assert.match(links.previous ?? '', /\/organizations\/[0-9a-f]{32}\/groups\?per_page=2&page=1$/);
    assert.match(links.next ?? '', /page=3$/);
    assert.deepEqual(
      (await list('?limit=2&page=2')).data.map((g) => g.name),
      ['Bravo', 'charlie'],
    );
    const both = await list('?limit=2&per_page=4');
    assert.equal(both.meta.pagination.per_page, 4);
    assert.equal(both.data.length, 4);
    const last = await list('?per_page=4&page=2');
    assert.equal(last.meta.pagination.has_more_pages, false);
    assert.deepEqual(
      last.data.map((g) => g.name),
      ['delta', 'under_score'],
    );
    const beyond = await list('?per_page=4&page=9');
    assert.deepEqual([beyond.data.length, beyond.meta.pagination.total], [0, 6]);
  });

  it('q searches names without regard to case; % and _ are literal', async () => {
    assert.deepEqual(
      (await list('?q=ALP')).data.map((g) => g.name),
      ['Alpha'],
    );
    assert.deepEqual(
      (await list('?q=AR')).data.map((g) => g.name),
      ['charlie'],
    );
    assert.deepEqual(
      (await list('?q=%25')).data.map((g) => g.name),
      ['100% Club'],
    );
    assert.deepEqual(
      (await list('?q=_')).data.map((g) => g.name),
      ['under_score'],
    );
    const none = await list('?q=zzz');
    assert.deepEqual([none.data, none.meta.pagination.total, none.meta.pagination.total_pages], [[], 0, 1]);
  });

  it('sorts by name, created_at or updated_at, descending with a leading -, via sort or sort_by', async () => {
    assert.deepEqual(
      (await list('?sort=-name')).data.map((g) => g.name),
      ['under_score', 'delta', 'charlie', 'Bravo', 'Alpha', '100% Club'],
    );
    assert.deepEqual(
      (await list('?sort_by=-name')).data.map((g) => g.name),
      ['under_score', 'delta', 'charlie', 'Bravo', 'Alpha', '100% Club'],
    );
    assert.deepEqual((await list('?sort=name&sort_by=-name')).data.map((g) => g.name)[0], '100% Club');
    // Creation within one second ties; give each group its own moments to sort by.
    const stamps: Record<string, [string, string]> = {
      delta: ['2024-01-01 00:00:01', '2024-06-01 00:00:04'],
      Alpha: ['2024-01-01 00:00:02', '2024-06-01 00:00:03'],
      charlie: ['2024-01-01 00:00:03', '2024-06-01 00:00:02'],
      Bravo: ['2024-01-01 00:00:04', '2024-06-01 00:00:01'],
    };
    for (const [name, [created, updated]] of Object.entries(stamps)) {
      await ctx.db.kysely
        .updateTable('groups')
        .set({ created_at: created, updated_at: updated })
        .where('name', '=', name)
        .execute();
    }
    const q = '&per_page=4&page=1';
    assert.deepEqual(
      (await list(`?sort=created_at${q}`)).data.map((g) => g.name),
      ['delta', 'Alpha', 'charlie', 'Bravo'],
    );
    assert.deepEqual((await list(`?sort=-created_at&per_page=2`)).data.map((g) => g.name).length, 2);
    assert.deepEqual(
      (await list(`?sort_by=updated_at${q}`)).data.map((g) => g.name),
      ['Bravo', 'charlie', 'Alpha', 'delta'],
    );
    const newest = (await list('?sort=-updated_at')).data.map((g) => g.name);
    assert.deepEqual(newest.slice(2), ['delta', 'Alpha', 'charlie', 'Bravo']);
    const updated = (await list('?sort=-updated_at')).data.find((g) => g.name === 'delta');
    assert.equal(updated?.last_updated, '2024-06-01 00:00:04');
  });

  it('refuses bad query values with 422', async () => {
    for (const query of [
      '?per_page=101',
      '?per_page=0',
      '?limit=101',
      '?page=0',
      '?page=x',
      '?sort=email',
      '?sort_by=-id',
      `?q=${'q'.repeat(201)}`,
    ]) {
      assertProblem(
        await call(ctx, ctx.tokens.admin, 'GET', `${groupsUrl(ctx.orgId)}${query}`),
        422,
        'VALIDATION_FAILED',
        query,
      );
    }
  });
});

describe('groups: list defaults to 10 per page', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  it('answers 10 of 12 with has_more_pages, and an empty list for an organization without groups', async () => {
    let response = await call(ctx, ctx.tokens.admin, 'GET', groupsUrl(ctx.orgId));
    assert.deepEqual(response.json<ListBody>().data, []);
    for (let i = 1; i <= 12; i += 1) await createGroup(ctx, { name: `Group ${String(i).padStart(2, '0')}` });
    response = await call(ctx, ctx.tokens.admin, 'GET', groupsUrl(ctx.orgId));
    const body = response.json<ListBody>();
    assert.equal(body.data.length, 10);
    assert.equal(body.data[9]?.name, 'Group 10');
    assert.deepEqual(
      [body.meta.pagination.total, body.meta.pagination.total_pages, body.meta.pagination.has_more_pages],
      [12, 2, true],
    );
  });
});
