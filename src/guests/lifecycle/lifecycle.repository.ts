/**
 * Queries behind disable, enable, reset-link and permanent delete (docs/guests.md). Every state
 * change is one conditional statement: the condition and the write cannot be split by a concurrent
 * request.
 */
import type { Kysely } from 'kysely';
import type { Database, OrganizationGuestRow } from '../../db/types.js';
import type { GuestRecord } from '../guest.repository.js';
import type { StoredCode } from '../guest-code.js';

type Q = Kysely<Database>;

/** The organization's record of the guest with this global id, removed ones included. */
export async function findRecordByGuestId(
  db: Q,
  organizationId: string,
  guestId: number,
): Promise<GuestRecord | undefined> {
  return db
    .selectFrom('organization_guests')
    .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
    .selectAll('organization_guests')
    .select('guests.email')
    .where('organization_guests.organization_id', '=', organizationId)
    .where('organization_guests.guest_id', '=', guestId)
    .executeTakeFirst();
}

/** Disables an active, enabled record; undefined when it is removed or disabled already. */
export async function disableRecord(
  db: Q,
  id: number,
  memberId: number,
  at: string,
): Promise<OrganizationGuestRow | undefined> {
  return db
    .updateTable('organization_guests')
    .set({ disabled_at: at, disabled_by: memberId, updated_at: at })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where('disabled_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Enables an active, disabled record with a new code (the old one is dead with this statement);
 * undefined when it is removed or enabled already.
 */
export async function enableRecord(
  db: Q,
  id: number,
  change: { memberId: number; at: string } & StoredCode,
): Promise<OrganizationGuestRow | undefined> {
  return db
    .updateTable('organization_guests')
    .set({
      disabled_at: null,
      disabled_by: null,
      reactivated_at: change.at,
      reactivated_by: change.memberId,
      guest_code: change.guest_code,
      guest_code_hash: change.guest_code_hash,
      guest_code_encrypted: change.guest_code_encrypted,
      guest_code_key_id: change.guest_code_key_id,
      updated_at: change.at,
    })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where('disabled_at', 'is not', null)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Erases the record when it is disabled or removed (its preferences go with it, by the foreign
 * key's cascade). False when it is not (any more): enabled meanwhile, or erased already.
 */
export async function eraseDisabledRecord(db: Q, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('organization_guests')
    .where('id', '=', id)
    .where((eb) => eb.or([eb('disabled_at', 'is not', null), eb('deleted_at', 'is not', null)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Erases the global guest unless an organization still has a record of it, active or removed. */
export async function eraseGlobalGuestIfUnused(db: Q, guestId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('guests')
    .where('id', '=', guestId)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('organization_guests').select('id').where('guest_id', '=', guestId))))
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
