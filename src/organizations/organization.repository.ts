import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';

export async function insertOrganization(
  db: Kysely<Database>,
  org: { id: string; name: string; createdAt: string },
): Promise<void> {
  await db.insertInto('organizations').values({ id: org.id, name: org.name, created_at: org.createdAt }).execute();
}

export async function findOrganization(db: Kysely<Database>, id: string) {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Sets the organization's time zone; false when there is no such organization. */
export async function setOrganizationTimezone(db: Kysely<Database>, id: string, zone: string | null): Promise<boolean> {
  const result = await db.updateTable('organizations').set({ timezone: zone }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countOrganizations(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('organizations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Inserts a marker; true only for the one caller that inserted it. */
export async function claimMarker(db: Kysely<Database>, name: string, at: string): Promise<boolean> {
  const row = await db
    .insertInto('service_markers')
    .values({ name, created_at: at })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('name')
    .executeTakeFirst();
  return row !== undefined;
}
