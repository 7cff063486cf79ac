/**
 * The queries of working on a task (docs/task-work.md): values, comments, completion. Plain
 * functions taking the database or the caller's transaction first.
 */
import type { Kysely } from 'kysely';
import { kindOf } from '../db/database.js';
import type { Database } from '../db/types.js';
import { fieldRowToField, type TaskRow } from './task.read.js';
import type { TaskField } from './task.schemas.js';
import type { TaskStatusFilter } from './task.ports.js';
import { filesByField, withFileValues } from './task-files.read.js';

type Q = Kysely<Database>;

/**
 * The organization's task with this id. `lock` holds the row until the transaction ends
 * (PostgreSQL; a SQLite transaction holds the write lock already), so two completions cannot
 * both see the task open.
 */
export async function findTask(
  db: Q,
  organizationId: string,
  taskId: string,
  lock = false,
): Promise<TaskRow | undefined> {
  let query = db.selectFrom('tasks').selectAll().where('organization_id', '=', organizationId).where('id', '=', taskId);
  if (lock && kindOf(db) === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function isGuestOwner(db: Q, taskId: string, organizationGuestId: number): Promise<boolean> {
  const row = await db
    .selectFrom('task_guests')
    .select('task_id')
    .where('task_id', '=', taskId)
    .where('organization_guest_id', '=', organizationGuestId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function isUserOwner(db: Q, taskId: string, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('task_users')
    .select('task_id')
    .where('task_id', '=', taskId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** The guest's task rows in the organization: open ones by deadline, then completed ones, newest first. */
export async function guestTaskRows(
  db: Q,
  organizationId: string,
  organizationGuestId: number,
  status: TaskStatusFilter,
): Promise<TaskRow[]> {
  let query = db
    .selectFrom('tasks')
    .innerJoin('task_guests', 'task_guests.task_id', 'tasks.id')
    .selectAll('tasks')
    .where('tasks.organization_id', '=', organizationId)
    .where('task_guests.organization_guest_id', '=', organizationGuestId);
  if (status === 'active') query = query.where('tasks.completed_at', 'is', null);
  if (status === 'completed') query = query.where('tasks.completed_at', 'is not', null);
  const rows = await query.orderBy('tasks.deadline').orderBy('tasks.id').execute();
  const open = rows.filter((row) => row.completed_at === null);
  const done = rows
    .filter((row) => row.completed_at !== null)
    .sort((a, b) => ((a.completed_at ?? '') < (b.completed_at ?? '') ? 1 : -1));
  return [...open, ...done];
}

export async function setFieldValue(db: Q, taskId: string, fieldId: string, value: string | null, at: string) {
  await db
    .updateTable('task_fields')
    .set({ value, updated_at: at })
    .where('task_id', '=', taskId)
    .where('id', '=', fieldId)
    .execute();
}

export async function touchTask(db: Q, taskId: string, at: string): Promise<void> {
  await db.updateTable('tasks').set({ updated_at: at }).where('id', '=', taskId).execute();
}

export async function insertComment(
  db: Q,
  comment: {
    taskId: string;
    userId: number | null;
    guestId: number | null;
    content: string;
    isProblem: boolean;
    at: string;
  },
): Promise<number> {
  const row = await db
    .insertInto('task_comments')
    .values({
      task_id: comment.taskId,
      author_user_id: comment.userId,
      author_guest_id: comment.guestId,
      content: comment.content,
      is_problem: comment.isProblem ? 1 : 0,
      resolved_at: null,
      resolved_by: null,
      created_at: comment.at,
      updated_at: comment.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findComment(db: Q, taskId: string, commentId: number) {
  return db
    .selectFrom('task_comments')
    .selectAll()
    .where('task_id', '=', taskId)
    .where('id', '=', commentId)
    .executeTakeFirst();
}

export async function updateComment(db: Q, commentId: number, content: string, at: string): Promise<void> {
  await db.updateTable('task_comments').set({ content, updated_at: at }).where('id', '=', commentId).execute();
}

export async function deleteComment(db: Q, commentId: number): Promise<void> {
  await db.deleteFrom('task_comments').where('id', '=', commentId).execute();
}

export async function resolveComment(db: Q, commentId: number, userId: number, at: string): Promise<void> {
  await db
    .updateTable('task_comments')
    .set({ resolved_at: at, resolved_by: userId, updated_at: at })
    .where('id', '=', commentId)
    .execute();
}

/** Marks one owner's part done; false when they are not an owner (or had done it already). */
export async function completeOwnerPart(
  db: Q,
  taskId: string,
  owner: { userId: number } | { guestId: number },
  at: string,
): Promise<boolean> {
  const result =
    'userId' in owner
      ? await db
          .updateTable('task_users')
          .set({ completed_at: at })
          .where('task_id', '=', taskId)
          .where('user_id', '=', owner.userId)
          .where('completed_at', 'is', null)
          .executeTakeFirst()
      : await db
          .updateTable('task_guests')
          .set({ completed_at: at })
          .where('task_id', '=', taskId)
          .where('organization_guest_id', '=', owner.guestId)
          .where('completed_at', 'is', null)
          .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** True when every member and guest owner of the task has completed their part. */
export async function everyOwnerDone(db: Q, taskId: string): Promise<boolean> {
  const [users, guests] = await Promise.all([
    db
      .selectFrom('task_users')
      .select('task_id')
      .where('task_id', '=', taskId)
      .where('completed_at', 'is', null)
      .executeTakeFirst(),
    db
      .selectFrom('task_guests')
      .select('task_id')
      .where('task_id', '=', taskId)
      .where('completed_at', 'is', null)
      .executeTakeFirst(),
  ]);
  return users === undefined && guests === undefined;
}

export async function markCompleted(
  db: Q,
  taskId: string,
  done: { at: string; userId: number | null; guestId: number | null; isApproved: boolean | null },
): Promise<void> {
  await db
    .updateTable('tasks')
    .set({
      completed_at: done.at,
      completed_by_user_id: done.userId,
      completed_by_guest_id: done.guestId,
      is_approved: done.isApproved === null ? null : done.isApproved ? 1 : 0,
      updated_at: done.at,
    })
    .where('id', '=', taskId)
    .execute();
}

/** Open again: the task's completion, its answer and every owner's part are cleared. */
export async function markOpen(db: Q, taskId: string, at: string): Promise<void> {
  await db
    .updateTable('tasks')
    .set({
      completed_at: null,
      completed_by_user_id: null,
      completed_by_guest_id: null,
      is_approved: null,
      updated_at: at,
    })
    .where('id', '=', taskId)
    .execute();
  await db.updateTable('task_users').set({ completed_at: null }).where('task_id', '=', taskId).execute();
  await db.updateTable('task_guests').set({ completed_at: null }).where('task_id', '=', taskId).execute();
}

/** The task's guest owners whose link works (not disabled, not removed), with what their email needs. */
export async function activeGuestOwners(db: Q, taskId: string) {
  return db
    .selectFrom('task_guests')
    .innerJoin('organization_guests', 'organization_guests.id', 'task_guests.organization_guest_id')
    .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
    .innerJoin('organizations', 'organizations.id', 'organization_guests.organization_id')
    .select([
      'guests.email',
      'organization_guests.first_name',
      'organization_guests.guest_code_hash',
      'organization_guests.guest_code_encrypted',
      'organization_guests.guest_code_key_id',
      'organizations.name as organization_name',
    ])
    .where('task_guests.task_id', '=', taskId)
    .where('organization_guests.deleted_at', 'is', null)
    .where('organization_guests.disabled_at', 'is', null)
    .orderBy('guests.email')
    .execute();
}

/** The task's fields with their values, in order. */
export async function fieldsOf(db: Q, taskId: string): Promise<TaskField[]> {
  const rows = await db
    .selectFrom('task_fields')
    .selectAll()
    .where('task_id', '=', taskId)
    .orderBy('position')
    .execute();
  return withFileValues(rows.map(fieldRowToField), await filesByField(db, [taskId]));
}
