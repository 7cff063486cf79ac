/**
 * Lists read an organization's active guests in created order. A partial index holding only
 * active records, in that order and with the id, answers the page and the count from the index
 * alone: no sort of the whole organization per request, and a late page costs about what the
 * first does. It replaces the full index of 001, which also held removed records.
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('organization_guests__active__organization_id__created_at')
    .on('organization_guests')
    // deleted_at (always null here) is listed so that SQLite sees the index as covering the query.
    .columns(['organization_id', 'created_at', 'id', 'deleted_at'])
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();
  await db.schema.dropIndex('organization_guests__organization_id__created_at').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('organization_guests__organization_id__created_at')
    .on('organization_guests')
    .columns(['organization_id', 'created_at', 'id'])
    .execute();
  await db.schema.dropIndex('organization_guests__active__organization_id__created_at').execute();
}
