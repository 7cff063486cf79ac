/**
 * What the guest services share about an organization's record of a guest: finding the active
 * one, and removing it. Plain functions taking the database or the caller's transaction first.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { assertThat, notFound, type AppError } from '../core/errors.js';
import { normalizeEmail } from '../email/parse.js';
import * as repo from './guest.repository.js';
import { detachFromTasks, lockRecord } from './guest-tasks.js';

/** The organization's active (not removed) record of the guest with this email; not found otherwise. */
export async function activeRecord(
  q: Kysely<Database>,
  organizationId: string,
  email: string,
): Promise<repo.GuestRecord> {
  const record = await repo.findRecordByEmail(q, organizationId, normalizeEmail(email));
  assertThat(record && record.deleted_at === null, () => notFound('guest'));
  return record;
}

/**
 * The active record as activeRecord finds it, read again after locking it (PostgreSQL; SQLite
 * runs one write transaction at a time) for the rest of the caller's transaction: what an
 * If-Match is checked against (docs/guests.md, ETags and preconditions), so that no other write
 * lands between the check and the write. The global guest row is locked first, the order joins
 * and removals take (see lockGlobalGuest), so this never deadlocks with them.
 */
export async function lockedActiveRecord(
  trx: Kysely<Database>,
  organizationId: string,
  email: string,
  missing: () => AppError = () => notFound('guest'),
): Promise<repo.GuestRecord> {
  const find = () => repo.findRecordByEmail(trx, organizationId, normalizeEmail(email));
  const seen = await find();
  assertThat(seen && seen.deleted_at === null, missing);
  await repo.lockGlobalGuest(trx, seen.guest_id);
  await lockRecord(trx, seen.id);
  const record = await find();
  assertThat(record && record.deleted_at === null && record.id === seen.id, missing);
  return record;
}

/**
 * Removes the organization's record of the guest (E, and a guest turned member): link dead,
 * `deleted_at` set, off the organization's tasks (docs/guests.md, Remove guest); the global identity is soft-deleted once no organization has the guest
 * actively. Runs in the caller's transaction; undefined when the record was not active any more.
 */
export async function removeRecord(
  trx: Kysely<Database>,
  record: repo.GuestRecord,
  at: string,
): Promise<repo.GuestRecord | undefined> {
  // The global row first, then the record: the order joins take too (see lockGlobalGuest).
  await repo.lockGlobalGuest(trx, record.guest_id);
  const removed = await repo.updateRecordIn(trx, 'active', record.id, {
    deleted_at: at,
    updated_at: at,
    guest_code: null,
    guest_code_hash: null,
    guest_code_encrypted: null,
    guest_code_key_id: null,
  });
  if (!removed) return undefined;
  // A guest joined again later starts outside every group and every task, as a fresh record would.
  await repo.leaveGroups(trx, record.id);
  await detachFromTasks(trx, record.organization_id, record.id);
  if ((await repo.countActiveRecordsOfGuest(trx, record.guest_id)) === 0) {
    await repo.softDeleteGlobalGuest(trx, record.guest_id, at);
  }
  return { ...removed, email: record.email };
}
