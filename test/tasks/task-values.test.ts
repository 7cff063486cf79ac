/**
 * Save task values (docs/task-work.md): each field type's rule, every failure in one 422 with
 * nothing saved, unknown field ids, completed tasks, roles and other organizations.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, call, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { seedTask } from '../../support/tasks.js';
import { taskWithFields, tasksUrl } from './task-work-helpers.js';

interface TaskAnswer {
  id: string;
  last_updated: string;
  form_fields: Array<{ id: string; label: string; value: unknown }>;
}

describe('tasks: save task values', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther());
  });
  after(() => ctx.close());

  const save = (taskId: string, taskdata: unknown, token = ctx.tokens.standard) =>
    call(ctx, token, 'PUT', tasksUrl(ctx.orgId, taskId, '/values'), { taskdata });
  const valuesOf = (task: TaskAnswer) => Object.fromEntries(task.form_fields.map((f) => [f.label, f.value]));

  it('saves a good value of every type and answers 200 with the task', async () => {
    const task = await taskWithFields(ctx);
    const response = await save(task.id, {
      [task.field('Name')]: '  Ada  ',
      [task.field('Notes')]: 'x'.repeat(20_000),
      [task.field('Size')]: 'M',
      [task.field('Colour')]: 'blue',
      [task.field('Extras')]: ['c', 'a'],
      [task.field('Start')]: '2024-02-29',
      [task.field('Contact')]: 'Ada@Example.TEST',
      [task.field('Count')]: 2.5,
      [task.field('Agree')]: 'yes',
    });
    assert.equal(response.statusCode, 200, response.body);
    const data = response.json<{ data: TaskAnswer }>().data;
    assert.equal(data.id, task.id);
    assert.deepEqual(valuesOf(data), {
      Name: 'Ada',
      Notes: 'x'.repeat(20_000),
      Size: 'M',
      Colour: 'blue',
      Extras: ['c', 'a'],
      Start: '2024-02-29',
      Contact: 'ada@example.test',
      Count: 2.5,
      Agree: 'yes',
    });
  });

  it('null or an empty string empties a field; fields not sent keep their value', async () => {
    const task = await taskWithFields(ctx);
    assert.equal((await save(task.id, { [task.field('Name')]: 'A', [task.field('Count')]: 0 })).statusCode, 200);
    const response = await save(task.id, { [task.field('Name')]: '', [task.field('Agree')]: null });
    assert.equal(response.statusCode, 200, response.body);
    const values = valuesOf(response.json<{ data: TaskAnswer }>().data);
    assert.equal(values.Name, null);
    assert.equal(values.Count, 0);
    assert.equal(values.Agree, null);
  });

  it('one 422 names every bad field and unknown field id, and saves nothing', async () => {
    const task = await taskWithFields(ctx);
    const unknown = 'f'.repeat(32);
    const bad = {
      [task.field('Name')]: 'x'.repeat(601),
      [task.field('Notes')]: 'x'.repeat(20_001),
      [task.field('Size')]: 'XL',
      [task.field('Colour')]: ['red'],
      [task.field('Extras')]: ['a', 'a'],
      [task.field('Start')]: '2023-02-29',
      [task.field('Contact')]: 'not an email',
      [task.field('Count')]: '12',
      [task.field('Agree')]: true,
      [unknown]: 'x',
    };
    const response = await save(task.id, bad);
    assertProblem(response, 422, 'VALIDATION_FAILED', { fields: Object.keys(bad).map((id) => `taskdata.${id}`) });
    assert.match(
      response.json<{ errors: Record<string, string[]> }>().errors[`taskdata.${unknown}`]?.[0] ?? '',
      /ffff/,
    );
    // One good value beside a bad one is not saved either.
    const mixed = await save(task.id, { [task.field('Name')]: 'kept?', [task.field('Size')]: 'XL' });
    assertProblem(mixed, 422, 'VALIDATION_FAILED', { fields: [`taskdata.${task.field('Size')}`] });
    const stored = await ctx.db.kysely
      .selectFrom('task_fields')
      .select('value')
      .where('task_id', '=', task.id)
      .execute();
    assert.ok(stored.every((row) => row.value === null));
  });

  it('more rules: multiselect of unknown options, a number that is not finite, a date that is no date', async () => {
    const task = await taskWithFields(ctx);
    for (const [label, value] of [
      ['Extras', ['z']],
      ['Extras', 'a'],
      ['Start', '2024-13-01'],
      ['Start', '2024-1-1'],
      ['Agree', 'Yes'],
      ['Size', 5],
    ] as const) {
      assertProblem(await save(task.id, { [task.field(label)]: value }), 422, 'VALIDATION_FAILED', {
        label: `${label} ${JSON.stringify(value)}`,
        fields: [`taskdata.${task.field(label)}`],
      });
    }
  });

  it('a body without taskdata is 422', async () => {
    const task = await taskWithFields(ctx);
    assertProblem(
      await call(ctx, ctx.tokens.standard, 'PUT', tasksUrl(ctx.orgId, task.id, '/values'), {}),
      422,
      'VALIDATION_FAILED',
      {
        fields: ['taskdata'],
      },
    );
  });

  it("a completed task's values cannot change (422)", async () => {
    const task = await taskWithFields(ctx, { completedAt: '2025-01-01 10:00:00' });
    assertProblem(await save(task.id, { [task.field('Name')]: 'late' }), 422, 'VALIDATION_FAILED', {
      fields: ['taskdata'],
    });
  });

  it('a light member may not save (403); an admin may', async () => {
    const task = await taskWithFields(ctx);
    assertProblem(await save(task.id, { [task.field('Name')]: 'x' }, ctx.tokens.light), 403, 'FORBIDDEN');
    assert.equal((await save(task.id, { [task.field('Name')]: 'x' }, ctx.tokens.admin)).statusCode, 200);
  });

  it("another organization's task is 404 here, and another organization's member is 403", async () => {
    const theirs = await seedTask(ctx.db.kysely, {
      organizationId: other.orgId,
      users: [other.members.admin],
      fields: [{ field_type: 'text', label: 'X' }],
    });
    const field = theirs.fieldIds[0] ?? '';
    assertProblem(await save(theirs.id, { [field]: 'x' }), 404, 'RESOURCE_NOT_FOUND');
    assertProblem(await save('nope', {}), 404, 'RESOURCE_NOT_FOUND');
    const mine = await taskWithFields(ctx);
    assertProblem(await save(mine.id, {}, other.tokens.admin), 403, 'FORBIDDEN');
  });
});
