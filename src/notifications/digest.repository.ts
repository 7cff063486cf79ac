/**
 * The reads and writes of digest emails (docs/notifications.md, Digest emails). Plain functions
 * running in the caller's transaction.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';

type Q = Kysely<Database>;

/** A guest record that may be due a digest, with what the email needs. */
export interface DigestCandidate {
  id: number;
  organization_id: string;
  organization_name: string;
  organization_timezone: string | null;
  timezone: string | null;
  cadence_days: string | null;
  email: string;
  guest_code_hash: string | null;
  guest_code_encrypted: string | null;
  guest_code_key_id: string | null;
}

/**
 * Up to `limit` records after id `after`, in id order, that would get a digest on one of their
 * days: active (not removed, not disabled, the guest not deleted), with days set, `daily_digest`
 * not turned off (default on: docs/guest-side.md, Set guest preference), and at least one task of
 * the organization open for them (the task open and their own part not completed, as
 * docs/guests.md, Disable guest counts them). The day and hour are checked by the caller.
 */
export async function digestCandidates(db: Q, after: number, limit: number): Promise<DigestCandidate[]> {
  return db
    .selectFrom('organization_guests as og')
    .innerJoin('guests as g', 'g.id', 'og.guest_id')
    .innerJoin('organizations as o', 'o.id', 'og.organization_id')
    .select([
      'og.id',
      'og.organization_id',
      'o.name as organization_name',
      'o.timezone as organization_timezone',
      'og.timezone',
      'og.cadence_days',
      'g.email',
      'og.guest_code_hash',
      'og.guest_code_encrypted',
      'og.guest_code_key_id',
    ])
    .where('og.id', '>', after)
    .where('og.deleted_at', 'is', null)
    .where('og.disabled_at', 'is', null)
    .where('g.deleted_at', 'is', null)
    .where('og.cadence_days', 'is not', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('guest_preferences as p')
            .select('p.slug')
            .whereRef('p.organization_guest_id', '=', 'og.id')
            .where('p.slug', '=', 'daily_digest')
            .where('p.value', '=', 'false'),
        ),
      ),
    )
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('task_guests as tg')
          .innerJoin('tasks as t', 't.id', 'tg.task_id')
          .select('t.id')
          .whereRef('tg.organization_guest_id', '=', 'og.id')
          .whereRef('t.organization_id', '=', 'og.organization_id')
          .where('t.completed_at', 'is', null)
          .where('tg.completed_at', 'is', null),
      ),
    )
    .orderBy('og.id')
    .limit(limit)
    .execute();
}

/** Which of `records` already had their digest for the given local date: `id:date` keys. */
export async function alreadySent(db: Q, records: Array<{ id: number; date: string }>): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const rows = await db
    .selectFrom('digest_sends')
    .select(['organization_guest_id', 'local_date'])
    .where(
      'organization_guest_id',
      'in',
      records.map((r) => r.id),
    )
    .where('local_date', 'in', [...new Set(records.map((r) => r.date))])
    .execute();
  return new Set(rows.map((r) => `${r.organization_guest_id}:${r.local_date}`));
}

/** Records the digest for the record and local date; false when it was already recorded (by any instance). */
export async function recordSend(db: Q, organizationGuestId: number, localDate: string, at: string): Promise<boolean> {
  const row = await db
    .insertInto('digest_sends')
    .values({ organization_guest_id: organizationGuestId, local_date: localDate, sent_at: at })
    .onConflict((oc) => oc.columns(['organization_guest_id', 'local_date']).doNothing())
    .returning('organization_guest_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes the records of digests for local dates before `before` (`YYYY-MM-DD`); how many. */
export async function pruneSends(db: Q, before: string): Promise<number> {
  const result = await db.deleteFrom('digest_sends').where('local_date', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface OpenTask {
  id: string;
  title: string;
  deadline: string;
}

/** The tasks open for the record in its organization, earliest deadline first, at most `limit`. */
export async function openTasks(db: Q, organizationId: string, organizationGuestId: number, limit: number) {
  return (
    db
      .selectFrom('task_guests')
      // Cross join, condition in WHERE: SQLite reads the record's rows first (see guests/guest-stats.ts).
      .crossJoin('tasks')
      .whereRef('tasks.id', '=', 'task_guests.task_id')
      .select(['tasks.id', 'tasks.title', 'tasks.deadline'])
      .where('task_guests.organization_guest_id', '=', organizationGuestId)
      .where('tasks.organization_id', '=', organizationId)
      .where('tasks.completed_at', 'is', null)
      .where('task_guests.completed_at', 'is', null)
      .orderBy('tasks.deadline')
      .orderBy('tasks.id')
      .limit(limit)
      .execute() as Promise<OpenTask[]>
  );
}
