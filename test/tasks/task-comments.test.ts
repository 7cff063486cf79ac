/**
 * Comments on a task (docs/task-work.md, Comment on task, Edit comment, Delete comment, Resolve
 * comment): text as written, authors only, admins delete any, problems resolved by members.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestAppWithOther, call, type OrgWithMembers, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { seedTask } from '../../support/tasks.js';
import { tasksUrl } from './task-work-helpers.js';

interface CommentAnswer {
  id: string;
  task_id: string;
  content: string;
  author: { type: string; id: number | null; email: string | null; name: string | null };
  author_id: number | null;
  is_problem: boolean;
  resolved_at: string | null;
}

describe('tasks: comments', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  let taskId: string;
  before(async () => {
    ({ ctx, other } = await buildTestAppWithOther());
    taskId = (await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, users: [ctx.members.standard] })).id;
  });
  after(() => ctx.close());

  const post = (body: unknown, token = ctx.tokens.standard, task = taskId) =>
    call(ctx, token, 'POST', tasksUrl(ctx.orgId, task, '/comment'), body);
  const created = async (body: unknown, token = ctx.tokens.standard) => {
    const response = await post(body, token);
    assert.equal(response.statusCode, 201, response.body);
    return response.json<{ data: CommentAnswer }>().data;
  };

  it('201 with the comment: text as written (markup kept as text), the author, not a problem', async () => {
    const comment = await created({ content: '  <script>alert(1)</script> & more  ' });
    assert.equal(comment.content, '<script>alert(1)</script> & more');
    assert.equal(comment.task_id, taskId);
    assert.deepEqual(comment.author, { type: 'member', id: ctx.members.standard, email: null, name: 'standard acme' });
    // Tallyfy's clients read the id as a string and the author as `author_id`.
    assert.match(comment.id, /^[1-9][0-9]*$/);
    assert.equal(comment.author_id, ctx.members.standard);
    assert.equal(comment.is_problem, false);
    assert.equal(comment.resolved_at, null);
  });

  it('content is required, 1 to 20,000 characters after trimming', async () => {
    assertProblem(await post({}), 422, 'VALIDATION_FAILED', { fields: ['content'] });
    assertProblem(await post({ content: '   ' }), 422, 'VALIDATION_FAILED', { fields: ['content'] });
    assertProblem(await post({ content: 'x'.repeat(20_001) }), 422, 'VALIDATION_FAILED', { fields: ['content'] });
    assert.equal((await post({ content: 'x'.repeat(20_000) })).statusCode, 201);
  });

  it('only the author edits (403 otherwise); the edit is saved', async () => {
    const comment = await created({ content: 'first' });
    const url = tasksUrl(ctx.orgId, taskId, `/comment/${comment.id}`);
    assertProblem(await call(ctx, ctx.tokens.admin, 'PUT', url, { content: 'hijack' }), 403, 'FORBIDDEN');
    const edited = await call(ctx, ctx.tokens.standard, 'PUT', url, { content: 'second' });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json<{ data: CommentAnswer }>().data.content, 'second');
    assertProblem(await call(ctx, ctx.tokens.standard, 'PUT', url, { content: '' }), 422, 'VALIDATION_FAILED');
  });

  it('the author or an admin deletes; another standard member may not', async () => {
    const byAdmin = await created({ content: 'the admin wrote this' }, ctx.tokens.admin);
    const mine = await created({ content: 'mine' });
    const url = (id: string) => tasksUrl(ctx.orgId, taskId, `/comment/${id}`);
    assertProblem(await call(ctx, ctx.tokens.standard, 'DELETE', url(byAdmin.id)), 403, 'FORBIDDEN');
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', url(mine.id))).statusCode, 204);
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', url(byAdmin.id))).statusCode, 204);
    assertProblem(await call(ctx, ctx.tokens.admin, 'DELETE', url(byAdmin.id)), 404, 'RESOURCE_NOT_FOUND');
  });

  it('a problem is resolved by a member; a comment that is no problem is 422', async () => {
    const problem = await created({ content: 'It is broken', is_problem: true });
    assert.equal(problem.is_problem, true);
    const plain = await created({ content: 'fine' });
    const resolve = (id: string, token = ctx.tokens.admin) =>
      call(ctx, token, 'PUT', tasksUrl(ctx.orgId, taskId, `/comment/${id}/resolve`));
    assertProblem(await resolve(plain.id), 422, 'VALIDATION_FAILED');
    const resolved = await resolve(problem.id);
    assert.equal(resolved.statusCode, 200, resolved.body);
    const at = resolved.json<{ data: CommentAnswer }>().data.resolved_at;
    assert.ok(at);
    assert.equal((await resolve(problem.id)).json<{ data: CommentAnswer }>().data.resolved_at, at);
    assertProblem(await resolve(problem.id, ctx.tokens.light), 403, 'FORBIDDEN');
  });

  it('a light member reads only: 403 on every write', async () => {
    const comment = await created({ content: 'x', is_problem: true });
    const base = tasksUrl(ctx.orgId, taskId, `/comment/${comment.id}`);
    assertProblem(await post({ content: 'x' }, ctx.tokens.light), 403, 'FORBIDDEN');
    assertProblem(await call(ctx, ctx.tokens.light, 'PUT', base, { content: 'x' }), 403, 'FORBIDDEN');
    assertProblem(await call(ctx, ctx.tokens.light, 'DELETE', base), 403, 'FORBIDDEN');
  });

  it("another organization's task and comment are 404; its members are 403 here", async () => {
    const theirs = await seedTask(ctx.db.kysely, { organizationId: other.orgId, users: [other.members.admin] });
    assertProblem(await post({ content: 'x' }, ctx.tokens.admin, theirs.id), 404, 'RESOURCE_NOT_FOUND');
    const mine = await created({ content: 'x' });
    assertProblem(
      await call(ctx, ctx.tokens.admin, 'DELETE', tasksUrl(ctx.orgId, theirs.id, `/comment/${mine.id}`)),
      404,
      'RESOURCE_NOT_FOUND',
    );
    assertProblem(await post({ content: 'x' }, other.tokens.admin), 403, 'FORBIDDEN');
  });
});
