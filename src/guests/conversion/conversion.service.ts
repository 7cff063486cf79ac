/**
 * Convert guest to member and Convert member to guest (docs/guests.md): a guest becomes a member of
 * the organization, and a member becomes a guest. Each conversion is one transaction: the person is
 * never both, nor neither, in the organization.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { AppError, assertThat, notFound } from '../../core/errors.js';
import { now } from '../../core/time.js';
import {
  deleteMembership,
  findMemberByEmail,
  findMemberById,
  findRole,
  findUserByEmail,
  addMembership,
  insertUser,
  leaveGroupsOf,
  lockAdmins,
  type Member,
} from '../../members/member.repository.js';
import { findRecordByEmail } from '../guest.repository.js';
import type { Guest } from '../guest.schemas.js';
import type { GuestService } from '../guest.service.js';
import { removeRecord } from '../guest.records.js';
import { moveGuestTasksToMember, moveOpenMemberTasksToGuest } from './conversion.repository.js';
import { normalizeEmail } from '../../email/parse.js';
import type { Actor } from '../../core/actor.js';
import { announceAuthChange } from '../../auth/auth-changes.js';

export interface GuestConversionDeps {
  db: Kysely<Database>;
  guests: Pick<GuestService, 'joinIn'>;
}

export function createGuestConversionService(deps: GuestConversionDeps) {
  const { db } = deps;
  return {
    /**
     * Convert guest to member: the guest becomes a `standard` member of this organization and
     * leaves its guest list, removed as by Remove guest (the global guest goes when no other
     * organization has it). The member is known here by the first and last name of this
     * organization's profile of the guest, whether or not the person is a user elsewhere: names
     * another organization wrote never show here. The guest's tasks here become the member's, with
     * the parts they completed. Someone who is a member already is refused (409)
     * and nothing changes: making them a member again could change their role.
     */
    async toMember(actor: Actor, pathEmail: string): Promise<Member> {
      const member = await db.transaction().execute(async (trx) => {
        const record = await findRecordByEmail(trx, actor.organizationId, normalizeEmail(pathEmail));
        assertThat(record && record.deleted_at === null, () => notFound('guest'));
        const at = now();
        const user = await findUserByEmail(trx, record.email);
        if (user && (await findRole(trx, actor.organizationId, user.id))) {
          throw new AppError(
            'CONFLICT',
            `${record.email} is a member of this organization already; remove the guest record instead.`,
          );
        }
        const userId =
          user?.id ??
          (await insertUser(trx, {
            email: record.email,
            firstName: record.first_name,
            lastName: record.last_name,
            createdAt: at,
          }));
        // A concurrent conversion of the same guest fails on the membership's primary key (409).
        await addMembership(
          trx,
          {
            organizationId: actor.organizationId,
            userId,
            role: 'standard',
            createdAt: at,
            firstName: record.first_name,
            lastName: record.last_name,
          },
          'refuse',
        );
        // Their tasks stay theirs: the guest's tasks here become the member's, before the removal
        // below would take the guest off them.
        await moveGuestTasksToMember(trx, actor.organizationId, record.id, userId);
        const removed = await removeRecord(trx, record, at);
        assertThat(removed, () => notFound('guest'));
        const joined = await findMemberByEmail(trx, actor.organizationId, record.email);
        if (!joined) throw new Error('membership vanished inside its transaction');
        return joined;
      });
      // A token of theirs remembered as "not a member here" is one now (src/auth/auth-changes.ts).
      await announceAuthChange(db, { userId: member.id });
      return member;
    },

    /**
     * Convert member to guest: the member leaves the organization's members and becomes its guest,
     * joined as by Create guest with the user's first and last name (a guest removed earlier is
     * joined again, fresh). Not counted against the invite cap: the cap limits invitations of
     * outsiders, and this person is already in the organization. The only admin is refused (409):
     * the organization would be left without anyone able to manage it. Converting yourself is
     * allowed otherwise.
     */
    async toGuest(actor: Actor, userId: number): Promise<Guest> {
      const guest = await db.transaction().execute(async (trx) => {
        // Locked first: the admin count below holds until this transaction ends.
        const admins = await lockAdmins(trx, actor.organizationId);
        const member = await findMemberById(trx, actor.organizationId, userId);
        assertThat(member, () => notFound('member'));
        // A disabled admin cannot manage anything: another *enabled* one must remain.
        if (member.role === 'admin' && !admins.some((a) => a.userId !== userId && !a.disabled)) {
          throw new AppError(
            'CONFLICT',
            'This member is the only administrator of the organization; make another member an administrator first.',
          );
        }
        await leaveGroupsOf(trx, actor.organizationId, userId);
        const left = await deleteMembership(trx, actor.organizationId, userId);
        assertThat(left, () => notFound('member'));
        const joined = await deps.guests.joinIn(
          trx,
          actor,
          member.email,
          { first_name: member.first_name, last_name: member.last_name },
          false,
        );
        // Their open tasks stay theirs, now as the guest's. A task left with no member owner gets the
        // admin converting; one converting themselves leaves it to another enabled admin (there is
        // one: the only admin was refused above).
        const answerer =
          actor.userId !== userId ? actor.userId : admins.find((a) => a.userId !== userId && !a.disabled)?.userId;
        if (answerer === undefined) throw new Error('no enabled admin left to answer for the tasks');
        await moveOpenMemberTasksToGuest(trx, actor.organizationId, userId, joined.recordId, answerer);
        return joined.guest;
      });
      // No longer a member: their tokens stop working here on every instance at once.
      await announceAuthChange(db, { userId });
      return guest;
    },
  };
}
