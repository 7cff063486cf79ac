/**
 * Reading tasks into their answer shape (docs/tasks.md, Get task): the task rows, their owners,
 * fields and (when asked) comments, in a fixed number of statements whatever the number of tasks
 * (one per table), so a list page costs the same at 1 or 100 tasks.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, TaskCommentsTable, TaskFieldsTable, TasksTable } from '../db/types.js';
import type { Task, TaskComment, TaskField } from './task.schemas.js';
import { filesByField, withFileValues, type FieldFile } from './task-files.read.js';

type Q = Kysely<Database>;

export type TaskRow = Selectable<TasksTable>;
type FieldRow = Selectable<TaskFieldsTable>;

/** Code-unit order: the same on both databases, whatever their collation. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The organization's task rows with these ids (others are not found: a task of another organization is 404). */
export async function taskRows(db: Q, organizationId: string, ids: readonly string[]): Promise<TaskRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('tasks')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('id', 'in', [...ids])
    .execute();
}

/**
 * The answer shape of these rows, in their order. `threads` adds each task's comments (oldest
 * first). `at` decides `is_overdue` (an open task whose deadline is before it).
 */
export async function readTasks(
  db: Q,
  rows: readonly TaskRow[],
  options: { threads?: boolean; at: string },
): Promise<Task[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [users, guests, groups, fields, comments, files] = await Promise.all([
    db.selectFrom('task_users').select(['task_id', 'user_id', 'completed_at']).where('task_id', 'in', ids).execute(),
    db
      .selectFrom('task_guests')
      .innerJoin('organization_guests', 'organization_guests.id', 'task_guests.organization_guest_id')
      .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
      .select(['task_guests.task_id', 'guests.email', 'task_guests.completed_at'])
      .where('task_guests.task_id', 'in', ids)
      .execute(),
    db.selectFrom('task_groups').select(['task_id', 'group_id']).where('task_id', 'in', ids).execute(),
    db.selectFrom('task_fields').selectAll().where('task_id', 'in', ids).orderBy('position').execute(),
    options.threads ? readComments(db, ids) : Promise.resolve([] as TaskComment[]),
    filesByField(db, ids),
  ]);
  const byTask = <T extends { task_id: string }>(items: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const item of items) {
      const list = map.get(item.task_id);
      if (list) list.push(item);
      else map.set(item.task_id, [item]);
    }
    return map;
  };
  const usersOf = byTask(users);
  const guestsOf = byTask(guests);
  const groupsOf = byTask(groups);
  const fieldsOf = byTask(fields);
  const commentsOf = byTask(comments);
  return rows.map((row) => {
    const task = toTask(
      row,
      {
        users: usersOf.get(row.id) ?? [],
        guests: guestsOf.get(row.id) ?? [],
        groups: (groupsOf.get(row.id) ?? []).map((g) => g.group_id),
        fields: fieldsOf.get(row.id) ?? [],
      },
      files,
      options.at,
    );
    if (options.threads) task.threads = commentsOf.get(row.id) ?? [];
    return task;
  });
}

/** What a task's answer is made of besides its row: its owners (with their completions) and fields. */
interface TaskParts {
  users: ReadonlyArray<{ user_id: number; completed_at: string | null }>;
  guests: ReadonlyArray<{ email: string; completed_at: string | null }>;
  groups: readonly string[];
  fields: readonly FieldRow[];
}

/** The answer shape of a task from its row and parts; `at` decides `is_overdue`. */
function toTask(row: TaskRow, parts: TaskParts, files: ReadonlyMap<string, FieldFile[]>, at: string): Task {
  return {
    id: row.id,
    title: row.title,
    summary: row.summary,
    task_type: row.task_type,
    status: row.completed_at === null ? 'not-started' : 'completed',
    deadline: row.deadline,
    is_overdue: row.completed_at === null && row.deadline < at,
    everyone_must_complete: row.everyone_must_complete === 1,
    reminders_enabled: row.reminders_enabled === 1,
    is_approved: row.is_approved === null ? null : row.is_approved === 1,
    owners: {
      users: parts.users.map((u) => u.user_id).sort((a, b) => a - b),
      guests: parts.guests.map((g) => g.email).sort(byText),
      groups: [...parts.groups].sort(byText),
    },
    completed_by: {
      users: parts.users
        .filter((u) => u.completed_at !== null)
        .map((u) => u.user_id)
        .sort((a, b) => a - b),
      guests: parts.guests
        .filter((g) => g.completed_at !== null)
        .map((g) => g.email)
        .sort(byText),
    },
    completed_at: row.completed_at,
    completer_id: row.completed_by_user_id,
    created_by: row.created_by,
    created_at: row.created_at,
    last_updated: row.updated_at,
    form_fields: withFileValues([...parts.fields].sort((a, b) => a.position - b.position).map(fieldRowToField), files),
  };
}

