/**
 * What the guest's email settings need (docs/notifications.md): extra headers on a queued message
 * (`List-Unsubscribe`), the organization's own time zone (the digest hour of a guest who set none),
 * and a per-task switch for deadline reminders.
 */
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  /** JSON object of extra header name -> value, or null. */
  await db.schema.alterTable('outbox').addColumn('headers', 'text').execute();
  /** An IANA zone name, or null for UTC. */
  await db.schema.alterTable('organizations').addColumn('timezone', 'text').execute();
  /** 0 or 1: whether the task's guest owners get deadline reminders. */
  await db.schema
    .alterTable('tasks')
    .addColumn('reminders_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('tasks').dropColumn('reminders_enabled').execute();
  await db.schema.alterTable('organizations').dropColumn('timezone').execute();
  await db.schema.alterTable('outbox').dropColumn('headers').execute();
}
