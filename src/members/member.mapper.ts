/** Membership rows (and open invitations) -> the member object. */
import type { Role } from '../db/types.js';
import type { Member as MemberRow } from './member.repository.js';
import type { Member } from './member.schemas.js';

/** "First Last", either alone, or null when neither is known. */
export function fullName(first: string | null, last: string | null): string | null {
  const name = [first, last].filter((part) => part !== null && part !== '').join(' ');
  return name === '' ? null : name;
}

const NO_VALUE = { username: null, profile_pic: null, timezone: null, last_login_at: null } as const;

export function memberRowToMember(row: MemberRow): Member {
  return {
    id: row.id,
    email: row.email,
    username: NO_VALUE.username,
    first_name: row.first_name,
    last_name: row.last_name,
    full_name: fullName(row.first_name, row.last_name),
    profile_pic: NO_VALUE.profile_pic,
    timezone: NO_VALUE.timezone,
    role: row.role,
    status: row.disabled_at === null ? 'active' : 'disabled',
    created_at: row.created_at,
    last_login_at: NO_VALUE.last_login_at,
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
  return {
    id: invitation.userId,
    email: invitation.email,
    username: null,
    first_name: invitation.firstName,
    last_name: invitation.lastName,
    full_name: fullName(invitation.firstName, invitation.lastName),
    profile_pic: null,
    timezone: null,
    role: invitation.role,
    status: 'invited',
    created_at: invitation.invitedAt,
    last_login_at: null,
    invited_by: invitation.invitedBy,
    disabled_at: null,
    disabled_by: null,
    reactivated_at: null,
    reactivated_by: null,
  };
}
