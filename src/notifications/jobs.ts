/**
 * What a scheduled job is (docs/notifications.md, Scheduled jobs): what the scheduler runs at every
 * tick, on every instance that runs it. Each job keeps its own lease and progress in the database
 * (job-lease.ts), so the instances never run one job at the same time and a run cut short resumes
 * where it stopped. The list of jobs is in job-list.ts.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { GuestLinks } from '../guests/guest-code.js';

export interface Job {
  name: string;
  /**
   * One run at instant `at`: the messages it queued. `signal` asks a long run to stop early; it
   * then leaves its progress for the next run.
   */
  run(at: Date, signal?: AbortSignal): Promise<number>;
}

export interface JobDeps {
  db: Kysely<Database>;
  links: GuestLinks;
  /** The local hour digests go out from (DIGEST_HOUR). */
  digestHour: number;
  /** REMINDER_LEAD_HOURS and REMINDER_MAX_OVERDUE_DAYS. */
  reminders: { leadHours: number; maxOverdueDays: number };
  /** How long a run's claim lasts without progress before another instance may take over. */
  leaseMs: number;
  /** This instance, in the leases it holds. */
  owner: string;
}
