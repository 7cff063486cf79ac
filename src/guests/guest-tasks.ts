/**
 * What the guest rules do with tasks (docs/guests.md, Disable guest, Remove guest, Permanently
 * delete guest). A guest owns a task through the organization's record of them
 * (task_guests.organization_guest_id); every statement here also names the organization, so a
 * record can never reach another organization's tasks. Plain functions run in the caller's
 * transaction.
 */
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { kindOf } from '../db/database.js';

type Q = Kysely<Database>;

/**
 * The row's task (its `task_id`) belongs to the organization: a look-up of that one task by its
 * key, so the statement reads the guest's rows first, never every task of a large organization.
 */
function taskOfOrganization(table: 'task_guests' | 'task_comments', organizationId: string) {
  return (eb: ExpressionBuilder<Database, typeof table>) =>
    eb.exists(
      eb
        .selectFrom('tasks')
        .select('tasks.id')
        .where('tasks.id', '=', sql.ref<string>(`${table}.task_id`))
        .where('tasks.organization_id', '=', organizationId),
    );
}

/**
 * Locks the record until the transaction ends, on PostgreSQL: assigning a task to the guest checks
 * the record as a foreign key (a key-share lock), which waits for this lock, and this waits for an
 * assignment in flight. So the open-task count that follows sees every assignment committed before
 * it, and none can slip in between the count and the disable. SQLite runs one write transaction at
 * a time, so there is nothing to lock.
 */
export async function lockRecord(db: Q, organizationGuestId: number): Promise<void> {
  if (kindOf(db) !== 'postgres') return;
  await db.selectFrom('organization_guests').select('id').where('id', '=', organizationGuestId).forUpdate().execute();
}

/**
 * How many tasks of the organization are open for the guest record: the task is not completed and
 * the guest has not completed their part. Disabling (docs/guests.md, Disable guest) is refused
 * while there are any.
 */
export async function countOpenTasks(db: Q, organizationId: string, organizationGuestId: number): Promise<number> {
  const row = await db
    .selectFrom('task_guests')
    // Cross join, condition in WHERE: SQLite reads the record's rows first (see guest-stats.ts).
    .crossJoin('tasks')
    .whereRef('tasks.id', '=', 'task_guests.task_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('task_guests.organization_guest_id', '=', organizationGuestId)
    .where('tasks.organization_id', '=', organizationId)
    .where('tasks.completed_at', 'is', null)
    .where('task_guests.completed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Takes the guest record off every task of the organization it owns (Remove guest, Permanently
 * delete guest). Member owners stay, so a task left without a guest keeps its members; the comments
 * the guest wrote stay.
 */
export async function detachFromTasks(db: Q, organizationId: string, organizationGuestId: number): Promise<void> {
  await deleteGuestFiles(db, organizationId, organizationGuestId);
  await db
    .deleteFrom('task_guests')
    .where('organization_guest_id', '=', organizationGuestId)
    .where(taskOfOrganization('task_guests', organizationId))
    .execute();
}

/**
 * The files the guest uploaded to tasks of the organization go with them (docs/files.md, Delete
 * file); files members uploaded stay.
 */
async function deleteGuestFiles(db: Q, organizationId: string, organizationGuestId: number): Promise<void> {
  const theirs = (eb: ExpressionBuilder<Database, 'file_chunks'>) =>
    eb
      .selectFrom('task_files')
      .select('task_files.id')
      .where('task_files.organization_id', '=', organizationId)
      .where('task_files.uploaded_by_guest_id', '=', organizationGuestId);
  await db.deleteFrom('file_chunks').where('file_id', 'in', theirs).execute();
  await db
    .deleteFrom('task_files')
    .where('organization_id', '=', organizationId)
    .where('uploaded_by_guest_id', '=', organizationGuestId)
    .execute();
}

/**
 * Before the record itself is erased (Permanently delete guest): the comments the guest wrote stay
 * on the tasks with no author, and the tasks they completed last no longer name them. Without this,
 * erasing the record would take their comments with it (the author's foreign key cascades), and a
 * later record could inherit its id.
 */
export async function forgetTaskAuthorship(db: Q, organizationId: string, organizationGuestId: number): Promise<void> {
  await db
    .updateTable('task_comments')
    .set({ author_guest_id: null })
    .where('author_guest_id', '=', organizationGuestId)
    .where(taskOfOrganization('task_comments', organizationId))
    .execute();
  await db
    .updateTable('tasks')
    .set({ completed_by_guest_id: null })
    .where('organization_id', '=', organizationId)
    .where('completed_by_guest_id', '=', organizationGuestId)
    .execute();
}
