/**
 * The guest's tasks as JSON (docs/guest-side.md): a guest lists, reads, fills, comments on and
 * completes their own tasks only; anything else answers exactly as a bad code does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, call, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { assertProblem, sameAnswerPart } from '../../support/problem.js';
import { guestRecordId, seedTask, stamp } from '../../support/tasks.js';
import { disableInDatabase, guestWithCode } from './portal-helpers.js';

interface TaskAnswer {
  id: string;
  title: string;
  status: string;
  is_overdue: boolean;
  is_approved: boolean | null;
  completed_by: { users: number[]; guests: string[] };
  form_fields: Array<{ id: string; value: unknown }>;
  threads?: Array<{ content: string; author: { type: string; email: string | null } }>;
}

describe('the guest JSON API: tasks', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  let code: string;
  let email: string;
  let recordId: number;
  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther());
    const guest = await guestWithCode(ctx);
    code = guest.code;
    email = guest.guest.email;
    recordId = await guestRecordId(ctx.db.kysely, ctx.orgId, email);
  });
  after(() => ctx.close());

  const api = (method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown, guestCode = code) =>
    call(ctx, null, method, `/api/guest/${guestCode}${path}`, body);
  const mine = (overrides: Partial<Parameters<typeof seedTask>[1]> = {}) =>
    seedTask(ctx.db.kysely, {
      organizationId: ctx.orgId,
      users: [ctx.members.admin],
      guests: [recordId],
      ...overrides,
    });

  it('lists open tasks by deadline (overdue marked), then completed ones; status filters', async () => {
    const { code: fresh, guest } = await guestWithCode(ctx);
    const id = await guestRecordId(ctx.db.kysely, ctx.orgId, guest.email);
    const seed = (title: string, deadline: string, completedAt?: string) =>
      seedTask(ctx.db.kysely, {
        organizationId: ctx.orgId,
        users: [ctx.members.admin],
        guests: [id],
        title,
        deadline,
        ...(completedAt && { completedAt }),
      });
    await seed('later', stamp(new Date(Date.now() + 9 * 86_400_000)));
    await seed('overdue', '2020-01-01 00:00:00');
    await seed('done', '2020-01-02 00:00:00', '2024-05-01 00:00:00');
    await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [ctx.members.admin], title: 'not theirs' });
    const all = await api('GET', '/tasks', undefined, fresh);
    assert.equal(all.statusCode, 200, all.body);
    const tasks = all.json<{ data: TaskAnswer[] }>().data;
    assert.deepEqual(
      tasks.map((t) => [t.title, t.is_overdue, t.status]),
      [
        ['overdue', true, 'not-started'],
        ['later', false, 'not-started'],
        ['done', false, 'completed'],
      ],
    );
    const active = (await api('GET', '/tasks?status=active', undefined, fresh)).json<{ data: TaskAnswer[] }>().data;
    assert.deepEqual(
      active.map((t) => t.title),
      ['overdue', 'later'],
    );
    const completed = (await api('GET', '/tasks?status=completed', undefined, fresh)).json<{ data: TaskAnswer[] }>();
    assert.deepEqual(
      completed.data.map((t) => t.title),
      ['done'],
    );
    assertProblem(await api('GET', '/tasks?status=nope', undefined, fresh), 422, 'VALIDATION_FAILED', {
      fields: ['status'],
    });
  });

  it('reads one task with its comments; fills values; comments; completes (201, then 200)', async () => {
    const { id, fieldIds } = await mine({
      fields: [{ field_type: 'dropdown', label: 'Pick', options: ['x', 'y'], required: true }],
    });
    const one = await api('GET', `/tasks/${id}`);
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual(one.json<{ data: TaskAnswer }>().data.threads, []);
    const field = String(fieldIds[0]);
    assertProblem(await api('POST', `/tasks/${id}/complete`, {}), 422, 'VALIDATION_FAILED', {
      fields: [`taskdata.${field}`],
    });
    assertProblem(await api('PUT', `/tasks/${id}/values`, { taskdata: { [field]: 'z' } }), 422, 'VALIDATION_FAILED', {
      fields: [`taskdata.${field}`],
    });
    const saved = await api('PUT', `/tasks/${id}/values`, { taskdata: { [field]: 'y' } });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.equal(saved.json<{ data: TaskAnswer }>().data.form_fields[0]?.value, 'y');
    const comment = await api('POST', `/tasks/${id}/comment`, { content: 'From the guest', is_problem: true });
    assert.equal(comment.statusCode, 201, comment.body);
    assert.deepEqual(comment.json<{ data: { author: unknown } }>().data.author, {
      type: 'guest',
      id: null,
      email,
      name: null,
    });
    assert.equal(comment.json<{ data: { author_id: unknown } }>().data.author_id, null);
    const done = await api('POST', `/tasks/${id}/complete`, { comment: 'finished' });
    assert.equal(done.statusCode, 201, done.body);
    const task = done.json<{ data: TaskAnswer }>().data;
    assert.equal(task.status, 'completed');
    assert.deepEqual(task.completed_by.guests, [email]);
    assert.deepEqual(
      task.threads?.map((c) => c.content),
      ['From the guest', 'finished'],
    );
    assert.equal((await api('PUT', `/tasks/${id}/complete`)).statusCode, 200, 'PUT, already completed');
    assertProblem(await api('PUT', `/tasks/${id}/values`, { taskdata: { [field]: 'x' } }), 422, 'VALIDATION_FAILED');
  });

  it('an approval task needs is_approved from the guest too', async () => {
    const { id } = await mine({ taskType: 'approval' });
    assertProblem(await api('POST', `/tasks/${id}/complete`, {}), 422, 'VALIDATION_FAILED', {
      fields: ['is_approved'],
    });
    const done = await api('POST', `/tasks/${id}/complete`, { is_approved: true });
    assert.equal(done.json<{ data: TaskAnswer }>().data.is_approved, true);
  });

  it("another guest's task, another organization's task and an unknown task answer exactly as a bad code", async () => {
    const badCode = await api('GET', '/tasks/' + 'a'.repeat(32), undefined, 'A'.repeat(32));
    assertProblem(badCode, 404, 'RESOURCE_NOT_FOUND');
    const expected = sameAnswerPart(badCode);
    const someoneElse = await guestWithCode(ctx);
    const theirId = await guestRecordId(ctx.db.kysely, ctx.orgId, someoneElse.guest.email);
    const theirs = await seedTask(ctx.db.kysely, {
      organizationId: ctx.orgId,
      users: [ctx.members.admin],
      guests: [theirId],
      fields: [{ field_type: 'text', label: 'T' }],
    });
    // The same guest, as a guest of the other organization: that task is not reachable from this code.
    const otherGuest = await guestWithCode(ctx, { email }, other.tokens.admin, other.orgId);
    const otherId = await guestRecordId(ctx.db.kysely, other.orgId, email);
    const otherOrg = await seedTask(ctx.db.kysely, {
      organizationId: other.orgId,
      users: [other.members.admin],
      guests: [otherId],
    });
    for (const taskId of [theirs.id, otherOrg.id, 'f'.repeat(32), 'nope']) {
      for (const [method, path, body] of [
        ['GET', `/tasks/${taskId}`, undefined],
        ['PUT', `/tasks/${taskId}/values`, { taskdata: { x: 1 } }],
        ['PUT', `/tasks/${taskId}/values`, { bad: true }],
        ['POST', `/tasks/${taskId}/comment`, { content: 'hi' }],
        ['POST', `/tasks/${taskId}/comment`, {}],
        ['POST', `/tasks/${taskId}/complete`, {}],
      ] as const) {
        const response = await api(method, path, body);
        assertProblem(response, 404, 'RESOURCE_NOT_FOUND', `${method} ${path}`);
        assert.deepEqual(sameAnswerPart(response), expected, `${method} ${path}: the same body as a bad code`);
      }
    }
    // The other organization's code does reach it.
    assert.equal((await api('GET', `/tasks/${otherOrg.id}`, undefined, otherGuest.code)).statusCode, 200);
    const untouched = await ctx.db.kysely
      .selectFrom('task_comments')
      .select('id')
      .where('task_id', '=', theirs.id)
      .execute();
    assert.equal(untouched.length, 0);
  });

  it("a disabled guest's code opens no task; there is no reopen for guests", async () => {
    const { code: disabled, guest } = await guestWithCode(ctx);
    const id = await guestRecordId(ctx.db.kysely, ctx.orgId, guest.email);
    const task = await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [ctx.members.admin], guests: [id] });
    assert.equal((await api('GET', `/tasks/${task.id}`, undefined, disabled)).statusCode, 200);
    await disableInDatabase(ctx, disabled);
    assertProblem(await api('GET', '/tasks', undefined, disabled), 404, 'RESOURCE_NOT_FOUND');
    assertProblem(await api('GET', `/tasks/${task.id}`, undefined, disabled), 404, 'RESOURCE_NOT_FOUND');
    const reopen = await call(ctx, null, 'DELETE', `/api/guest/${code}/tasks/${task.id}/complete`);
    assert.ok([404, 405].includes(reopen.statusCode), reopen.body);
  });

  it('everyone must complete: the guest completes their part; the task waits for the member', async () => {
    const { id } = await mine({ everyoneMustComplete: true });
    const part = await api('POST', `/tasks/${id}/complete`);
    assert.equal(part.statusCode, 201, part.body);
    const task = part.json<{ data: TaskAnswer }>().data;
    assert.equal(task.status, 'not-started');
    assert.deepEqual(task.completed_by, { users: [], guests: [email] });
    assert.equal((await api('POST', `/tasks/${id}/complete`)).statusCode, 200, 'the part again: unchanged');
    const page = await ctx.app.inject({ method: 'GET', url: `/guest/${code}/tasks/${id}` });
    assert.match(page.body, /You have completed your part\./);
    const last = await call(ctx, ctx.tokens.admin, 'POST', `/api/organizations/${ctx.orgId}/completed-tasks`, {
      task_id: id,
    });
    assert.equal(last.json<{ data: TaskAnswer }>().data.status, 'completed');
  });

  it("a removed guest's code opens no task, and members cannot edit a guest's comment", async () => {
    const { code: gone, guest } = await guestWithCode(ctx);
    const id = await guestRecordId(ctx.db.kysely, ctx.orgId, guest.email);
    const task = await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [ctx.members.admin], guests: [id] });
    const comment = await api('POST', `/tasks/${task.id}/comment`, { content: 'mine' }, gone);
    const commentId = comment.json<{ data: { id: string } }>().data.id;
    const edit = await call(
      ctx,
      ctx.tokens.admin,
      'PUT',
      `/api/organizations/${ctx.orgId}/tasks/${task.id}/comment/${commentId}`,
      {
        content: 'changed',
      },
    );
    assertProblem(edit, 403, 'FORBIDDEN');
    const removed = await call(
      ctx,
      ctx.tokens.admin,
      'DELETE',
      `/api/organizations/${ctx.orgId}/guests/${encodeURIComponent(guest.email)}`,
    );
    assert.equal(removed.statusCode, 200, removed.body);
    assertProblem(await api('GET', `/tasks/${task.id}`, undefined, gone), 404, 'RESOURCE_NOT_FOUND');
    assertProblem(await api('POST', `/tasks/${task.id}/complete`, {}, gone), 404, 'RESOURCE_NOT_FOUND');
  });
});
