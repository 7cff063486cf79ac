/**
 * Task queries (docs/tasks.md). Plain functions taking the database (or a transaction) first;
 * column names stay here and in task.read.ts, never in the API.
 */
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import { kindOf } from '../db/database.js';
import { placeholdersFor, prepared, preparedRows, type Placeholder } from '../db/prepared.js';
import type { Database, TaskFieldsTable, TasksTable } from '../db/types.js';
import type { WriteBatch } from '../db/write-batch.js';
import type { TaskStatusFilter } from './task.ports.js';
import type { TaskRow } from './task.read.js';
import type { TaskSortKey } from './task.requests.js';
import { escapeLike } from '../db/like.js';

type Q = Kysely<Database>;

/**
 * The organization's task with this id. `lock` holds the row until the transaction ends on
 * PostgreSQL, so concurrent updates of one task apply one after the other.
 */
export async function findTask(db: Q, organizationId: string, id: string, lock = false): Promise<TaskRow | undefined> {
  const query = db.selectFrom('tasks').selectAll().where('organization_id', '=', organizationId).where('id', '=', id);
  return (lock && kindOf(db) === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
}

/** Every column of a task, in the order the inserts name them. */
export const TASK_COLUMNS = [
  'id',
  'organization_id',
  'title',
  'summary',
  'deadline',
  'task_type',
  'everyone_must_complete',
  'created_by',
  'created_at',
  'updated_at',
  'completed_at',
  'completed_by_user_id',
  'completed_by_guest_id',
  'is_approved',
  'reminders_enabled',
] as const satisfies ReadonlyArray<keyof TasksTable>;

const insertTaskQuery = prepared((db, p: Placeholder<Selectable<TasksTable>>) =>
  db
    .insertInto('tasks')
    .values(placeholdersFor(p, TASK_COLUMNS))
    .returning((eb) =>
      eb
        .selectFrom('organizations')
        .select('name')
        .whereRef('organizations.id', '=', 'tasks.organization_id')
        .as('organization_name'),
    ),
);

/**
 * Inserts the task, every column given. Answers its organization's name, read by the same
 * statement: the assignment emails carry it, and this spares them a statement of their own (a
 * round trip on PostgreSQL). Prepared: a task created or copied is on the path of Create task.
 */
export async function insertTask(db: Q, row: Selectable<TasksTable>): Promise<string | undefined> {
  const inserted = await insertTaskQuery.first(db, row);
  return inserted?.organization_name ?? undefined;
}

/** The organization's name, as the assignment emails give it (undefined for an organization that is gone). */
export async function organizationName(db: Q, organizationId: string): Promise<string | undefined> {
  const row = await db.selectFrom('organizations').select('name').where('id', '=', organizationId).executeTakeFirst();
  return row?.name;
}

export async function updateTask(db: Q, id: string, changes: Updateable<TasksTable>): Promise<void> {
  await db.updateTable('tasks').set(changes).where('id', '=', id).execute();
}

/** Deletes the task with its owners, fields, comments and files (docs/files.md). */
export async function deleteTask(db: Q, id: string): Promise<void> {
  await db
    .deleteFrom('file_chunks')
    .where('file_id', 'in', (eb) => eb.selectFrom('task_files').select('id').where('task_id', '=', id))
    .execute();
  await db.deleteFrom('task_files').where('task_id', '=', id).execute();
  // Explicitly rather than by cascade: nothing then depends on the database's foreign-key setting.
  for (const table of [
    'task_reminders',
    'task_comments',
    'task_fields',
    'task_groups',
    'task_guests',
    'task_users',
  ] as const) {
    await db.deleteFrom(table).where('task_id', '=', id).execute();
  }
  await db.deleteFrom('tasks').where('id', '=', id).execute();
}

/** A field's whole row, every column given (what is written is also what a created task answers). */
export type FieldRow = Selectable<TaskFieldsTable>;

export async function fieldsOf(db: Q, taskId: string) {
  return db.selectFrom('task_fields').selectAll().where('task_id', '=', taskId).orderBy('position').execute();
}

/** Every column of a field, in the order the inserts name them. */
export const FIELD_COLUMNS = [
  'id',
  'task_id',
  'position',
  'field_type',
  'label',
  'required',
  'options',
  'value',
  'updated_at',
] as const satisfies ReadonlyArray<keyof TaskFieldsTable>;

const insertFieldRows = preparedRows((db, rows: ReadonlyArray<Placeholder<FieldRow>>) =>
  db.insertInto('task_fields').values(rows.map((p) => placeholdersFor(p, FIELD_COLUMNS))),
);

/** Adds field definitions to a task that has none (a new one), in `batch` (sent when its caller runs it). */
export function insertFields(batch: WriteBatch, rows: FieldRow[]): void {
  if (rows.length > 0) batch.add(...insertFieldRows.bind(batch.db, rows));
}

/** Replaces the task's field definitions with these rows (their positions are unique among them). */
export async function replaceFields(db: Q, taskId: string, rows: FieldRow[]): Promise<void> {
  // One after the other: the rows inserted may have the positions of the rows deleted.
  await db.deleteFrom('task_fields').where('task_id', '=', taskId).execute();
  if (rows.length > 0) await db.insertInto('task_fields').values(rows).execute();
}

export interface TaskListFilter {
  organizationId: string;
  q?: string | undefined;
  status: TaskStatusFilter;
  /** Tasks owned by any of these members (each list given narrows the list further). */
  userIds?: number[] | undefined;
  /** Tasks owned by any of these guests (normalized emails). */
  guestEmails?: string[] | undefined;
  /** Tasks owned by any of these guest records. */
  guestIds?: number[] | undefined;
  groupIds?: string[] | undefined;
}

export interface TaskListOrder {
  key: TaskSortKey;
  descending: boolean;
}

function filtered(db: Q, filter: TaskListFilter) {
  let query = db.selectFrom('tasks').where('tasks.organization_id', '=', filter.organizationId);
  if (filter.q)
    query = query.where(sql<boolean>`lower(tasks.title) like ${`%${escapeLike(filter.q.toLowerCase())}%`} escape '\\'`);
  if (filter.status === 'active') query = query.where('tasks.completed_at', 'is', null);
  if (filter.status === 'completed') query = query.where('tasks.completed_at', 'is not', null);
  const { userIds, guestEmails, guestIds, groupIds } = filter;
  if (userIds)
    query = query.where('tasks.id', 'in', (eb) =>
      eb
        .selectFrom('task_users')
        .select('task_users.task_id')
        .where('task_users.user_id', 'in', [-1, ...userIds]),
    );
  if (guestIds)
    query = query.where('tasks.id', 'in', (eb) =>
      eb
        .selectFrom('task_guests')
        .select('task_guests.task_id')
        .where('task_guests.organization_guest_id', 'in', [-1, ...guestIds]),
    );
  if (guestEmails)
    query = query.where('tasks.id', 'in', (eb) =>
      eb
        .selectFrom('task_guests')
        .innerJoin('organization_guests', 'organization_guests.id', 'task_guests.organization_guest_id')
        .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
        .select('task_guests.task_id')
        .where('guests.email', 'in', ['', ...guestEmails]),
    );
  if (groupIds)
    query = query.where('tasks.id', 'in', (eb) =>
      eb
        .selectFrom('task_groups')
        .select('task_groups.task_id')
        .where('task_groups.group_id', 'in', ['', ...groupIds]),
    );
  return query;
}

export async function countTasks(db: Q, filter: TaskListFilter): Promise<number> {
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** One page of task rows; the id breaks ties, so that pages never overlap. */
export async function listTasks(
  db: Q,
  filter: TaskListFilter,
  order: TaskListOrder,
  page: { limit: number; offset: number },
): Promise<TaskRow[]> {
  const direction = order.descending ? 'desc' : 'asc';
  // Titles sort in byte order on both databases; PostgreSQL's default collation would differ.
  const key =
    order.key === 'title' && kindOf(db) === 'postgres' ? sql`tasks.title collate "C"` : sql.ref(`tasks.${order.key}`);
  return filtered(db, filter)
    .selectAll('tasks')
    .orderBy(key, direction)
    .orderBy('tasks.id', direction)
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}
