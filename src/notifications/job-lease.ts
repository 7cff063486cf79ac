/**
 * Leases on scheduled jobs (docs/notifications.md, Scheduled jobs): one row per job in
 * `job_runs`. A run claims the job with a conditional UPDATE that only succeeds when no lease runs
 * (the same on SQLite and PostgreSQL: the row lock makes concurrent claimers wait, and the loser
 * then finds the lease taken), stores its progress in `cursor` as it goes, renewing the lease, and
 * clears both when done. A run that dies leaves its lease to expire; the next claimer resumes from
 * the cursor.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { formatTimestamp } from '../core/time.js';

type Q = Kysely<Database>;

export interface LeaseOptions {
  /** The job's name (`job_runs.name`). */
  name: string;
  /** This instance. */
  owner: string;
  leaseMs: number;
}

/** What a leased run is given: where the last run left off, and how to save progress. */
export interface LeasedRun {
  /** The cursor of a run that did not finish, or null for a fresh run. */
  cursor: string | null;
  /** Stores the cursor and extends the lease; false when the lease was lost (another instance took it). */
  progress(cursor: string): Promise<boolean>;
}

function until(at: Date, leaseMs: number): string {
  return formatTimestamp(new Date(at.getTime() + leaseMs));
}

/** Claims the job until `leaseMs` after `at`; the stored cursor, or undefined when another instance holds it. */
async function claim(db: Q, options: LeaseOptions, at: Date): Promise<{ cursor: string | null } | undefined> {
  await db
    .insertInto('job_runs')
    .values({ name: options.name, locked_by: null, locked_until: null, cursor: null, last_finished_at: null })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const current = formatTimestamp(at);
  return db
    .updateTable('job_runs')
    .set({ locked_by: options.owner, locked_until: until(at, options.leaseMs) })
    .where('name', '=', options.name)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', current)]))
    .returning('cursor')
    .executeTakeFirst();
}

/**
 * Runs `work` under the job's lease, or returns 0 at once when another instance holds it. `clock`
 * tells the time for the lease (the run's own instant advanced by the time spent, so a driven clock
 * drives leases too). A run that returns finishes the job (cursor cleared); one that throws, or is
 * stopped (`finished` false), gives the lease back with its cursor so the next claimer resumes.
 */
export async function runLeased(
  db: Q,
  options: LeaseOptions,
  clock: () => Date,
  work: (run: LeasedRun) => Promise<{ queued: number; finished: boolean }>,
): Promise<number> {
  const claimed = await claim(db, options, clock());
  if (!claimed) return 0;
  const mine = () => db.updateTable('job_runs').where('name', '=', options.name).where('locked_by', '=', options.owner);
  let outcome: { queued: number; finished: boolean };
  try {
    outcome = await work({
      cursor: claimed.cursor,
      async progress(cursor) {
        const result = await mine()
          .set({ cursor, locked_until: until(clock(), options.leaseMs) })
          .executeTakeFirst();
        return Number(result.numUpdatedRows) > 0;
      },
    });
  } catch (error) {
    await mine()
      .set({ locked_by: null, locked_until: null })
      .execute()
      .catch(() => undefined);
    throw error;
  }
  await mine()
    .set({
      locked_by: null,
      locked_until: null,
      ...(outcome.finished && { cursor: null, last_finished_at: formatTimestamp(clock()) }),
    })
    .execute();
  return outcome.queued;
}
