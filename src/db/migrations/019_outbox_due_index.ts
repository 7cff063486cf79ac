/**
 * The outbox worker's claim (outbox.repository.ts, claimBatch) takes the oldest due messages:
 * not sent, not given up, `available_at` passed, in `(available_at, id)` order, a few at a time.
 *
 * On PostgreSQL the index of 003_guest_side (`sent_at`, `failed_at`, `available_at`) cannot give
 * that order (its entries do not end with the id), so each claim read every pending message and
 * sorted them to take the first few: with 10,000 waiting, about 10 ms of the database's time per
 * claim (measured), for every pass of every worker, growing with the backlog just when the backlog
 * needs the worker most. This index holds only the pending messages, in the claim's order: a
 * claim reads its few rows and the claims in flight it passes over (0.3 ms at the same backlog).
 * Sent and given-up messages leave it, so it stays as small as the backlog.
 *
 * SQLite needs none: an index entry there ends with the rowid, which is the id, so the index of
 * 003 gives the claim's order already.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseKind } from '../database.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, kind: DatabaseKind): Promise<void> {
  if (kind !== 'postgres') return;
  await db.schema
    .createIndex('outbox__due')
    .on('outbox')
    .columns(['available_at', 'id'])
    .where(sql.ref('sent_at'), 'is', null)
    .where(sql.ref('failed_at'), 'is', null)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('outbox__due').ifExists().execute();
}
