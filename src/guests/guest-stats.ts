/**
 * The `stats` object of `?with=stats` (docs/guests.md, The guest object), read from the tasks the
 * organization's records of the guests own: one grouped statement for the whole page, whatever its
 * size. Keyed by the record (organization_guests.id), not the global guest id: a guest of two
 * organizations has two records, and each organization sees only the numbers of its own tasks.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { GuestStats } from './guest.schemas.js';

const NO_TASKS: GuestStats = {
  assigned_tasks: 0,
  tasks_completed: 0,
  last_task_completed_at: null,
  one_off_tasks_completed: 0,
  last_one_off_task_completed_at: null,
};

/**
 * The stats of each record in `recordIds` (records of `organizationId`). A task counts as completed
 * for the guest once it is not open for them: the task is completed, or the guest completed their
 * part of an everyone-must-complete task; so `assigned_tasks - tasks_completed` is the number of
 * open tasks that keep the guest from being disabled. Its time is when the guest completed their
 * part, else when the task was completed. Every task is one-off, so the one-off numbers are these.
 */
export async function statsForRecords(
  db: Kysely<Database>,
  organizationId: string,
  recordIds: number[],
): Promise<Map<number, GuestStats>> {
  const stats = new Map<number, GuestStats>(recordIds.map((id) => [id, NO_TASKS]));
  if (recordIds.length === 0) return stats;
  // A cross join with the condition in WHERE: SQLite then reads task_guests first, by the page's
  // records, rather than every task of the organization (PostgreSQL plans it freely either way).
  const rows = await db
    .selectFrom('task_guests')
    .crossJoin('tasks')
    .whereRef('tasks.id', '=', 'task_guests.task_id')
    .where('task_guests.organization_guest_id', 'in', recordIds)
    .where('tasks.organization_id', '=', organizationId)
    .groupBy('task_guests.organization_guest_id')
    .select((eb) => [
      'task_guests.organization_guest_id as record_id',
      eb.fn.countAll().as('assigned'),
      eb.fn
        .sum(
          eb
            .case()
            .when(eb.or([eb('tasks.completed_at', 'is not', null), eb('task_guests.completed_at', 'is not', null)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('completed'),
      eb.fn.max(eb.fn.coalesce('task_guests.completed_at', 'tasks.completed_at')).as('last_completed_at'),
    ])
    .execute();
  for (const row of rows) {
    // PostgreSQL answers count and sum as text (bigint); SQLite as numbers.
    const completed = Number(row.completed ?? 0);
    const last = row.last_completed_at ?? null;
    stats.set(row.record_id, {
      assigned_tasks: Number(row.assigned),
      tasks_completed: completed,
      last_task_completed_at: last,
      one_off_tasks_completed: completed,
      last_one_off_task_completed_at: last,
    });
  }
  return stats;
}
