/** The invitation routes' schemas: request parts, answers, and the limits they share with the page. */
import { Type, type Static } from 'typebox';
import { NullableString, OrganizationIdParam, Timestamp } from '../http/schemas.js';
import { MAX_NAME } from '../core/limits.js';

export const MAX_MESSAGE = 5000;
export const INVITE_ROLES = ['admin', 'standard', 'light'] as const;

const name = (what: string) =>
  Type.Optional(NullableString({ maxLength: MAX_NAME, description: `${what} (at most ${MAX_NAME} characters).` }));

export const InviteBody = Type.Object(
  {
    email: Type.String({
      description:
        'The address to invite; matched in its one form (case, Unicode normalization and punycode domains do not matter).',
      example: 'new.colleague@example.com',
    }),
    first_name: name('First name, kept for a new user'),
    last_name: name('Last name, kept for a new user'),
    role: Type.Optional(
      NullableString({
        enum: [...INVITE_ROLES, null],
        default: 'light',
        description:
          'The role on accepting: `admin`, `standard` or `light` (the default). Only an administrator may invite an administrator.',
      }),
    ),
    message: Type.Optional(
      NullableString({
        maxLength: MAX_MESSAGE,
        description: `A personal message for the email and the accept page (at most ${MAX_MESSAGE} characters).`,
      }),
    ),
  },
  { title: 'InviteMember' },
);
export type InviteBody = Static<typeof InviteBody>;

export const OrgParams = Type.Object({ org_id: OrganizationIdParam });

export const CodeParams = Type.Object({
  code: Type.String({ description: "The code from the invitation email's link." }),
});
export type CodeParams = Static<typeof CodeParams>;

export const AcceptBody = Type.Object(
  {
    first_name: name('First name; kept only when the user has no name yet'),
    last_name: name('Last name; kept only when the user has no name yet'),
  },
  { title: 'AcceptInvitation' },
);
export type AcceptBody = Static<typeof AcceptBody>;

export const InvitationView = Type.Object({
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  email: Type.String(),
  first_name: NullableString(),
  last_name: NullableString(),
  role: Type.String({ enum: [...INVITE_ROLES] }),
  message: NullableString({ description: "The inviter's personal message." }),
  invited_by: Type.Unsafe<{ id: number; name: string } | null>({
    type: ['object', 'null'],
    properties: {
      id: Type.Integer(),
      name: Type.String({ description: 'Full name, or email when the member has no name.' }),
    },
    required: ['id', 'name'],
    description: 'Who sent the invitation; null when that member no longer exists.',
  }),
  expires_at: Timestamp('When the link stops working.'),
});
export type InvitationView = Static<typeof InvitationView>;

export const InvitationViewEnvelope = Type.Object({ data: InvitationView });

export const AcceptedEnvelope = Type.Object({
  data: Type.Object({
    member: Type.Ref('Member'),
    token: Type.Object({
      id: Type.Integer(),
      token: Type.String({
        description: 'The personal access token, shown this once: send it as `Authorization: Bearer <token>`.',
      }),
      expires_at: Timestamp('When the token stops working; null: it does not expire.'),
    }),
  }),
});
