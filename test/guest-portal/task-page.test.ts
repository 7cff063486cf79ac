/**
 * The guest's task page (docs/guest-side.md, Get my task page and its forms): the list on the
 * guest page, a control per field type, escaping, and each form's flow: POST -> 303 -> GET shows
 * the change; a form that cannot be saved is shown again (422) with the values kept.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { guestRecordId, seedTask } from '../../support/tasks.js';
import { ALL_FIELDS } from '../tasks/task-work-helpers.js';
import { FORM, form, guestWithCode } from './portal-helpers.js';

describe('the guest task page', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  let code: string;
  let recordId: number;
  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther());
    const guest = await guestWithCode(ctx);
    code = guest.code;
    recordId = await guestRecordId(ctx.db.kysely, ctx.orgId, guest.guest.email);
  });
  after(() => ctx.close());

  const get = (path: string, guestCode = code) => ctx.app.inject({ method: 'GET', url: `/guest/${guestCode}${path}` });
  const post = (path: string, pairs: Array<[string, string]>, guestCode = code) =>
    ctx.app.inject({ method: 'POST', url: `/guest/${guestCode}${path}`, headers: FORM, payload: form(pairs) });
  const mine = (overrides: Partial<Parameters<typeof seedTask>[1]> = {}) =>
    seedTask(ctx.db.kysely, {
      organizationId: ctx.orgId,
      users: [ctx.members.admin],
      guests: [recordId],
      ...overrides,
    });

  it('the guest page lists open tasks first (overdue marked), then completed ones, each linked', async () => {
    const { code: fresh, guest } = await guestWithCode(ctx);
    const id = await guestRecordId(ctx.db.kysely, ctx.orgId, guest.email);
    const base = { organizationId: ctx.orgId, users: [ctx.members.admin], guests: [id] };
    const late = await seedTask(ctx.db.kysely, { ...base, title: 'Late <one>', deadline: '2020-01-01 00:00:00' });
    await seedTask(ctx.db.kysely, { ...base, title: 'Finished', completedAt: '2024-01-01 00:00:00' });
    const html = (await get('', fresh)).body;
    assert.ok(html.indexOf('Late &#60;one&#62;') < html.indexOf('Finished'));
    assert.match(
      html,
      new RegExp(
        `<a href="/guest/${fresh}/tasks/${late.id}">Late &#60;one&#62;</a> <strong class="overdue">Overdue</strong>`,
      ),
    );
    assert.match(html, /<h3 id="completed-heading">Completed<\/h3>/);
    assert.doesNotMatch(html, /<one>/);
  });

  it('shows every field with a labelled control of its type, escaped', async () => {
    const { id, fieldIds } = await mine({
      title: '<script>alert(1)</script>',
      summary: 'Read <b>this</b>',
      fields: [...ALL_FIELDS, { field_type: 'radio', label: '<i>Evil</i>', options: ['"><script>'] }],
    });
    const response = await get(`/tasks/${id}`);
    assert.equal(response.statusCode, 200, response.body);
    const html = response.body;
    assert.doesNotMatch(html, /<script>|<b>|<i>/);
    assert.match(html, /<h1>&#60;script&#62;alert\(1\)&#60;\/script&#62;<\/h1>/);
    const f = (i: number) => `f-${fieldIds[i]}`;
    assert.match(html, new RegExp(`<label class="block" for="${f(0)}">Name</label><input type="text" id="${f(0)}"`));
    assert.match(html, new RegExp(`<textarea id="${f(1)}"`));
    assert.match(html, new RegExp(`<input type="radio" id="${f(2)}-0" name="f_${fieldIds[2]}" value="S">`));
    assert.match(html, new RegExp(`<select id="${f(3)}" name="f_${fieldIds[3]}">`));
    assert.match(html, new RegExp(`<input type="checkbox" id="${f(4)}-0" name="f_${fieldIds[4]}" value="a">`));
    assert.match(html, new RegExp(`<input type="date" id="${f(5)}"`));
    assert.match(html, new RegExp(`<input type="email" id="${f(6)}"`));
    assert.match(html, new RegExp(`<input type="number" id="${f(7)}"`));
    assert.match(html, new RegExp(`<label for="${f(8)}-0">yes</label>`));
    assert.match(html, /value="&#34;&#62;&#60;script&#62;"/);
    assert.match(html, /<button type="submit">Complete task<\/button>/);
  });

  it('values: POST -> 303 -> the page shows them; a bad value is shown again (422) with what was typed', async () => {
    const { id, fieldIds } = await mine({ fields: ALL_FIELDS });
    const name = (i: number) => `f_${fieldIds[i]}`;
    const saved = await post(`/tasks/${id}/values`, [
      [name(0), 'Ada'],
      [name(2), 'M'],
      [name(4), 'a'],
      [name(4), 'c'],
      [name(5), '2024-02-29'],
      [name(7), '42'],
      [name(8), 'no'],
    ]);
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal(saved.headers.location, `/guest/${code}/tasks/${id}?done=values`);
    const html = (await get(`/tasks/${id}?done=values`)).body;
    assert.match(html, /Saved\. Your answers have been updated\./);
    assert.match(html, new RegExp(`id="f-${fieldIds[0]}" name="${name(0)}" value="Ada"`));
    assert.match(html, new RegExp(`name="${name(4)}" value="c" checked`));
    assert.match(html, new RegExp(`name="${name(7)}" value="42"`));
    const row = await ctx.db.kysely
      .selectFrom('task_fields')
      .select('value')
      .where('id', '=', String(fieldIds[7]))
      .executeTakeFirst();
    assert.equal(row?.value, '42');

    const bad = await post(`/tasks/${id}/values`, [
      [name(0), 'Grace <b>'],
      [name(5), '2023-02-30'],
    ]);
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /Your answers were not saved/);
    assert.match(bad.body, new RegExp(`<a href="#f-${fieldIds[5]}">`));
    assert.match(bad.body, new RegExp(`value="Grace &#60;b&#62;"`));
    const kept = await ctx.db.kysely
      .selectFrom('task_fields')
      .select('value')
      .where('id', '=', String(fieldIds[0]))
      .executeTakeFirst();
    assert.equal(kept?.value, '"Ada"', 'nothing saved');
  });

  it('comments: POST -> 303 -> shown escaped; an empty one is 422', async () => {
    const { id } = await mine();
    const response = await post(`/tasks/${id}/comment`, [
      ['content', '<script>alert(1)</script>'],
      ['is_problem', 'on'],
    ]);
    assert.equal(response.statusCode, 303);
    const html = (await get(`/tasks/${id}?done=comment`)).body;
    assert.match(html, /<p class="text">&#60;script&#62;alert\(1\)&#60;\/script&#62;<\/p>/);
    assert.match(html, /Problem/);
    assert.equal((await post(`/tasks/${id}/comment`, [['content', '  ']])).statusCode, 422);
  });

  it('complete: required fields first (422), then 303 and the page says completed; approve and reject', async () => {
    const { id, fieldIds } = await mine({ fields: [{ field_type: 'text', label: 'Ref', required: true }] });
    const refused = await post(`/tasks/${id}/complete`, [['comment', 'keep me']]);
    assert.equal(refused.statusCode, 422);
    assert.match(refused.body, /The task was not completed/);
    assert.match(refused.body, />keep me<\/textarea>/);
    assert.equal((await post(`/tasks/${id}/values`, [[`f_${fieldIds[0]}`, 'R-1']])).statusCode, 303);
    assert.equal((await post(`/tasks/${id}/complete`, [['comment', '']])).statusCode, 303);
    const html = (await get(`/tasks/${id}`)).body;
    assert.match(html, /This task is completed\./);
    assert.doesNotMatch(html, /Save answers/);

    const approval = await mine({ taskType: 'approval' });
    const page = (await get(`/tasks/${approval.id}`)).body;
    assert.match(page, /<button type="submit" name="decision" value="approve">Approve<\/button>/);
    assert.equal((await post(`/tasks/${approval.id}/complete`, [])).statusCode, 422);
    assert.equal((await post(`/tasks/${approval.id}/complete`, [['decision', 'reject']])).statusCode, 303);
    assert.match((await get(`/tasks/${approval.id}`)).body, /It was rejected\./);
  });

  it("another guest's or organization's task is the 404 page, the same as a bad code", async () => {
    const notFound = await get('/tasks/' + 'a'.repeat(32), 'B'.repeat(30));
    assert.equal(notFound.statusCode, 404);
    const theirs = await seedTask(ctx.db.kysely, { organizationId: other.orgId, users: [other.members.admin] });
    const unowned = await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [ctx.members.admin] });
    for (const taskId of [theirs.id, unowned.id, 'nope']) {
      const page = await get(`/tasks/${taskId}`);
      assert.equal(page.statusCode, 404);
      assert.equal(page.body, notFound.body);
      const write = await post(`/tasks/${taskId}/comment`, [['content', 'x']]);
      assert.equal(write.statusCode, 404);
      assert.equal(write.body, notFound.body);
    }
    const comments = await ctx.db.kysely
      .selectFrom('task_comments')
      .select('id')
      .where('task_id', '=', unowned.id)
      .execute();
    assert.equal(comments.length, 0);
  });
});
