/** The look-up behind `POST /public/guests/access`: where an email is an active guest, with its links. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { SealedCodeColumns } from '../guests/guest-code.js';

export interface ActiveGuestRecord {
  organizationName: string;
  /** The stored (encrypted) guest code there. */
  code: SealedCodeColumns;
}

/**
 * Every organization where `email` (normalized, `normalizeEmail`) is a guest that is neither removed nor disabled,
 * with the stored guest code there, ordered by organization name. Empty for an unknown address.
 */
export async function findActiveRecordsByEmail(db: Kysely<Database>, email: string): Promise<ActiveGuestRecord[]> {
  const rows = await db
    .selectFrom('guests')
    .innerJoin('organization_guests', 'organization_guests.guest_id', 'guests.id')
    .innerJoin('organizations', 'organizations.id', 'organization_guests.organization_id')
    .select([
      'organizations.name as organizationName',
      'organization_guests.guest_code_hash',
      'organization_guests.guest_code_encrypted',
      'organization_guests.guest_code_key_id',
    ])
    .where('guests.email', '=', email)
    .where('guests.deleted_at', 'is', null)
    .where('organization_guests.deleted_at', 'is', null)
    .where('organization_guests.disabled_at', 'is', null)
    .where('organization_guests.guest_code_encrypted', 'is not', null)
    .orderBy('organizations.name')
    .orderBy('organization_guests.id')
    .execute();
  return rows.map(({ organizationName, ...code }) => ({ organizationName, code }));
}
