/**
 * What the guest rules need to know about tasks. The service has no tasks yet (docs/guests.md,
 * Disable guest), so these answers are true facts today, not placeholders: a guest has no tasks.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';

/**
 * How many incomplete tasks of its organization the guest record `organizationGuestId` is
 * assigned to: disabling (docs/guests.md, Disable guest) is refused while there are any. Once the
 * tasks table exists this reads it (a count of the record's open assignments, in the caller's
 * transaction); until then no guest can have a task, so it returns 0.
 */
export async function countOpenTasks(_db: Kysely<Database>, _organizationGuestId: number): Promise<number> {
  return 0;
}
