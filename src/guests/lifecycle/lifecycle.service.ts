/**
 * The rules of docs/guests.md, Disable guest, Enable guest, Permanently delete guest and Reset
 * guest link: disable, enable, permanent delete and reset-link of a guest in one organization.
 * Nothing here touches another organization's record of the guest; the global identity goes only
 * with the last organization that knows the guest.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError, assertThat, notFound } from '../../core/errors.js';
import { MAX_ID } from '../../core/limits.js';
import { now } from '../../core/time.js';
import * as guestRepo from '../guest.repository.js';
import * as repo from './lifecycle.repository.js';
import { guestRowToGuest } from '../guest.mapper.js';
import { activeRecord, lockedActiveRecord } from '../guest.records.js';
import { checkIfMatch, type ConditionHeader } from '../guest-etag.js';
import type { GuestLinks } from '../guest-code.js';
import type { Guest } from '../guest.schemas.js';
import { normalizeEmail } from '../../email/parse.js';
import type { Actor } from '../../core/actor.js';
import { countOpenTasks, detachFromTasks, forgetTaskAuthorship, lockRecord } from '../guest-tasks.js';

export interface GuestLifecycleDeps {
  db: Kysely<Database>;
  /** The public base and the keys guest links are written with. */
  links: GuestLinks;
}

/** The body of Permanently delete guest: who was erased from the organization. */
export interface ErasedGuest {
  id: number;
  email: string;
  deleted: true;
}

/**
 * Permanently delete guest names a guest by global id or by email: all digits is an id (no address
 * is all digits, it would need an `@`). An id no guest can have is undefined, answered as not
 * found.
 */
export function parseGuestRef(value: string): { guestId: number } | { email: string } | undefined {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) return { email: normalizeEmail(trimmed) };
  const id = Number(trimmed);
  return id >= 1 && id <= MAX_ID ? { guestId: id } : undefined;
}

