/**
 * Fixed-window counters in the database (`throttle_windows`), so that every instance counts
 * against the same numbers: e.g. access emails per client IP and per address per hour.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';

type Q = Kysely<Database>;

/**
 * Counts one use of `scope`/`subject` in the window starting at `windowStart`, unless `cap` uses
 * are counted already; false then. The conditional UPDATE lets through at most `cap` increments
 * per window whatever runs concurrently, on either database. Inside the caller's transaction, a
 * request that fails later gives its use back.
 */
export async function consumeWindow(
  db: Q,
  scope: string,
  subject: string,
  windowStart: string,
  cap: number,
): Promise<boolean> {
  await db
    .insertInto('throttle_windows')
    .values({ scope, subject, window_start: windowStart, count: 0 })
    .onConflict((oc) => oc.columns(['scope', 'subject', 'window_start']).doNothing())
    .execute();
  const result = await db
    .updateTable('throttle_windows')
    .set((eb) => ({ count: eb('count', '+', 1) }))
    .where('scope', '=', scope)
    .where('subject', '=', subject)
    .where('window_start', '=', windowStart)
    .where('count', '<', cap)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes the counters of windows that started before `before`: they no longer limit anything. */
export async function pruneWindows(db: Q, before: string): Promise<number> {
  const result = await db.deleteFrom('throttle_windows').where('window_start', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
