/**
 * Tasks for the benchmark's tasks organization, inserted directly in the shape the task API leaves
 * them (the columns of support/tasks.ts): each guest owns 1 to 5 tasks (3 on average) with one
 * member beside them, and about a third of the tasks are completed. List with stats then reads
 * real numbers for every guest of a page.
 */
import { randomBytes } from 'node:crypto';
import type { Insertable, Transaction } from 'kysely';
import type { Database } from '../../src/db/types.js';
import { formatTimestamp } from '../../src/core/time.js';

/** Rows per insert: tasks have 15 columns, and SQLite takes at most 32,766 parameters a statement. */
const CHUNK = 1000;

/** Tasks per guest, 1 to 5, by the guest's index. */
export const tasksOfGuest = (index: number): number => 1 + (index % 5);

export async function insertTasks(
  trx: Transaction<Database>,
  organizationId: string,
  recordIds: number[],
  memberIds: number[],
): Promise<number> {
  const start = Date.now() - 30 * 86_400_000;
  const tasks: Insertable<Database['tasks']>[] = [];
  const guests: Database['task_guests'][] = [];
  const users: Database['task_users'][] = [];
  recordIds.forEach((recordId, i) => {
    for (let k = 0; k < tasksOfGuest(i); k++) {
      const id = randomBytes(16).toString('hex');
      const created = formatTimestamp(new Date(start + (i * 5 + k) * 1000));
      const completedAt = (i + k) % 3 === 0 ? formatTimestamp(new Date(start + (i * 5 + k) * 1000 + 86_400_000)) : null;
      const member = memberIds[(i + k) % memberIds.length] as number;
      tasks.push({
        id,
        organization_id: organizationId,
        title: `Task ${k + 1} of guest ${i}`,
        summary: null,
        deadline: formatTimestamp(new Date(start + 40 * 86_400_000)),
        task_type: 'task',
        everyone_must_complete: 0,
        created_by: member,
        created_at: created,
        updated_at: completedAt ?? created,
        completed_at: completedAt,
        completed_by_user_id: null,
        completed_by_guest_id: completedAt ? recordId : null,
        is_approved: null,
        reminders_enabled: 1,
      });
      guests.push({ task_id: id, organization_guest_id: recordId, completed_at: completedAt });
      users.push({ task_id: id, user_id: member, completed_at: completedAt });
    }
  });
  for (let first = 0; first < tasks.length; first += CHUNK) {
    await trx
      .insertInto('tasks')
      .values(tasks.slice(first, first + CHUNK))
      .execute();
    await trx
      .insertInto('task_guests')
      .values(guests.slice(first, first + CHUNK))
      .execute();
    await trx
      .insertInto('task_users')
      .values(users.slice(first, first + CHUNK))
      .execute();
  }
  return tasks.length;
}
