/**
 * The queries of deadline reminders (docs/notifications.md, Reminders): which open guest owners
 * are due one, and the claim that records a reminder as sent. Column names stay here.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { SealedCodeColumns } from '../guests/guest-code.js';

type Q = Kysely<Database>;

/** One guest owner due a reminder of one task, with what the email says. */
export interface DueReminder extends SealedCodeColumns {
  task_id: string;
  title: string;
  deadline: string;
  organization_guest_id: number;
  email: string;
  organization_name: string;
}

export interface DueWindow {
  /** Tasks due at or before this (the lead time ahead of the run). */
  dueBy: string;
  /** Tasks due before this are past the overdue limit: no more reminders. */
  notBefore: string;
  /** A guest reminded of the task after this is not reminded again yet. */
  lastSentBy: string;
}

/**
 * Up to `limit` guest owners due a reminder, after `after` in (task id, record id) order: open
 * tasks with reminders on and a deadline in the window; guests whose own part is open, whose
 * record is active (not removed or disabled, the guest not deleted), who have not turned
 * reminders off and were not reminded of the task within the last day. One statement a page.
 */
export async function dueReminders(
  db: Q,
  window: DueWindow,
  after: { taskId: string; organizationGuestId: number } | undefined,
  limit: number,
): Promise<DueReminder[]> {
  let query = db
    .selectFrom('tasks')
    .innerJoin('task_guests', 'task_guests.task_id', 'tasks.id')
    .innerJoin('organization_guests', 'organization_guests.id', 'task_guests.organization_guest_id')
    .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
    .innerJoin('organizations', 'organizations.id', 'tasks.organization_id')
    .leftJoin('guest_preferences', (join) =>
      join
        .onRef('guest_preferences.organization_guest_id', '=', 'organization_guests.id')
        .on('guest_preferences.slug', '=', 'task_reminders'),
    )
    .leftJoin('task_reminders', (join) =>
      join
        .onRef('task_reminders.task_id', '=', 'tasks.id')
        .onRef('task_reminders.organization_guest_id', '=', 'organization_guests.id'),
    )
    .select([
      'tasks.id as task_id',
      'tasks.title',
      'tasks.deadline',
      'organization_guests.id as organization_guest_id',
      'organization_guests.guest_code_hash',
      'organization_guests.guest_code_encrypted',
      'organization_guests.guest_code_key_id',
      'guests.email',
      'organizations.name as organization_name',
    ])
    .where('tasks.completed_at', 'is', null)
    .where('tasks.reminders_enabled', '=', 1)
    .where('tasks.deadline', '<=', window.dueBy)
    .where('tasks.deadline', '>=', window.notBefore)
    .where('task_guests.completed_at', 'is', null)
    .where('organization_guests.deleted_at', 'is', null)
    .where('organization_guests.disabled_at', 'is', null)
    .where('guests.deleted_at', 'is', null)
    // Stored as JSON text: only an explicit false turns reminders off.
    .where((eb) => eb.or([eb('guest_preferences.value', 'is', null), eb('guest_preferences.value', '!=', 'false')]))
    .where((eb) =>
      eb.or([
        eb('task_reminders.last_sent_at', 'is', null),
        eb('task_reminders.last_sent_at', '<=', window.lastSentBy),
      ]),
    );
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb('tasks.id', '>', after.taskId),
        eb.and([eb('tasks.id', '=', after.taskId), eb('organization_guests.id', '>', after.organizationGuestId)]),
      ]),
    );
  return query.orderBy('tasks.id').orderBy('organization_guests.id').limit(limit).execute();
}

/**
 * Claims reminders at `sentAt`: a state row is inserted, or updated when its last reminder was at
 * or before `lastSentBy`; the pairs answered are the ones claimed. One statement: of runs on
 * several instances at once, each pair is claimed by one of them only.
 */
export async function claimReminders(
  db: Q,
  pairs: ReadonlyArray<{ task_id: string; organization_guest_id: number }>,
  sentAt: string,
  lastSentBy: string,
): Promise<Array<{ task_id: string; organization_guest_id: number }>> {
  if (pairs.length === 0) return [];
  return db
    .insertInto('task_reminders')
    .values(
      pairs.map((p) => ({
        task_id: p.task_id,
        organization_guest_id: p.organization_guest_id,
        last_sent_at: sentAt,
        count: 1,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['task_id', 'organization_guest_id'])
        .doUpdateSet({ last_sent_at: sentAt, count: sql<number>`task_reminders.count + 1` })
        .where('task_reminders.last_sent_at', '<=', lastSentBy),
    )
    .returning(['task_id', 'organization_guest_id'])
    .execute();
}

/**
 * Of these guest records, the ones that have turned reminders off: read again in the claiming
 * transaction, so an unsubscribe that lands while a run is under way is honoured by that run.
 */
export async function remindersOff(db: Q, organizationGuestIds: readonly number[]): Promise<Set<number>> {
  if (organizationGuestIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('guest_preferences')
    .select('organization_guest_id')
    .where('slug', '=', 'task_reminders')
    .where('value', '=', 'false')
    .where('organization_guest_id', 'in', [...new Set(organizationGuestIds)])
    .execute();
  return new Set(rows.map((r) => r.organization_guest_id));
}
