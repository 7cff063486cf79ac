/**
 * Queries of the guest's side. A guest record is found only by the hash of its code, and only
 * while it is active and enabled: a removed, disabled or re-coded record is simply not found.
 */
import type { Kysely } from 'kysely';
import { kindOf } from '../db/database.js';
import type { Database } from '../db/types.js';

type Q = Kysely<Database>;

/** What the guest side reads of an organization's record of a guest. */
export interface PortalRecord {
  id: number;
  guest_id: number;
  email: string;
  first_name: string | null;
  last_name: string | null;
  company_name: string | null;
  phone_1: string | null;
  phone_2: string | null;
  timezone: string | null;
  cadence_days: string | null;
  created_at: string;
  organization_id: string;
  organization_name: string;
}

/**
 * The active, enabled record whose code hashes to `codeHash`, with its organization's name.
 * `lock` holds the row until the transaction ends (PostgreSQL; SQLite transactions already hold
 * the write lock from their start), so a disable or reset cannot slip in between check and write.
 */
export async function findActiveByCodeHash(db: Q, codeHash: string, lock = false): Promise<PortalRecord | undefined> {
  let query = db
    .selectFrom('organization_guests')
    .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
    .innerJoin('organizations', 'organizations.id', 'organization_guests.organization_id')
    .select([
      'organization_guests.id',
      'organization_guests.guest_id',
      'guests.email',
      'organization_guests.first_name',
      'organization_guests.last_name',
      'organization_guests.company_name',
      'organization_guests.phone_1',
      'organization_guests.phone_2',
      'organization_guests.timezone',
      'organization_guests.cadence_days',
      'organization_guests.created_at',
      'organization_guests.organization_id',
      'organizations.name as organization_name',
    ])
    .where('organization_guests.guest_code_hash', '=', codeHash)
    .where('organization_guests.deleted_at', 'is', null)
    .where('organization_guests.disabled_at', 'is', null);
  if (lock && kindOf(db) === 'postgres') query = query.forUpdate('organization_guests');
  return query.executeTakeFirst();
}

export interface AccessRecord {
  at: string;
  ip: string;
  country: string | null;
  city: string | null;
}

/** Records an opened link; false when the record stopped being active and enabled meanwhile. */
export async function recordAccess(db: Q, id: number, access: AccessRecord): Promise<boolean> {
  const result = await db
    .updateTable('organization_guests')
    .set({
      last_accessed_at: access.at,
      last_known_ip: access.ip,
      last_known_country: access.country,
      last_city: access.city,
    })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Sets the digest days (JSON text, or null for none); false when the record is no longer active. */
export async function setCadenceDays(db: Q, id: number, cadenceDays: string | null, at: string): Promise<boolean> {
  const result = await db
    .updateTable('organization_guests')
    .set({ cadence_days: cadenceDays, updated_at: at })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** One stored preference: its slug, its value as JSON text, when it was set. */
export interface PreferenceRow {
  slug: string;
  value: string;
  updated_at: string;
}

/** The preferences the guest has set in this organization (unset ones have no row). */
export async function listPreferences(db: Q, organizationGuestId: number): Promise<PreferenceRow[]> {
  return db
    .selectFrom('guest_preferences')
    .select(['slug', 'value', 'updated_at'])
    .where('organization_guest_id', '=', organizationGuestId)
    .execute();
}

/** Inserts or replaces one preference; one statement, so concurrent saves cannot collide. */
export async function upsertPreference(
  db: Q,
  organizationGuestId: number,
  slug: string,
  valueJson: string,
  at: string,
): Promise<void> {
  await db
    .insertInto('guest_preferences')
    .values({ organization_guest_id: organizationGuestId, slug, value: valueJson, updated_at: at })
    .onConflict((oc) => oc.columns(['organization_guest_id', 'slug']).doUpdateSet({ value: valueJson, updated_at: at }))
    .execute();
}