/**
 * The answer of a task its caller's transaction has just inserted, made from what it wrote rather
 * than read back: these owners (nobody has completed anything yet), these field rows, and no file
 * (an upload names a task it can see, and this one is not committed yet). The same answer
 * readTasks gives for the task once committed.
 */
export function createdTask(
  row: TaskRow,
  owners: { userIds: readonly number[]; guestEmails: readonly string[]; groupIds: readonly string[] },
  fields: readonly FieldRow[],
  at: string,
): Task {
  return toTask(
    row,
    {
      users: owners.userIds.map((user_id) => ({ user_id, completed_at: null })),
      guests: owners.guestEmails.map((email) => ({ email, completed_at: null })),
      groups: owners.groupIds,
      fields,
    },
    new Map(),
    at,
  );
}

export function fieldRowToField(row: FieldRow): TaskField {
  return {
    id: row.id,
    field_type: row.field_type,
    label: row.label,
    required: row.required === 1,
    options: row.options === null ? null : (JSON.parse(row.options) as string[]),
    value: row.value === null ? null : (JSON.parse(row.value) as unknown),
    position: row.position,
  };
}

/** The comments of these tasks, oldest first, with their authors' names as the organization knows them. */
export async function readComments(db: Q, taskIds: readonly string[]): Promise<TaskComment[]> {
  if (taskIds.length === 0) return [];
  const rows = await db
    .selectFrom('task_comments')
    .innerJoin('tasks', 'tasks.id', 'task_comments.task_id')
    .leftJoin('memberships', (join) =>
      join
        .onRef('memberships.user_id', '=', 'task_comments.author_user_id')
        .onRef('memberships.organization_id', '=', 'tasks.organization_id'),
    )
    .leftJoin('users', 'users.id', 'task_comments.author_user_id')
    .leftJoin('organization_guests', 'organization_guests.id', 'task_comments.author_guest_id')
    .leftJoin('guests', 'guests.id', 'organization_guests.guest_id')
    .selectAll('task_comments')
    .select([
      'memberships.first_name as member_first_name',
      'memberships.last_name as member_last_name',
      'users.first_name as user_first_name',
      'users.last_name as user_last_name',
      'organization_guests.first_name as guest_first_name',
      'organization_guests.last_name as guest_last_name',
      'guests.email as guest_email',
    ])
    .where('task_comments.task_id', 'in', [...taskIds])
    .orderBy('task_comments.id')
    .execute();
  return rows.map((row) => commentRowToComment(row));
}

type CommentRow = Selectable<TaskCommentsTable> & {
  member_first_name: string | null;
  member_last_name: string | null;
  user_first_name: string | null;
  user_last_name: string | null;
  guest_first_name: string | null;
  guest_last_name: string | null;
  guest_email: string | null;
};

function commentRowToComment(row: CommentRow): TaskComment {
  // A comment whose guest was permanently deleted has no author left: it reads as a guest's, unnamed.
  const isGuest = row.author_guest_id !== null || row.author_user_id === null;
  const first = isGuest ? row.guest_first_name : (row.member_first_name ?? row.user_first_name);
  const last = isGuest ? row.guest_last_name : (row.member_last_name ?? row.user_last_name);
  const name = [first, last].filter((part): part is string => part !== null && part !== '').join(' ');
  return {
    id: String(row.id),
    task_id: row.task_id,
    content: row.content,
    author: {
      type: isGuest ? 'guest' : 'member',
      id: isGuest ? null : row.author_user_id,
      email: isGuest ? row.guest_email : null,
      name: name === '' ? null : name,
    },
    author_id: isGuest ? null : row.author_user_id,
    is_problem: row.is_problem === 1,
    resolved_at: row.resolved_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