export function createGuestLifecycleService(deps: GuestLifecycleDeps) {
  const { db } = deps;
  const guestFor =
    (actor: Actor) =>
    (row: guestRepo.GuestRecord): Guest =>
      guestRowToGuest(row, { links: deps.links, role: actor.role });

  /** The record as it is now, after a conditional write found it changed by someone else. */
  async function current(q: Kysely<Database>, actor: Actor, email: string): Promise<Guest> {
    return guestFor(actor)(await activeRecord(q, actor.organizationId, email));
  }

  /**
   * The active record a write works on. With If-Match, read under the record's lock and checked
   * (docs/guests.md, ETags and preconditions): a stale tag is the 412 and nothing is written.
   */
  async function recordFor(trx: Kysely<Database>, actor: Actor, email: string, ifMatch: ConditionHeader) {
    if (ifMatch === undefined) return activeRecord(trx, actor.organizationId, email);
    const record = await lockedActiveRecord(trx, actor.organizationId, email);
    checkIfMatch(ifMatch, guestFor(actor)(record));
    return record;
  }

  return {
    /** Disable guest: the link stops working in this organization; already disabled is left as is. */
    async disable(actor: Actor, pathEmail: string, ifMatch?: ConditionHeader): Promise<Guest> {
      const toGuest = guestFor(actor);
      return db.transaction().execute(async (trx) => {
        const record = await recordFor(trx, actor, pathEmail, ifMatch);
        if (record.disabled_at !== null) return toGuest(record);
        await lockRecord(trx, record.id);
        const open = await countOpenTasks(trx, actor.organizationId, record.id);
        if (open > 0) {
          throw new AppError(
            'GUEST_HAS_OPEN_TASKS',
            `The guest has ${open} incomplete task${open === 1 ? '' : 's'} in this organization; complete or reassign them before disabling the guest.`,
          );
        }
        // The code stays stored: the guest side only accepts codes of enabled records, and
        // enabling replaces the code anyway.
        const disabled = await repo.disableRecord(trx, record.id, actor.userId, now());
        return disabled ? toGuest({ ...disabled, email: record.email }) : current(trx, actor, pathEmail);
      });
    },

    /**
     * Enable guest: access restored with a new code; the code the guest had before the disable
     * never works again. A guest who is not disabled is answered unchanged: no new code, no
     * reactivation.
     */
    async enable(actor: Actor, pathEmail: string, ifMatch?: ConditionHeader): Promise<Guest> {
      const toGuest = guestFor(actor);
      return db.transaction().execute(async (trx) => {
        const record = await recordFor(trx, actor, pathEmail, ifMatch);
        if (record.disabled_at === null) return toGuest(record);
        const enabled = await repo.enableRecord(trx, record.id, {
          memberId: actor.userId,
          at: now(),
          ...deps.links.codes.fresh(),
        });
        return enabled ? toGuest({ ...enabled, email: record.email }) : current(trx, actor, pathEmail);
      });
    },

    /**
     * Reset guest link: a new code; the old link is dead at once. A disabled guest gets one too and
     * stays disabled: no link works until enable, which issues yet another code.
     */
    async resetLink(actor: Actor, pathEmail: string, ifMatch?: ConditionHeader): Promise<Guest> {
      const toGuest = guestFor(actor);
      return db.transaction().execute(async (trx) => {
        const record = await recordFor(trx, actor, pathEmail, ifMatch);
        const updated = await guestRepo.updateRecordIn(trx, 'active', record.id, {
          ...deps.links.codes.fresh(),
          updated_at: now(),
        });
        assertThat(updated, () => notFound('guest'));
        return toGuest({ ...updated, email: record.email });
      });
    },

    /**
     * Permanently delete guest: erases this organization's record of the guest (profile, link,
     * preferences) and the global identity when no other organization has a record of the guest,
     * active or removed. The guest must be disabled first. A removed guest (Remove guest) may be
     * erased as it is: its link is dead already, and it can no longer be disabled (Disable guest
     * answers 404 for it).
     */
    async erase(actor: Actor, pathRef: string, ifMatch?: ConditionHeader): Promise<ErasedGuest> {
      const ref = parseGuestRef(pathRef);
      assertThat(ref, () => notFound('guest'));
      return db.transaction().execute(async (trx) => {
        const record =
          'guestId' in ref
            ? await repo.findRecordByGuestId(trx, actor.organizationId, ref.guestId)
            : await guestRepo.findRecordByEmail(trx, actor.organizationId, ref.email);
        assertThat(record, () => notFound('guest'));
        const notDisabled = () => new AppError('GUEST_NOT_DISABLED', 'Please disable the guest before deletion.');
        assertThat(record.disabled_at !== null || record.deleted_at !== null, notDisabled);
        await guestRepo.lockGlobalGuest(trx, record.guest_id);
        if (ifMatch !== undefined) {
          // Checked against the record as it is under its lock; a removed one as Remove guest answered it.
          await lockRecord(trx, record.id);
          const locked = await repo.findRecordByGuestId(trx, actor.organizationId, record.guest_id);
          assertThat(locked?.id === record.id, () => notFound('guest'));
          checkIfMatch(ifMatch, guestFor(actor)(locked));
        }
        // Off this organization's tasks; the comments they wrote stay, with no author (the profile is
        // what is erased). Undone with the rest if the erase below is refused.
        await detachFromTasks(trx, actor.organizationId, record.id);
        await forgetTaskAuthorship(trx, actor.organizationId, record.id);
        if (!(await repo.eraseDisabledRecord(trx, record.id))) {
          // Enabled or erased by a concurrent request since it was read.
          const again = await repo.findRecordByGuestId(trx, actor.organizationId, record.guest_id);
          assertThat(again, () => notFound('guest'));
          throw notDisabled();
        }
        await repo.eraseGlobalGuestIfUnused(trx, record.guest_id);
        return { id: record.guest_id, email: record.email, deleted: true };
      });
    },
  };
}
