/**
 * The invitations table. An invitation is "pending" while neither accepted nor revoked (the unique
 * index allows one pending invitation per organization and address) and "open" while pending and
 * not yet expired: only open ones are shown as members with status `invited`, while an expired
 * pending one can still be sent again, which starts its period anew.
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import { kindOf } from '../db/database.js';
import type { Database, Role } from '../db/types.js';
import { withRandomId } from '../core/ids.js';
import { now } from '../core/time.js';
import type { InvitedUser } from './member.mapper.js';

type Q = Kysely<Database>;

/** Neither accepted nor withdrawn. */
function pending(eb: ExpressionBuilder<Database, 'invitations'>) {
  return eb.and([eb('invitations.accepted_at', 'is', null), eb('invitations.revoked_at', 'is', null)]);
}

/**
 * The invitation with its user. The names shown are those the inviter gave: the user's are shared
 * by every organization, and may have been written by another one.
 */
function invitedUsers(db: Q, organizationId: string) {
  return db
    .selectFrom('invitations')
    .innerJoin('users', 'users.id', 'invitations.user_id')
    .select([
      'invitations.id',
      'invitations.user_id',
      'invitations.email',
      'invitations.first_name',
      'invitations.last_name',
      'invitations.role',
      'invitations.created_at',
      'invitations.invited_by',
      'invitations.expires_at',
      'invitations.message',
    ])
    .where('invitations.organization_id', '=', organizationId)
    .where(pending);
}

/** A pending invitation, as the service works with it. */
export interface PendingInvitation extends InvitedUser {
  id: number;
  expiresAt: string;
  message: string | null;
}

type InvitedRow = Awaited<ReturnType<ReturnType<typeof invitedUsers>['executeTakeFirstOrThrow']>>;

function toPending(row: InvitedRow): PendingInvitation {
  return {
    id: row.id,
    userId: row.user_id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    invitedAt: row.created_at,
    invitedBy: row.invited_by,
    expiresAt: row.expires_at,
    message: row.message,
  };
}

function toInvitedUser(row: InvitedRow): InvitedUser {
  const { id: _id, expiresAt: _expiresAt, message: _message, ...user } = toPending(row);
  return user;
}

/**
 * The organization's open invitations (not accepted, not withdrawn, not expired), by user id.
 * One whose user has become a member meanwhile (added by hand, or a guest converted) is left out:
 * the person is listed once, as the member they are.
 */
export async function listOpenInvitations(db: Q, organizationId: string, at: string = now()): Promise<InvitedUser[]> {
  const rows = await invitedUsers(db, organizationId)
    .where('invitations.expires_at', '>', at)
    .where(notAMember)
    .orderBy('invitations.user_id')
    .execute();
  return rows.map(toInvitedUser);
}

/** The open invitation of this user in the organization (same openness as the list). */
export async function findOpenInvitation(
  db: Q,
  organizationId: string,
  userId: number,
  at: string = now(),
): Promise<InvitedUser | undefined> {
  const row = await invitedUsers(db, organizationId)
    .where('invitations.user_id', '=', userId)
    .where('invitations.expires_at', '>', at)
    .where(notAMember)
    .executeTakeFirst();
  return row && toInvitedUser(row);
}

function notAMember(eb: ExpressionBuilder<Database, 'invitations' | 'users'>) {
  return eb.not(
    eb.exists(
      eb
        .selectFrom('memberships')
        .select('memberships.user_id')
        .whereRef('memberships.organization_id', '=', 'invitations.organization_id')
        .whereRef('memberships.user_id', '=', 'invitations.user_id'),
    ),
  );
}

/**
 * Withdraws the user's pending invitation (expired or not): its link stops working at once.
 * False when there was none.
 */
export async function withdrawInvitation(
  db: Q,
  organizationId: string,
  userId: number,
  byUserId: number,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ revoked_at: at, revoked_by: byUserId })
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .where(pending)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The pending invitation for this address or user, expired or not. On PostgreSQL the row stays
 * locked until the transaction ends, so two resends of one invitation follow each other; SQLite
 * runs one write transaction at a time anyway.
 */
export async function findPendingInvitation(
  db: Q,
  organizationId: string,
  who: { email: string } | { userId: number },
): Promise<PendingInvitation | undefined> {
  const base = invitedUsers(db, organizationId);
  const query =
    'email' in who
      ? base.where('invitations.email', '=', who.email)
      : base.where('invitations.user_id', '=', who.userId);
  const row = await (kindOf(db) === 'postgres' ? query.forUpdate('invitations') : query).executeTakeFirst();
  return row && toPending(row);
}

export interface NewInvitation {
  organizationId: string;
  email: string;
  userId: number;
  firstName: string | null;
  lastName: string | null;
  role: Role;
  message: string | null;
  codeHash: string;
  invitedBy: number;
  at: string;
  expiresAt: string;
}

/**
 * Inserts the invitation unless a pending one for the address exists (the unique index decides,
 * also against a concurrent invite); undefined when one did. On PostgreSQL a concurrent insert
 * not yet committed is waited for, so the caller's next read sees the winner.
 */
