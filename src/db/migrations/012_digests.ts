/**
 * Digest emails (docs/notifications.md, Digest emails): the scheduler's leases on its jobs, and one
 * row per digest sent, which is what makes a digest go out once per guest record and local day
 * whatever the instances and restarts.
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('job_runs')
    /** The job's name, e.g. `digests`. */
    .addColumn('name', 'text', (c) => c.primaryKey())
    /** The instance running it, while `locked_until` is in the future. */
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    /** How far the run in progress got (job-specific); null between runs. */
    .addColumn('cursor', 'text')
    .addColumn('last_finished_at', 'text')
    .execute();

  await db.schema
    .createTable('digest_sends')
    .addColumn('organization_guest_id', 'integer', (c) =>
      c.notNull().references('organization_guests.id').onDelete('cascade'),
    )
    /** The guest's local date the digest was for, `YYYY-MM-DD`. */
    .addColumn('local_date', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('digest_sends__organization_guest_id__local_date', ['organization_guest_id', 'local_date'])
    .execute();
  // Old rows are deleted by date (they only ever need to answer for the last days).
  await db.schema.createIndex('digest_sends__local_date').on('digest_sends').column('local_date').execute();
  // The job reads the active records that have digest days, by id, every minute: only those are in
  // this index, so a run costs what they number, not what the organizations' guests number.
  await db.schema
    .createIndex('organization_guests__digest_candidates')
    .on('organization_guests')
    .column('id')
    .where(sql.ref('cadence_days'), 'is not', null)
    .where(sql.ref('deleted_at'), 'is', null)
    .where(sql.ref('disabled_at'), 'is', null)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('organization_guests__digest_candidates').execute();
  await db.schema.dropTable('digest_sends').execute();
  await db.schema.dropTable('job_runs').execute();
}
