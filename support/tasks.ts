/**
 * Writes tasks straight into the database, as the task API would leave them, for tests of what
 * reads tasks (the guest's side, stats, the guest rules) without going through task creation.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, TaskFieldsTable } from '../src/db/types.js';
import { now } from '../src/core/time.js';

export interface SeedField {
  field_type: TaskFieldsTable['field_type'];
  label: string;
  required?: boolean;
  options?: string[];
  value?: unknown;
}

export interface SeedTask {
  organizationId: string;
  title?: string;
  summary?: string | null;
  /** `YYYY-MM-DD HH:MM:SS`; a week from now when not given. */
  deadline?: string;
  taskType?: 'task' | 'approval' | 'expiring';
  everyoneMustComplete?: boolean;
  /** Member (user) ids. */
  users?: number[];
  /** Organization guest record ids (organization_guests.id). */
  guests?: number[];
  fields?: SeedField[];
  /** Completed at this time (and by every owner), or open when absent. */
  completedAt?: string;
  createdBy?: number | null;
}

const hexId = () => randomBytes(16).toString('hex');

/** The stored form of a time: `YYYY-MM-DD HH:MM:SS`, UTC. */
export function stamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Inserts one task with its owners and fields; returns its id and its fields' ids in order. */
export async function seedTask(db: Kysely<Database>, task: SeedTask): Promise<{ id: string; fieldIds: string[] }> {
  const id = hexId();
  const at = now();
  const completedAt = task.completedAt ?? null;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('tasks')
      .values({
        id,
        organization_id: task.organizationId,
        title: task.title ?? 'A task',
        summary: task.summary ?? null,
        deadline: task.deadline ?? stamp(new Date(Date.now() + 7 * 86_400_000)),
        task_type: task.taskType ?? 'task',
        everyone_must_complete: task.everyoneMustComplete ? 1 : 0,
        created_by: task.createdBy ?? task.users?.[0] ?? null,
        created_at: at,
        updated_at: at,
        completed_at: completedAt,
        completed_by_user_id: null,
        completed_by_guest_id: null,
        is_approved: null,
      })
      .execute();
    if (task.users?.length)
      await trx
        .insertInto('task_users')
        .values(task.users.map((user_id) => ({ task_id: id, user_id, completed_at: completedAt })))
        .execute();
    if (task.guests?.length)
      await trx
        .insertInto('task_guests')
        .values(
          task.guests.map((organization_guest_id) => ({
            task_id: id,
            organization_guest_id,
            completed_at: completedAt,
          })),
        )
        .execute();
  });
  const fieldIds: string[] = [];
  for (const [position, field] of (task.fields ?? []).entries()) {
    const fieldId = hexId();
    fieldIds.push(fieldId);
    await db
      .insertInto('task_fields')
      .values({
        id: fieldId,
        task_id: id,
        position,
        field_type: field.field_type,
        label: field.label,
        required: field.required ? 1 : 0,
        options: field.options ? JSON.stringify(field.options) : null,
        value: field.value === undefined || field.value === null ? null : JSON.stringify(field.value),
        updated_at: at,
      })
      .execute();
  }
  return { id, fieldIds };
}

/** The organization's record id of a guest (organization_guests.id), by email. */
export async function guestRecordId(db: Kysely<Database>, organizationId: string, email: string): Promise<number> {
  const row = await db
    .selectFrom('organization_guests')
    .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
    .select('organization_guests.id')
    .where('organization_guests.organization_id', '=', organizationId)
    .where('guests.email', '=', email)
    .executeTakeFirstOrThrow();
  return row.id;
}
