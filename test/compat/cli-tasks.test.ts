/**
 * Compatibility with the task commands of Tallyfy's Go CLI, `tallyfy/cli`
 * (internal/cli/task.go, pkg/tallyfy/types.go): `task list` (organization-wide, `--user` as
 * `owners=<id>`, `--mine` on `/me/tasks`, `--all` in pages of 100), `task get`, `task complete`
 * (`POST /organizations/{org}/completed-tasks {task_id}`), `task reopen` (`DELETE
 * …/completed-tasks/{task_id}`) and `task comment` (`POST …/tasks/{task_id}/comment {content}`).
 *
 * What it reads: a task's `id`, `title`, `status`, `deadline`, `completed_at` and `task_type` as
 * strings (a completed task is one with a non-empty `completed_at` or status `completed`); a
 * comment's `id` and `content` as strings, `author_id` as a number; errors by status and `message`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, type TestContext } from '../../support/app.js';
import {
  clientFor,
  expectErrorMessage,
  expectJson,
  type ClientProfile,
  type CompatClient,
  type ListBody,
} from './compat-helpers.js';

const CLI: ClientProfile = {
  name: 'tallyfy/cli',
  base: '',
  clientHeader: 'APIClient',
  accept: true,
  jsonOnBodyless: false,
  extraHeaders: { 'user-agent': 'tallyfy-cli/1.0.0' },
};

/** The fields of pkg/tallyfy Task the CLI decodes; Go fails a string field given a number or an object. */
interface CliTask {
  id: string;
  title: string;
  status: string;
  deadline: string | null;
  completed_at: string | null;
  task_type: string;
  created_at: string;
}

function assertDecodes(task: CliTask): void {
  for (const key of ['id', 'title', 'status', 'task_type', 'created_at'] as const)
    assert.equal(typeof task[key], 'string', `${key} is a string`);
  for (const key of ['deadline', 'completed_at'] as const)
    assert.ok(task[key] === null || typeof task[key] === 'string', `${key} is a string or null`);
}

/** The CLI's taskIsComplete. */
const isComplete = (task: CliTask) =>
  (task.completed_at !== null && task.completed_at.trim() !== '') ||
  ['completed', 'complete'].includes(task.status.trim().toLowerCase());

describe('tallyfy/cli (Go CLI): task commands', () => {
  let ctx: TestContext;
  let cli: CompatClient;
  const org = () => `/organizations/${ctx.orgId}`;

  before(async () => {
    ctx = await buildTestApp();
    cli = clientFor(ctx, CLI, ctx.tokens.admin);
  });
  after(() => ctx.close());

  async function newTask(title: string, users: number[]): Promise<CliTask> {
    return expectJson<{ data: CliTask }>(
      await cli.post(`${org()}/tasks`, { title, deadline: '2030-06-01 12:00:00', owners: { users } }),
      201,
    ).data;
  }

  it('task list --all: pages of 100 until current_page >= total_pages; every open task once, decodable', async () => {
    const made = [];
    for (let i = 0; i < 105; i++) made.push(await newTask(`CLI task ${i}`, [ctx.members.standard]));
    const seen: CliTask[] = [];
    for (let page = 1; ; page++) {
      const body = expectJson<ListBody<CliTask>>(
        await cli.get(`${org()}/tasks`, { query: { page, per_page: 100 } }),
        200,
      );
      seen.push(...body.data);
      const pagination = body.meta?.pagination;
      assert.ok(pagination, 'meta.pagination');
      if (pagination.current_page >= pagination.total_pages) break;
      assert.ok(page < 10, 'the loop ends');
    }
    const ids = seen.map((t) => t.id);
    assert.equal(new Set(ids).size, ids.length, 'no task twice');
    for (const task of made) assert.ok(ids.includes(task.id), `${task.title} listed`);
    seen.forEach(assertDecodes);
  });

  it('task list --user U: owners=U narrows to their tasks; --mine lists the caller’s', async () => {
    const theirs = await newTask('Light one', [ctx.members.light]);
    const mine = await newTask('Admin one', [ctx.members.admin]);
    const byUser = expectJson<ListBody<CliTask>>(
      await cli.get(`${org()}/tasks`, { query: { owners: String(ctx.members.light), page: 1 } }),
      200,
    ).data;
    assert.deepEqual(
      byUser.map((t) => t.id),
      [theirs.id],
    );
    const own = expectJson<ListBody<CliTask>>(await cli.get(`${org()}/me/tasks`, { query: { page: 1 } }), 200).data;
    assert.deepEqual(
      own.map((t) => t.id),
      [mine.id],
    );
  });

  it('task get, complete, reopen: the task decodes; complete makes taskIsComplete true, reopen false again', async () => {
    const task = await newTask('Gate', [ctx.members.admin]);
    const got = expectJson<{ data: CliTask }>(await cli.get(`${org()}/tasks/${task.id}`), 200).data;
    assertDecodes(got);
    assert.equal(isComplete(got), false);

    const completed = await cli.post(`${org()}/completed-tasks`, { task_id: task.id });
    assert.ok(completed.statusCode === 200 || completed.statusCode === 201, completed.body);
    const done = (JSON.parse(completed.body) as { data: CliTask }).data;
    assertDecodes(done);
    assert.equal(isComplete(done), true);

    const reopened = await cli.delete(`${org()}/completed-tasks/${task.id}`);
    assert.ok(reopened.statusCode >= 200 && reopened.statusCode < 300, reopened.body);
    const again = expectJson<{ data: CliTask }>(await cli.get(`${org()}/tasks/${task.id}`), 200).data;
    assert.equal(isComplete(again), false);
  });

  it('task comment --text: POST {content}; id and content read as strings, author_id as a number', async () => {
    const task = await newTask('Discuss', [ctx.members.admin]);
    const comment = expectJson<{ data: { id: unknown; content: unknown; author_id: unknown; created_at: unknown } }>(
      await cli.post(`${org()}/tasks/${task.id}/comment`, { content: 'Looks good' }),
      201,
    ).data;
    assert.equal(typeof comment.id, 'string');
    assert.equal(comment.content, 'Looks good');
    assert.equal(comment.author_id, ctx.members.admin);
    assert.equal(typeof comment.created_at, 'string');
  });

  it('task get / complete of an unknown task: 404 with a top-level message', async () => {
    expectErrorMessage(await cli.get(`${org()}/tasks/${'0'.repeat(32)}`), 404);
    expectErrorMessage(await cli.post(`${org()}/completed-tasks`, { task_id: '0'.repeat(32) }), 404);
  });
});
