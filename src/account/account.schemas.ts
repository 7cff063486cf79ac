/** The caller's own objects: the user, an organization as its member sees it, a token. */
import { Type } from 'typebox';
import { NullableString, OrganizationIdParam, PaginationMeta, RequiredTimestamp, Timestamp } from '../http/schemas.js';
import { MAX_ID, MAX_NAME } from '../core/limits.js';

export const User = Type.Object(
  {
    id: Type.Integer({ description: 'The user id: the member id in every organization.' }),
    email: Type.String(),
    username: NullableString({ description: 'Always null: members sign in with tokens, not user names.' }),
    first_name: NullableString(),
    last_name: NullableString(),
    full_name: NullableString(),
    profile_pic: NullableString({ description: 'Always null.' }),
    timezone: NullableString({
      description:
        "The organization's IANA time zone (the digest hour of guests with none), set by an operator; null when unset.",
    }),
    created_at: RequiredTimestamp('When the user was created.'),
    last_login_at: Timestamp('Always null: tokens carry no sign-in.'),
  },
  { $id: 'User', title: 'User' },
);

export const Organization = Type.Object(
  {
    id: Type.String({ description: '32 lowercase hex characters.' }),
    name: Type.String(),
    description: NullableString({ description: 'Always null.' }),
    timezone: NullableString({
      description:
        "The organization's IANA time zone (the digest hour of guests with none), set by an operator; null when unset.",
    }),
    created_at: RequiredTimestamp(),
    created_on: Type.String({ description: "The same as `created_at` (the name in Tallyfy's Swagger file)." }),
    users_count: Type.Integer({ description: 'Enabled members (invitees and disabled members are not counted).' }),
    guests_count: Type.Integer({ description: 'Active guests.' }),
    user_role: Type.String({ enum: ['admin', 'standard', 'light'], description: "The caller's role here." }),
  },
  { $id: 'Organization', title: 'Organization' },
);

export const OrganizationEnvelope = Type.Object({ data: Type.Ref('Organization') }, { title: 'OrganizationEnvelope' });
export const OrganizationListEnvelope = Type.Object({
  data: Type.Array(Type.Ref('Organization')),
  meta: PaginationMeta,
});

export const MyOrganizationsQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Case-insensitive substring of the name.' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 100.' })),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 1000, description: 'Synonym of `per_page`; `per_page` wins.' }),
  ),
});

export const OrgParams = Type.Object({ org_id: OrganizationIdParam });

export const GuestSummary = Type.Object(
  {
    id: Type.Integer({ description: 'The global guest id.' }),
    email: Type.String(),
    first_name: NullableString(),
    last_name: NullableString(),
    created_at: RequiredTimestamp(),
    last_accessed_at: Timestamp('When the guest last opened their link.'),
    last_known_ip: NullableString(),
    last_known_country: NullableString(),
    details: Type.Object({
      company_name: NullableString(),
      status: NullableString(),
      disabled_at: Timestamp('When the guest was disabled in this organization.'),
    }),
  },
  { title: 'GuestSummary', description: 'A guest in the light list: no link, no profile beyond what a picker shows.' },
);

export const AccessToken = Type.Object(
  {
    id: Type.Integer(),
    name: NullableString(),
    created_at: RequiredTimestamp(),
    expires_at: Timestamp('When the token stops working; null: never.'),
    revoked_at: Timestamp('When the token was revoked.'),
    current: Type.Boolean({ description: 'Whether this is the token of the request.' }),
  },
  { $id: 'AccessToken', title: 'AccessToken' },
);

export const CreateTokenBody = Type.Object(
  {
    name: Type.Optional(
      NullableString({ maxLength: MAX_NAME, description: 'A label, e.g. the integration that uses it.' }),
    ),
    expires_in_days: Type.Optional(
      Type.Unsafe<number | null>({
        type: ['integer', 'null'],
        minimum: 1,
        maximum: 3650,
        description: 'Days until it stops working; null or absent: never.',
      }),
    ),
  },
  { additionalProperties: false, title: 'CreateToken' },
);

export const NewToken = Type.Object({
  id: Type.Integer(),
  name: NullableString(),
  token: Type.String({ description: 'The token itself: shown this once, only its hash is kept.' }),
  created_at: RequiredTimestamp(),
  expires_at: Timestamp('When the token stops working; null: never.'),
});

export const TokenIdParams = Type.Object({ token_id: Type.Integer({ minimum: 1, maximum: MAX_ID }) });

/** The shared schemas of this module, registered once on the app (they are referenced by `$id`). */
export const ACCOUNT_SCHEMAS = [User, Organization, AccessToken];
