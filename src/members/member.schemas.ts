/**
 * The member (user) object and the organization object, as Tallyfy's clients read them: the keys
 * its CLI, SDK and n8n node look for are always present, null when this service keeps no value.
 */
import { Type, type Static } from 'typebox';
import { NullableInteger, NullableString, OrganizationIdParam, RequiredTimestamp, Timestamp } from '../http/schemas.js';
import { MAX_ID } from '../core/limits.js';

export const MEMBER_STATUSES = ['active', 'invited', 'disabled'] as const;

export const Member = Type.Object(
  {
    id: Type.Integer({ description: 'The member (user) id: the same in every organization.' }),
    email: Type.String(),
    username: NullableString({ description: 'Always null: members sign in with tokens, not user names.' }),
    first_name: NullableString(),
    last_name: NullableString(),
    full_name: NullableString({ description: 'First and last name, or null when neither is known.' }),
    profile_pic: NullableString({ description: 'Always null: no pictures are kept.' }),
    timezone: NullableString({ description: 'Always null: no member time zone is kept.' }),
    role: Type.String({ enum: ['admin', 'standard', 'light'], description: 'The role in this organization.' }),
    status: Type.String({
      enum: [...MEMBER_STATUSES],
      description: '`active`, `disabled`, or `invited` (an invitation not yet accepted).',
    }),
    created_at: RequiredTimestamp('When the member joined this organization, or was invited.'),
    last_login_at: Timestamp('Always null: tokens carry no sign-in.'),
    invited_by: NullableInteger({ description: 'The member who invited this one, when they joined by invitation.' }),
    disabled_at: Timestamp('When the member was disabled in this organization.'),
    disabled_by: NullableInteger({ description: 'The member who disabled this one.' }),
    reactivated_at: Timestamp('When the member was last enabled again.'),
    reactivated_by: NullableInteger({ description: 'The member who enabled this one again.' }),
  },
  { $id: 'Member', title: 'Member' },
);
export type Member = Static<typeof Member>;

export const MemberEnvelope = Type.Object({ data: Type.Ref('Member') }, { title: 'MemberEnvelope' });

export const MemberIdParams = Type.Object({
  org_id: OrganizationIdParam,
  user_id: Type.Integer({ minimum: 1, maximum: MAX_ID, description: 'The member (user) id.' }),
});
