/**
 * Members of an organization: listing (with open invitations, as Tallyfy lists invitees), role
 * changes, disable and enable, removal and permanent deletion. The organization always keeps an
 * enabled administrator: every change that could take the last one away checks the admins it has
 * locked in the same transaction, so two admins demoting each other at once cannot both succeed.
 */
import type { Kysely } from 'kysely';
import type { Database, Role } from '../db/types.js';
import { AppError, assertThat, notFound } from '../core/errors.js';
import type { Actor } from '../core/actor.js';
import { now } from '../core/time.js';
import { findOpenInvitation, listOpenInvitations, withdrawInvitation } from './invitation.repository.js';
import { invitationToMember, memberRowToMember } from './member.mapper.js';
import { anotherEnabledAdmin, handOverOpenTasks } from './member-tasks.repository.js';
import {
  countMemberships,
  deleteMembership,
  findMemberById,
  leaveGroupsOf,
  listMembers,
  lockAdmins,
  updateMembership,
  type Member as MemberRow,
} from './member.repository.js';
import type { Member } from './member.schemas.js';
import { announceAuthChange } from '../auth/auth-changes.js';

/** `updated_at` is the membership's last change: joined, disabled or enabled again (n8n offers it). */
export const MEMBER_SORT_KEYS = [
  'name',
  'first_name',
  'last_name',
  'email',
  'created_at',
  'updated_at',
  'role',
  'status',
  'id',
] as const;
export type MemberSortKey = (typeof MEMBER_SORT_KEYS)[number];

export interface MemberListQuery {
  q?: string;
  sort?: string;
  page: number;
  perPage: number;
}

const LAST_ADMIN = 'The organization must keep an enabled administrator; make another member an administrator first.';

function sortValue(member: Member, key: MemberSortKey): string | number | null {
  switch (key) {
    case 'name':
      return member.full_name?.toLowerCase() ?? null;
    case 'first_name':
      return member.first_name?.toLowerCase() ?? null;
    case 'last_name':
      return member.last_name?.toLowerCase() ?? null;
    case 'id':
      return member.id;
    case 'updated_at':
      return [member.created_at, member.disabled_at ?? '', member.reactivated_at ?? ''].reduce((a, b) =>
        b > a ? b : a,
      );
    default:
      return member[key];
  }
}

/** Nulls last in both directions; the id breaks ties so that pages never overlap. */
function compareMembers(key: MemberSortKey, descending: boolean) {
  return (a: Member, b: Member): number => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (x === null || y === null) return x === y ? a.id - b.id : x === null ? 1 : -1;
    const order = x < y ? -1 : x > y ? 1 : a.id - b.id;
    return descending ? -order : order;
  };
}

