/** Membership rows (and open invitations) -> the member object. */
import type { Role } from '../db/types.js';
import type { Member as MemberRow } from './member.repository.js';
import type { Member } from './member.schemas.js';

/** "First Last", either alone, or null when neither is known. */
export function fullName(first: string | null, last: string | null): string | null {
  const name = [first, last].filter((part) => part !== null && part !== '').join(' ');
  return name === '' ? null : name;
}

export function memberRowToMember(row: MemberRow): Member {
  return {
    id: row.id,
    email: row.email,
    // Kept by no one here: present for the clients that read them, always null.
    username: null,
    first_name: row.first_name,
    last_name: row.last_name,
    full_name: fullName(row.first_name, row.last_name),
    profile_pic: null,
    timezone: null,
    role: row.role,
    status: row.disabled_at === null ? 'active' : 'disabled',
    created_at: row.created_at,
    last_login_at: null,
    invited_by: row.invited_by,
    disabled_at: row.disabled_at,
    disabled_by: row.disabled_by,
    reactivated_at: row.reactivated_at,
    reactivated_by: row.reactivated_by,
  };
}

/** An open invitation, shown as a member with status `invited` (as Tallyfy lists invitees). */
export interface InvitedUser {
  userId: number;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: Role;
  invitedAt: string;
  invitedBy: number | null;
}

export function invitationToMember(invitation: InvitedUser): Member {
  const member = memberRowToMember({
    id: invitation.userId,
    email: invitation.email,
    first_name: invitation.firstName,
    last_name: invitation.lastName,
    role: invitation.role,
    created_at: invitation.invitedAt,
    invited_by: invitation.invitedBy,
    disabled_at: null,
    disabled_by: null,
    reactivated_at: null,
    reactivated_by: null,
  });
  return { ...member, status: 'invited' };
}
