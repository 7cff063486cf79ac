/** Shared by the task tests: paths, a typed create, the outbox's assignment emails and row counts. */
import assert from 'node:assert/strict';
import { call, type TestContext } from '../../support/app.js';

export interface TaskData {
  id: string;
  title: string;
  summary: string | null;
  task_type: string;
  status: string;
  deadline: string;
  is_overdue: boolean;
  everyone_must_complete: boolean;
  is_approved: boolean | null;
  owners: { users: number[]; guests: string[]; groups: string[] };
  completed_by: { users: number[]; guests: string[] };
  completed_at: string | null;
  completer_id: number | null;
  created_by: number | null;
  created_at: string;
  last_updated: string;
  form_fields: Array<{
    id: string;
    field_type: string;
    label: string;
    required: boolean;
    options: string[] | null;
    value: unknown;
    position: number;
  }>;
  threads?: unknown[];
}

export const DEADLINE = '2030-01-15 10:30:00';

export function tasksUrl(orgId: string, taskId?: string, suffix = ''): string {
  return `/api/organizations/${orgId}/tasks${taskId === undefined ? '' : `/${taskId}`}${suffix}`;
}

/** Creates a task through the API (201 expected) and returns the answer's data. */
export async function createTask(
  ctx: TestContext,
  body: Record<string, unknown> = {},
  token = ctx.tokens.admin,
  orgId = ctx.orgId,
): Promise<TaskData> {
  const response = await call(ctx, token, 'POST', tasksUrl(orgId), { title: 'A task', deadline: DEADLINE, ...body });
  assert.equal(response.statusCode, 201, response.body);
  return response.json<{ data: TaskData }>().data;
}

/** The assignment emails queued so far, oldest first. */
export async function assignmentEmails(ctx: TestContext) {
  return ctx.db.kysely
    .selectFrom('outbox')
    .select(['recipient', 'subject', 'text_body', 'html_body'])
    .where('kind', '=', 'task_assigned')
    .orderBy('id')
    .execute();
}

/** Rows in the tables a create writes: compared before and after a refused write. */
export async function rowCounts(ctx: TestContext) {
  const count = async (table: 'tasks' | 'organization_guests' | 'guests' | 'outbox' | 'task_fields' | 'task_guests') =>
    Number(
      (
        await ctx.db.kysely
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    tasks: await count('tasks'),
    organization_guests: await count('organization_guests'),
    guests: await count('guests'),
    outbox: await count('outbox'),
    task_fields: await count('task_fields'),
    task_guests: await count('task_guests'),
  };
}
