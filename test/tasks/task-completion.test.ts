/**
 * Complete task and Reopen task (docs/task-work.md): statuses, approval answers, required fields,
 * everyone-must-complete, the comment written with it, and the emails a reopen sends guests.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, call, createGuest, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { guestRecordId, seedTask } from '../../support/tasks.js';
import { completedUrl, tasksUrl } from './task-work-helpers.js';

interface TaskAnswer {
  id: string;
  status: string;
  is_approved: boolean | null;
  completed_at: string | null;
  completer_id: number | null;
  completed_by: { users: number[]; guests: string[] };
  threads?: Array<{ content: string }>;
}

describe('tasks: complete and reopen', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther());
  });
  after(() => ctx.close());

  const complete = (body: unknown, token = ctx.tokens.standard) =>
    call(ctx, token, 'POST', completedUrl(ctx.orgId), body);
  const reopen = (taskId: string, token = ctx.tokens.standard) =>
    call(ctx, token, 'DELETE', completedUrl(ctx.orgId, taskId));
  const task = (overrides: Partial<Parameters<typeof seedTask>[1]> = {}) =>
    seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [ctx.members.standard], ...overrides });
  const dataOf = (response: { json<T>(): T }) => response.json<{ data: TaskAnswer }>().data;

  it('201 when completed now, 200 and unchanged when already completed', async () => {
    const { id } = await task();
    const first = await complete({ task_id: id });
    assert.equal(first.statusCode, 201, first.body);
    const done = dataOf(first);
    assert.equal(done.status, 'completed');
    assert.equal(done.completer_id, ctx.members.standard);
    assert.deepEqual(done.completed_by.users, [ctx.members.standard]);
    const again = await complete({ task_id: id }, ctx.tokens.admin);
    assert.equal(again.statusCode, 200);
    assert.equal(dataOf(again).completed_at, done.completed_at);
    assert.equal(dataOf(again).completer_id, ctx.members.standard);
  });

  it('an approval task needs is_approved; other tasks ignore it', async () => {
    const approval = await task({ taskType: 'approval' });
    assertProblem(await complete({ task_id: approval.id }), 422, 'VALIDATION_FAILED', { fields: ['is_approved'] });
    const approved = await complete({ task_id: approval.id, is_approved: false });
    assert.equal(approved.statusCode, 201, approved.body);
    assert.equal(dataOf(approved).is_approved, false);
    // Other tasks ignore it, as Tallyfy's do (its n8n node may send a decision for any task).
    const plain = await task();
    const ignored = await complete({ task_id: plain.id, is_approved: false });
    assert.equal(ignored.statusCode, 201, ignored.body);
    assert.equal(dataOf(ignored).is_approved, null);
    assert.equal(dataOf(ignored).status, 'completed');
  });

  it('an empty required field is 422 naming it by label and id; nothing is completed', async () => {
    const { id, fieldIds } = await task({
      fields: [
        { field_type: 'text', label: 'Invoice number', required: true },
        { field_type: 'text', label: 'Optional' },
        { field_type: 'multiselect', label: 'Parts', required: true, options: ['a'], value: ['a'] },
      ],
    });
    const response = await complete({ task_id: id, comment: 'done' });
    const problem = assertProblem(response, 422, 'VALIDATION_FAILED', { fields: [`taskdata.${fieldIds[0]}`] });
    assert.match(problem.message, /Invoice number/);
    assert.ok(problem.message.includes(String(fieldIds[0])));
    const row = await ctx.db.kysely.selectFrom('tasks').select('completed_at').where('id', '=', id).executeTakeFirst();
    assert.equal(row?.completed_at, null);
    const comments = await ctx.db.kysely.selectFrom('task_comments').select('id').where('task_id', '=', id).execute();
    assert.equal(comments.length, 0, 'the comment is not written either');
  });

  it('the comment is written with the completion', async () => {
    const { id } = await task();
    assert.equal((await complete({ task_id: id, comment: 'All <b>done</b>' })).statusCode, 201);
    const rows = await ctx.db.kysely.selectFrom('task_comments').select('content').where('task_id', '=', id).execute();
    assert.deepEqual(rows, [{ content: 'All <b>done</b>' }]);
  });

  it('everyone must complete: each owner completes their part; the last one completes the task', async () => {
    const { id } = await task({ everyoneMustComplete: true, users: [ctx.members.standard, ctx.members.admin] });
    const first = await complete({ task_id: id });
    assert.equal(first.statusCode, 201);
    assert.equal(dataOf(first).status, 'not-started');
    assert.deepEqual(dataOf(first).completed_by.users, [ctx.members.standard]);
    assert.equal((await complete({ task_id: id })).statusCode, 200, 'a part done twice changes nothing');
    const last = await complete({ task_id: id }, ctx.tokens.admin);
    assert.equal(dataOf(last).status, 'completed');
    assert.deepEqual(dataOf(last).completed_by.users.sort(), [ctx.members.standard, ctx.members.admin].sort());
  });

  it('everyone must complete: a member who is not an owner completes the task for all', async () => {
    const { id } = await task({ everyoneMustComplete: true, users: [ctx.members.standard] });
    const response = await complete({ task_id: id }, ctx.tokens.admin);
    assert.equal(dataOf(response).status, 'completed');
    assert.equal(dataOf(response).completer_id, ctx.members.admin);
  });

  it('a light member cannot complete or reopen; another organization gets 404 for its task id', async () => {
    const { id } = await task();
    assertProblem(await complete({ task_id: id }, ctx.tokens.light), 403, 'FORBIDDEN');
    assertProblem(await reopen(id, ctx.tokens.light), 403, 'FORBIDDEN');
    const theirs = await seedTask(ctx.db.kysely, { organizationId: other.orgId, users: [other.members.admin] });
    assertProblem(await complete({ task_id: theirs.id }), 404, 'RESOURCE_NOT_FOUND');
    assertProblem(await reopen(theirs.id), 404, 'RESOURCE_NOT_FOUND');
    assertProblem(await complete({}), 422, 'VALIDATION_FAILED', { fields: ['task_id'] });
  });

  it('reopen clears completion, parts and the answer, and emails each guest owner their task link', async () => {
    const guest = await createGuest(ctx, { first_name: '<Ann>' });
    const removed = await createGuest(ctx);
    const guestId = await guestRecordId(ctx.db.kysely, ctx.orgId, guest.email);
    const removedId = await guestRecordId(ctx.db.kysely, ctx.orgId, removed.email);
    const { id } = await task({
      title: 'Sign <contract>',
      taskType: 'approval',
      guests: [guestId, removedId],
      completedAt: '2025-01-01 10:00:00',
    });
    await ctx.db.kysely.updateTable('tasks').set({ is_approved: 1 }).where('id', '=', id).execute();
    await call(
      ctx,
      ctx.tokens.admin,
      'DELETE',
      `/api/organizations/${ctx.orgId}/guests/${encodeURIComponent(removed.email)}`,
    );
    const response = await reopen(id);
    assert.equal(response.statusCode, 200, response.body);
    const data = dataOf(response);
    assert.equal(data.status, 'not-started');
    assert.equal(data.completed_at, null);
    assert.equal(data.is_approved, null);
    assert.deepEqual(data.completed_by, { users: [], guests: [] });
    const mails = await ctx.db.kysely.selectFrom('outbox').selectAll().where('kind', '=', 'task_reopened').execute();
    assert.deepEqual(
      mails.map((m) => m.recipient),
      [guest.email],
    );
    const mail = mails[0];
    assert.ok(mail);
    assert.ok(mail.text_body.includes(`${String(guest.link)}/tasks/${id}`));
    assert.ok(mail.text_body.includes('Sign <contract>'));
    assert.ok(mail.html_body?.includes('Sign &lt;contract&gt;'));
    assert.ok(!mail.html_body?.includes('<contract>'));
    // Reopening an open task changes nothing and sends nothing.
    assert.equal((await reopen(id)).statusCode, 200);
    const after = await ctx.db.kysely.selectFrom('outbox').select('id').where('kind', '=', 'task_reopened').execute();
    assert.equal(after.length, 1);
    // It can be completed again.
    assert.equal((await complete({ task_id: id, is_approved: true })).statusCode, 201);
  });

  it('the task answer of a values save after reopening shows the task open', async () => {
    const { id, fieldIds } = await task({
      fields: [{ field_type: 'text', label: 'A' }],
      completedAt: '2025-01-01 10:00:00',
    });
    assert.equal((await reopen(id)).statusCode, 200);
    const saved = await call(ctx, ctx.tokens.standard, 'PUT', tasksUrl(ctx.orgId, id, '/values'), {
      taskdata: { [String(fieldIds[0])]: 'now' },
    });
    assert.equal(saved.statusCode, 200, saved.body);
  });
});