export async function insertInvitation(db: Q, invitation: NewInvitation): Promise<number | undefined> {
  const row = await db
    .insertInto('invitations')
    .values({
      organization_id: invitation.organizationId,
      email: invitation.email,
      first_name: invitation.firstName,
      last_name: invitation.lastName,
      role: invitation.role,
      message: invitation.message,
      code_hash: invitation.codeHash,
      invited_by: invitation.invitedBy,
      created_at: invitation.at,
      sent_at: invitation.at,
      expires_at: invitation.expiresAt,
      user_id: invitation.userId,
      accepted_at: null,
      revoked_at: null,
      revoked_by: null,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** A resend: a new code (the old link stops working), a new period, one more send. */
export async function renewInvitation(
  db: Q,
  id: number,
  change: { codeHash: string; at: string; expiresAt: string },
): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set((eb) => ({
      code_hash: change.codeHash,
      sent_at: change.at,
      expires_at: change.expiresAt,
      send_count: eb('send_count', '+', 1),
    }))
    .where('id', '=', id)
    .where(pending)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** What the accept link shows and needs: the invitation by its code's hash, whatever its state. */
export async function findInvitationByCodeHash(db: Q, codeHash: string) {
  return db
    .selectFrom('invitations')
    .innerJoin('organizations', 'organizations.id', 'invitations.organization_id')
    .innerJoin('users', 'users.id', 'invitations.user_id')
    .leftJoin('users as inviter', 'inviter.id', 'invitations.invited_by')
    .select([
      'invitations.id',
      'invitations.organization_id',
      'organizations.name as organization_name',
      'invitations.email',
      'invitations.user_id',
      'invitations.first_name',
      'invitations.last_name',
      'invitations.role',
      'invitations.message',
      'invitations.invited_by',
      'invitations.created_at',
      'invitations.expires_at',
      'invitations.accepted_at',
      'invitations.revoked_at',
      'users.first_name as user_first_name',
      'users.last_name as user_last_name',
      'inviter.email as inviter_email',
      'inviter.first_name as inviter_first_name',
      'inviter.last_name as inviter_last_name',
    ])
    .where('invitations.code_hash', '=', codeHash)
    .executeTakeFirst();
}

export type InvitationByCode = NonNullable<Awaited<ReturnType<typeof findInvitationByCodeHash>>>;

/**
 * Marks the invitation accepted if it still is pending and unexpired: of two concurrent accepts,
 * exactly one gets true (on PostgreSQL the second waits for the first and then finds it accepted).
 */
export async function markAccepted(db: Q, id: number, at: string): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ accepted_at: at })
    .where('id', '=', id)
    .where(pending)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The user with this address, created (with these names) when there is none, also against a concurrent insert. */
export async function ensureUser(
  db: Q,
  user: { email: string; firstName: string | null; lastName: string | null; at: string },
): Promise<number> {
  // A random id (src/core/ids.ts): no row back when the email or the id is taken; only a taken id
  // (no user with the email) draws again.
  return withRandomId(async (id) => {
    const inserted = await db
      .insertInto('users')
      .values({ id, email: user.email, first_name: user.firstName, last_name: user.lastName, created_at: user.at })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return inserted.id;
    const existing = await db.selectFrom('users').select('id').where('email', '=', user.email).executeTakeFirst();
    return existing?.id;
  });
}

/** Names given on accepting are kept only by a user who has none (the user is shared by every organization). */
export async function nameUserIfUnnamed(
  db: Q,
  userId: number,
  names: { firstName: string | null; lastName: string | null },
): Promise<void> {
  if (names.firstName === null && names.lastName === null) return;
  await db
    .updateTable('users')
    .set({ first_name: names.firstName, last_name: names.lastName })
    .where('id', '=', userId)
    .where('first_name', 'is', null)
    .where('last_name', 'is', null)
    .execute();
}

/** The membership an accepted invitation gives; the primary key refuses a second one (409). */
export async function insertInvitedMembership(
  db: Q,
  membership: {
    organizationId: string;
    userId: number;
    role: Role;
    invitedBy: number | null;
    at: string;
    firstName: string | null;
    lastName: string | null;
  },
): Promise<void> {
  await db
    .insertInto('memberships')
    .values({
      organization_id: membership.organizationId,
      user_id: membership.userId,
      role: membership.role,
      created_at: membership.at,
      invited_by: membership.invitedBy,
      first_name: membership.firstName,
      last_name: membership.lastName,
      disabled_at: null,
      disabled_by: null,
      reactivated_at: null,
      reactivated_by: null,
    })
    .execute();
}

/** Whether the address is an active (not removed) guest of the organization. */
export async function isActiveGuest(db: Q, organizationId: string, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('organization_guests')
    .select('organization_guests.id')
    .where('organization_guests.organization_id', '=', organizationId)
    .where('organization_guests.guest_id', '=', (eb) =>
      // The guest by email first, then its record by the (organization, guest) key, as guestIdOfEmail
      // in guest.repository.ts does and for its reason (members do not depend on the guests module).
      eb.selectFrom('guests').select('guests.id').where('guests.email', '=', email),
    )
    .where('organization_guests.deleted_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}
