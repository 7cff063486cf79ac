/**
 * Tasks: create, get, update, delete and clone; deadlines, field definitions and every field rule
 * of a write.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, call, createGuest, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { DEADLINE, createTask, rowCounts, tasksUrl, type TaskData } from './task-helpers.js';

const MISSING_ID = '0123456789abcdef0123456789abcdef';

describe('tasks: create, get, update, delete, clone', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  it('POST creates an open task: 201, defaults, hex ids, the creator as owner when none is given', async () => {
    const response = await call(ctx, ctx.tokens.standard, 'POST', tasksUrl(ctx.orgId), {
      title: '  Sign the contract  ',
      deadline: DEADLINE,
      colour: 'blue',
    });
    assert.equal(response.statusCode, 201, response.body);
    const task = response.json<{ data: TaskData & { colour?: string } }>().data;
    assert.match(task.id, /^[0-9a-f]{32}$/);
    assert.equal(task.title, 'Sign the contract');
    assert.equal(task.summary, null);
    assert.equal(task.task_type, 'task');
    assert.equal(task.status, 'not-started');
    assert.equal(task.deadline, DEADLINE);
    assert.equal(task.everyone_must_complete, false);
    assert.deepEqual(task.owners, { users: [ctx.members.standard], guests: [], groups: [] });
    assert.equal(task.created_by, ctx.members.standard);
    assert.deepEqual(task.form_fields, []);
    assert.equal(task.colour, undefined);
    assert.match(String(response.headers['x-ignored-fields']), /colour/);
  });

  it('reads deadlines in UTC or ISO 8601 with a zone, and answers them in UTC', async () => {
    const cases: Array<[string, string]> = [
      ['2026-12-10 09:00:00', '2026-12-10 09:00:00'],
      ['2026-12-10T09:00:00+01:00', '2026-12-10 08:00:00'],
      ['2026-12-10T09:00:00Z', '2026-12-10 09:00:00'],
      ['2026-12-10T23:30:00.250-0230', '2026-12-11 02:00:00'],
      ['2026-12-10T09:00Z', '2026-12-10 09:00:00'],
    ];
    for (const [sent, stored] of cases) {
      const task = await createTask(ctx, { deadline: sent });
      assert.equal(task.deadline, stored, sent);
    }
    for (const bad of [
      '2026-02-30 10:00:00',
      '2026-12-10T09:00:00',
      'tomorrow',
      '2026-12-10',
      '2026-12-10T24:00:00Z',
    ]) {
      const response = await call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), { title: 'x', deadline: bad });
      assertProblem(response, 422, 'VALIDATION_FAILED', { label: bad, fields: ['deadline'] });
    }
  });

  it('reports every failing field at once, and writes nothing', async () => {
    const before = await rowCounts(ctx);
    const response = await call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), {
      title: 'x'.repeat(601),
      summary: 'y'.repeat(20_001),
      task_type: 'meeting',
      everyone_must_complete: 'yes',
      form_fields: [
        { field_type: 'dropdown', label: 'Pick' },
        { field_type: 'text', label: 'Name', options: ['a'] },
        { field_type: 'radio', label: 'Twice', options: ['a', 'a'] },
        { field_type: 'colour', label: '' },
      ],
    });
    const problem = assertProblem(response, 422, 'VALIDATION_FAILED');
    for (const field of [
      'title',
      'summary',
      'deadline',
      'task_type',
      'everyone_must_complete',
      'form_fields.0.options',
      'form_fields.1.options',
      'form_fields.2.options',
      'form_fields.3.field_type',
      'form_fields.3.label',
    ])
      assert.ok(problem.errors?.[field], `${field}: ${response.body}`);
    assert.deepEqual(await rowCounts(ctx), before);
  });

  it('keeps form field definitions in order, with options for the choice types only', async () => {
    const task = await createTask(ctx, {
      task_type: 'approval',
      everyone_must_complete: true,
      summary: 'Details',
      form_fields: [
        { field_type: 'text', label: 'Name', required: true },
        { field_type: 'multiselect', label: 'Sizes', options: ['S', 'M'] },
      ],
    });
    assert.equal(task.task_type, 'approval');
    assert.equal(task.everyone_must_complete, true);
    assert.equal(task.summary, 'Details');
    assert.deepEqual(
      task.form_fields.map((f) => [f.field_type, f.label, f.required, f.options, f.value, f.position]),
      [
        ['text', 'Name', true, null, null, 0],
        ['multiselect', 'Sizes', false, ['S', 'M'], null, 1],
      ],
    );
    for (const field of task.form_fields) assert.match(field.id, /^[0-9a-f]{32}$/);
  });

  it('GET answers the task; unknown, malformed and other-organization ids are 404', async () => {
    const task = await createTask(ctx);
    const response = await call(ctx, ctx.tokens.light, 'GET', tasksUrl(ctx.orgId, task.id));
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json<{ data: TaskData }>().data, task);
    const threads = await call(ctx, ctx.tokens.admin, 'GET', tasksUrl(ctx.orgId, task.id) + '?with=threads');
    assert.deepEqual(threads.json<{ data: TaskData }>().data.threads, []);
    for (const id of [MISSING_ID, 'not-a-task', task.id.toUpperCase()]) {
      assertProblem(await call(ctx, ctx.tokens.admin, 'GET', tasksUrl(ctx.orgId, id)), 404, 'RESOURCE_NOT_FOUND', id);
      assertProblem(
        await call(ctx, ctx.tokens.admin, 'PUT', tasksUrl(ctx.orgId, id), { title: 'x' }),
        404,
        'RESOURCE_NOT_FOUND',
      );
      assertProblem(await call(ctx, ctx.tokens.admin, 'DELETE', tasksUrl(ctx.orgId, id)), 404, 'RESOURCE_NOT_FOUND');
      assertProblem(
        await call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId, id, '/clone')),
        404,
        'RESOURCE_NOT_FOUND',
      );
    }
  });

  it('PUT changes only what is sent; a field with its id keeps its value, others are new, omitted ones go', async () => {
    const task = await createTask(ctx, {
      summary: 'Keep me',
      form_fields: [
        { field_type: 'text', label: 'Name' },
        { field_type: 'number', label: 'Count' },
        { field_type: 'date', label: 'Gone' },
      ],
    });
    const [name, count] = task.form_fields;
    assert.ok(name && count);
    // Values are written by the task-work side; here one is set directly to see it kept.
    await ctx.db.kysely.updateTable('task_fields').set({ value: '"Ada"' }).where('id', '=', name.id).execute();
    const response = await call(ctx, ctx.tokens.standard, 'PUT', tasksUrl(ctx.orgId, task.id), {
      title: 'Renamed',
      deadline: '2031-01-01T00:00:00+02:00',
      form_fields: [
        { id: count.id, field_type: 'number', label: 'How many' },
        { id: name.id, field_type: 'text', label: 'Full name', required: true },
        { field_type: 'checkbox', label: 'Agreed' },
      ],
    });
    assert.equal(response.statusCode, 200, response.body);
    const updated = response.json<{ data: TaskData }>().data;
    assert.equal(updated.title, 'Renamed');
    assert.equal(updated.summary, 'Keep me');
    assert.equal(updated.deadline, '2030-12-31 22:00:00');
    assert.deepEqual(
      updated.form_fields.map((f) => [f.label, f.value, f.position]),
      [
        ['How many', null, 0],
        ['Full name', 'Ada', 1],
        ['Agreed', null, 2],
      ],
    );
    assert.equal(updated.form_fields[0]?.id, count.id);
    assert.equal(updated.form_fields[1]?.id, name.id);
    assert.notEqual(updated.form_fields[2]?.id, undefined);
    assert.deepEqual(updated.owners, task.owners);
    const cleared = await call(ctx, ctx.tokens.admin, 'PUT', tasksUrl(ctx.orgId, task.id), { summary: '' });
    assert.equal(cleared.json<{ data: TaskData }>().data.summary, null);
    const nothing = await call(ctx, ctx.tokens.admin, 'PUT', tasksUrl(ctx.orgId, task.id));
    assert.equal(nothing.statusCode, 200, nothing.body);
    const bad = await call(ctx, ctx.tokens.admin, 'PUT', tasksUrl(ctx.orgId, task.id), { deadline: 'soon', title: '' });
    assertProblem(bad, 422, 'VALIDATION_FAILED', { fields: ['deadline', 'title'] });
  });

  it('DELETE answers 204 and removes the task with its owners and fields', async () => {
    const guest = await createGuest(ctx);
    const task = await createTask(ctx, {
      owners: { guests: [guest.email] },
      form_fields: [{ field_type: 'text', label: 'Name' }],
    });
    const response = await call(ctx, ctx.tokens.admin, 'DELETE', tasksUrl(ctx.orgId, task.id));
    assert.equal(response.statusCode, 204, response.body);
    assert.equal(response.body, '');
    assertProblem(await call(ctx, ctx.tokens.admin, 'GET', tasksUrl(ctx.orgId, task.id)), 404, 'RESOURCE_NOT_FOUND');
    for (const table of ['task_users', 'task_guests', 'task_fields'] as const) {
      const rows = await ctx.db.kysely.selectFrom(table).select('task_id').where('task_id', '=', task.id).execute();
      assert.deepEqual(rows, [], table);
    }
    // The guest stays in the organization.
    const still = await call(ctx, ctx.tokens.admin, 'GET', `/api/organizations/${ctx.orgId}/guests/${guest.email}`);
    assert.equal(still.statusCode, 200);
  });

  it('clone: 201, a new open task with the same owners and definitions, no values', async () => {
    const guest = await createGuest(ctx);
    const task = await createTask(ctx, {
      title: 'Original',
      task_type: 'expiring',
      owners: { users: [ctx.members.light], guests: [guest.email] },
      form_fields: [{ field_type: 'radio', label: 'Pick', options: ['a', 'b'] }],
    });
    const fieldId = task.form_fields[0]?.id ?? '';
    await ctx.db.kysely.updateTable('task_fields').set({ value: '"a"' }).where('id', '=', fieldId).execute();
    await ctx.db.kysely
      .updateTable('tasks')
      .set({ completed_at: '2030-01-01 00:00:00' })
      .where('id', '=', task.id)
      .execute();
    const response = await call(ctx, ctx.tokens.standard, 'POST', tasksUrl(ctx.orgId, task.id, '/clone'));
    assert.equal(response.statusCode, 201, response.body);
    const clone = response.json<{ data: TaskData }>().data;
    assert.notEqual(clone.id, task.id);
    assert.equal(clone.status, 'not-started');
    assert.equal(clone.completed_at, null);
    assert.deepEqual(
      [clone.title, clone.task_type, clone.deadline, clone.owners],
      [task.title, task.task_type, task.deadline, task.owners],
    );
    assert.deepEqual(
      clone.form_fields.map((f) => [f.label, f.options, f.value]),
      [['Pick', ['a', 'b'], null]],
    );
    assert.notEqual(clone.form_fields[0]?.id, fieldId);
  });
});