export function createMemberService(deps: { db: Kysely<Database> }) {
  const { db } = deps;

  /** Refuses a change that leaves no enabled admin other than `userId`, when `userId` is one now. */
  /**
   * The leaving member's open tasks go to `to`, and a task left without a member to the admin who
   * removes them (or, when admins remove themselves, to another enabled admin).
   */
  async function handOverTasks(trx: Kysely<Database>, actor: Actor, userId: number, to: number | undefined) {
    const fallback =
      actor.userId !== userId ? actor.userId : await anotherEnabledAdmin(trx, actor.organizationId, userId);
    if (fallback === undefined) return;
    await handOverOpenTasks(trx, actor.organizationId, userId, to, fallback);
  }

  async function keepAnAdmin(trx: Kysely<Database>, organizationId: string, member: MemberRow): Promise<void> {
    const admins = await lockAdmins(trx, organizationId);
    if (member.role !== 'admin' || member.disabled_at !== null) return;
    if (!admins.some((a) => a.userId !== member.id && !a.disabled)) throw new AppError('CONFLICT', LAST_ADMIN);
  }

  async function memberIn(trx: Kysely<Database>, organizationId: string, userId: number): Promise<MemberRow> {
    const member = await findMemberById(trx, organizationId, userId);
    assertThat(member, () => notFound('member'));
    return member;
  }

  /**
   * Runs `work` in a transaction, then, once it committed, drops every remembered token answer of
   * the user on every instance (src/auth/auth-changes.ts): their next request reads the change.
   */
  async function afterCommit<T>(userId: number, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    const result = await db.transaction().execute(work);
    await announceAuthChange(db, { userId });
    return result;
  }

  async function reread(trx: Kysely<Database>, organizationId: string, userId: number): Promise<Member> {
    return memberRowToMember(await memberIn(trx, organizationId, userId));
  }

  return {
    /** Members (active and disabled) and open invitations, filtered, sorted and paged in memory. */
    async list(actor: Actor, query: MemberListQuery): Promise<{ members: Member[]; total: number }> {
      const [rows, invited] = await Promise.all([
        listMembers(db, actor.organizationId),
        listOpenInvitations(db, actor.organizationId),
      ]);
      let all = [...rows.map(memberRowToMember), ...invited.map(invitationToMember)];
      const q = query.q?.toLowerCase();
      if (q)
        all = all.filter((m) =>
          [m.email, m.first_name, m.last_name, m.full_name].some((v) => v?.toLowerCase().includes(q)),
        );
      const raw = query.sort ?? 'id';
      const descending = raw.startsWith('-');
      all.sort(compareMembers((descending ? raw.slice(1) : raw) as MemberSortKey, descending));
      const start = (query.page - 1) * query.perPage;
      return { members: all.slice(start, start + query.perPage), total: all.length };
    },

    /** Every member, without paging (pickers); invitees are not members yet. */
    async listAll(actor: Actor): Promise<Member[]> {
      return (await listMembers(db, actor.organizationId)).map(memberRowToMember);
    },

    /** A member, or an invitee shown as a member with status `invited`. */
    async get(actor: Actor, userId: number): Promise<Member> {
      const member = await findMemberById(db, actor.organizationId, userId);
      if (member) return memberRowToMember(member);
      const invitation = await findOpenInvitation(db, actor.organizationId, userId);
      assertThat(invitation, () => notFound('member'));
      return invitationToMember(invitation);
    },

    async changeRole(actor: Actor, userId: number, role: Role): Promise<Member> {
      return afterCommit(userId, async (trx) => {
        const member = await memberIn(trx, actor.organizationId, userId);
        if (member.role === role) return memberRowToMember(member);
        await keepAnAdmin(trx, actor.organizationId, member);
        await updateMembership(trx, actor.organizationId, userId, { role });
        return reread(trx, actor.organizationId, userId);
      });
    },

    /** Disabled at once, on every instance: see `afterCommit`. Idempotent. */
    async disable(actor: Actor, userId: number): Promise<Member> {
      return afterCommit(userId, async (trx) => {
        const member = await memberIn(trx, actor.organizationId, userId);
        if (member.disabled_at !== null) return memberRowToMember(member);
        await keepAnAdmin(trx, actor.organizationId, member);
        await updateMembership(trx, actor.organizationId, userId, { disabled_at: now(), disabled_by: actor.userId });
        return reread(trx, actor.organizationId, userId);
      });
    },

    /** Idempotent: a member who is not disabled is answered unchanged. */
    async enable(actor: Actor, userId: number): Promise<Member> {
      return afterCommit(userId, async (trx) => {
        const member = await memberIn(trx, actor.organizationId, userId);
        if (member.disabled_at === null) return memberRowToMember(member);
        await updateMembership(trx, actor.organizationId, userId, {
          disabled_at: null,
          disabled_by: null,
          reactivated_at: now(),
          reactivated_by: actor.userId,
        });
        return reread(trx, actor.organizationId, userId);
      });
    },

    /**
     * Takes the member out of the organization (their groups here too); the user and their tokens
     * stay for their other organizations. An invitee's invitation is withdrawn instead.
     */
    async remove(actor: Actor, userId: number, reassignTo: number | undefined): Promise<Member> {
      return afterCommit(userId, async (trx) => {
        const member = await findMemberById(trx, actor.organizationId, userId);
        if (!member) {
          const invitation = await findOpenInvitation(trx, actor.organizationId, userId);
          assertThat(
            invitation && (await withdrawInvitation(trx, actor.organizationId, userId, actor.userId, now())),
            () => notFound('member'),
          );
          return invitationToMember(invitation);
        }
        if (reassignTo !== undefined) {
          const target = await findMemberById(trx, actor.organizationId, reassignTo);
          if (!target || target.disabled_at !== null || reassignTo === userId) {
            throw new AppError('VALIDATION_FAILED', 'The to must be another enabled member of this organization.', {
              errors: { to: ['The to must be another enabled member of this organization.'] },
            });
          }
        }
        await keepAnAdmin(trx, actor.organizationId, member);
        await handOverTasks(trx, actor, userId, reassignTo);
        await leaveGroupsOf(trx, actor.organizationId, userId);
        await deleteMembership(trx, actor.organizationId, userId);
        return memberRowToMember(member);
      });
    },

    /**
     * Permanent delete: only a disabled member. The membership goes, and the user with every
     * token of theirs once they belong to no organization and no invitation is open for them.
     */
    async erase(actor: Actor, userId: number): Promise<{ id: number; email: string; deleted: true }> {
      return afterCommit(userId, async (trx) => {
        const member = await memberIn(trx, actor.organizationId, userId);
        if (member.disabled_at === null)
          throw new AppError('MEMBER_NOT_DISABLED', 'Please disable the member before deletion.');
        await handOverTasks(trx, actor, userId, undefined);
        await leaveGroupsOf(trx, actor.organizationId, userId);
        await deleteMembership(trx, actor.organizationId, userId);
        const openInvitations = await trx
          .selectFrom('invitations')
          .select('id')
          .where('user_id', '=', userId)
          .where('accepted_at', 'is', null)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if ((await countMemberships(trx, userId)) === 0 && !openInvitations) {
          await trx.deleteFrom('users').where('id', '=', userId).execute();
        }
        return { id: member.id, email: member.email, deleted: true as const };
      });
    },
  };
}
