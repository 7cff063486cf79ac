/**
 * Listing tasks: status, search, owner filters, sorting, pages, the owners' views, and tenant
 * isolation (another organization's token and ids find nothing of this one).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTestAppWithOther,
  call,
  createGuest,
  guestsUrl,
  uniqueEmail,
  type OrgWithMembers,
  type TestContext,
} from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { createTask, tasksUrl, type TaskData } from './task-helpers.js';

interface Page {
  data: TaskData[];
  meta: {
    pagination: {
      total: number;
      count: number;
      per_page: number;
      current_page: number;
      total_pages: number;
      links: { previous?: string; next?: string };
    };
  };
}

describe('tasks: lists and views', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  let guestEmail: string;
  let groupId: string;
  const ids: Record<string, string> = {};

  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther());
    guestEmail = (await createGuest(ctx)).email;
    const group = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/groups`, { name: 'G' });
    groupId = group.json<{ data: { id: string } }>().data.id;
    const make = async (key: string, body: Record<string, unknown>) => {
      ids[key] = (await createTask(ctx, body)).id;
    };
    await make('alpha', { title: 'Alpha report', deadline: '2030-03-01 00:00:00' });
    await make('beta', {
      title: 'beta REPORT',
      deadline: '2030-01-01 00:00:00',
      owners: { users: [ctx.members.light], guests: [guestEmail] },
    });
    await make('gamma', { title: 'Gamma', deadline: '2030-02-01 00:00:00', owners: { groups: [groupId] } });
    await make('done', { title: 'Done report', deadline: '2029-01-01 00:00:00' });
    await ctx.db.kysely
      .updateTable('tasks')
      .set({ completed_at: '2029-01-01 00:00:00' })
      .where('id', '=', ids.done ?? '')
      .execute();
  });
  after(() => ctx.close());

  const list = async (query = '', token = ctx.tokens.admin, path = tasksUrl(ctx.orgId)) => {
    const response = await call(ctx, token, 'GET', `${path}${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return response.json<Page>();
  };
  const titles = (page: Page) => page.data.map((t) => t.title);

  it('open tasks by deadline by default; status=completed and status=all', async () => {
    assert.deepEqual(titles(await list()), ['beta REPORT', 'Gamma', 'Alpha report']);
    assert.deepEqual(titles(await list('?status=completed')), ['Done report']);
    assert.equal((await list('?status=all')).meta.pagination.total, 4);
    assertProblem(
      await call(ctx, ctx.tokens.admin, 'GET', tasksUrl(ctx.orgId) + '?status=open'),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('q searches titles without regard to case; % and _ are plain characters', async () => {
    assert.deepEqual(titles(await list('?q=report&status=all&sort=title')), [
      'Alpha report',
      'Done report',
      'beta REPORT',
    ]);
    assert.deepEqual(titles(await list('?q=%25')), []);
    assert.deepEqual(titles(await list('?q=_')), []);
  });

  it('sorts by deadline, created_at and title, either way', async () => {
    assert.deepEqual(titles(await list('?sort=-deadline')), ['Alpha report', 'Gamma', 'beta REPORT']);
    assert.deepEqual(titles(await list('?sort=title')), ['Alpha report', 'Gamma', 'beta REPORT']);
    assert.deepEqual(titles(await list('?sort=-title')), ['beta REPORT', 'Gamma', 'Alpha report']);
    const byCreation = titles(await list('?sort=created_at'));
    assert.equal(byCreation.length, 3);
    assert.deepEqual(titles(await list('?sort=-created_at')), [...byCreation].reverse());
  });

  it('owner filters as the clients send them: owners, guests, guest, groups', async () => {
    assert.deepEqual(titles(await list(`?owners=${ctx.members.light},999`)), ['beta REPORT']);
    assert.deepEqual(titles(await list(`?guests=${encodeURIComponent(guestEmail.toUpperCase())}`)), ['beta REPORT']);
    assert.deepEqual(titles(await list(`?guest=${encodeURIComponent(guestEmail)}`)), ['beta REPORT']);
    assert.deepEqual(titles(await list(`?groups=${groupId}`)), ['Gamma']);
    assert.deepEqual(titles(await list(`?owners=${ctx.members.admin}&groups=${groupId}`)), ['Gamma']);
    assert.deepEqual(titles(await list('?owners=abc')), []);
  });

  it('pages: per_page (or limit), page, and the pagination block', async () => {
    const first = await list('?per_page=2&status=all');
    assert.equal(first.data.length, 2);
    assert.deepEqual(
      { ...first.meta.pagination, links: undefined },
      { total: 4, count: 2, per_page: 2, current_page: 1, total_pages: 2, has_more_pages: true, links: undefined },
    );
    assert.match(first.meta.pagination.links.next ?? '', /page=2/);
    const second = await list('?limit=2&page=2&status=all');
    assert.equal(second.data.length, 2);
    const seen = new Set([...first.data, ...second.data].map((t) => t.id));
    assert.equal(seen.size, 4);
    assert.equal((await list()).meta.pagination.per_page, 10);
    assertProblem(
      await call(ctx, ctx.tokens.admin, 'GET', tasksUrl(ctx.orgId) + '?per_page=101'),
      422,
      'VALIDATION_FAILED',
    );
  });

  it('with=threads adds each task its comments', async () => {
    const page = await list('?with=threads');
    for (const task of page.data) assert.deepEqual(task.threads, []);
    for (const task of (await list()).data) assert.equal(task.threads, undefined);
  });

  it("a guest's, a member's and the caller's views", async () => {
    assert.deepEqual(titles(await list('', ctx.tokens.admin, guestsUrl(ctx.orgId, guestEmail, '/tasks'))), [
      'beta REPORT',
    ]);
    const light = `/api/organizations/${ctx.orgId}/users/${ctx.members.light}/tasks`;
    assert.deepEqual(titles(await list('', ctx.tokens.admin, light)), ['beta REPORT']);
    // The admin created every task; where no member was given (the group is empty) they own it.
    const mine = await list('?status=all', ctx.tokens.admin, `/api/organizations/${ctx.orgId}/me/tasks`);
    assert.deepEqual(titles(mine).sort(), ['Alpha report', 'Done report', 'Gamma']);
    const lightMine = await list('', ctx.tokens.light, `/api/organizations/${ctx.orgId}/me/tasks`);
    assert.deepEqual(titles(lightMine), ['beta REPORT']);
    for (const path of [
      guestsUrl(ctx.orgId, uniqueEmail('nobody'), '/tasks'),
      `/api/organizations/${ctx.orgId}/users/${other.members.admin}/tasks`,
      `/api/organizations/${ctx.orgId}/users/abc/tasks`,
    ])
      assertProblem(await call(ctx, ctx.tokens.admin, 'GET', path), 404, 'RESOURCE_NOT_FOUND', path);
  });

  it("another organization's token gets 403 here, and its own paths find none of these tasks (404)", async () => {
    const id = ids.beta ?? '';
    assertProblem(await call(ctx, other.tokens.admin, 'GET', tasksUrl(ctx.orgId, id)), 403, 'FORBIDDEN');
    assertProblem(await call(ctx, other.tokens.admin, 'GET', tasksUrl(other.orgId, id)), 404, 'RESOURCE_NOT_FOUND');
    assertProblem(
      await call(ctx, other.tokens.admin, 'PUT', tasksUrl(other.orgId, id), { title: 'x' }),
      404,
      'RESOURCE_NOT_FOUND',
    );
    assertProblem(await call(ctx, other.tokens.admin, 'DELETE', tasksUrl(other.orgId, id)), 404, 'RESOURCE_NOT_FOUND');
    assertProblem(
      await call(ctx, other.tokens.admin, 'POST', tasksUrl(other.orgId, id, '/clone')),
      404,
      'RESOURCE_NOT_FOUND',
    );
    assert.equal((await list('?status=all', other.tokens.admin, tasksUrl(other.orgId))).meta.pagination.total, 0);
    // The guest owner of a task here, made a guest of the other organization too, has no task there.
    const joined = await call(ctx, other.tokens.admin, 'POST', guestsUrl(other.orgId), { email: guestEmail });
    assert.equal(joined.statusCode, 201, joined.body);
    const there = await list('?status=all', other.tokens.admin, guestsUrl(other.orgId, guestEmail, '/tasks'));
    assert.deepEqual(there.data, []);
    const filtered = await list(
      `?status=all&guests=${encodeURIComponent(guestEmail)}`,
      other.tokens.admin,
      tasksUrl(other.orgId),
    );
    assert.deepEqual(filtered.data, []);
    // Nor can another organization's member or group be given as an owner here.
    const response = await call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), {
      title: 'x',
      deadline: '2030-01-01 00:00:00',
      owners: { users: [other.members.admin] },
    });
    assertProblem(response, 422, 'VALIDATION_FAILED', { fields: ['owners.users'] });
  });
});
