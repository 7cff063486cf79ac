/**
 * Deadline reminders (docs/notifications.md, Reminders): when each open guest owner of a task was
 * last reminded of it, and how many times. One row per task and guest record, so a run that finds
 * a reminder due claims it with one upsert, and of several instances running at once only one
 * wins the claim and queues the email.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('task_reminders')
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('organization_guest_id', 'integer', (c) =>
      c.notNull().references('organization_guests.id').onDelete('cascade'),
    )
    /** `YYYY-MM-DD HH:MM:SS`, UTC: the run that last queued a reminder. */
    .addColumn('last_sent_at', 'text', (c) => c.notNull())
    /** Reminders queued so far for this task and guest. */
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('task_reminders__task_id__organization_guest_id', ['task_id', 'organization_guest_id'])
    .execute();
  // Removing a guest record deletes its rows (cascade): looked up by the record, not only by task.
  await db.schema
    .createIndex('task_reminders__organization_guest_id')
    .on('task_reminders')
    .column('organization_guest_id')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('task_reminders').execute();
}
