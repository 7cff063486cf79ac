/**
 * The guest API's schemas: one object per route part. They are the TypeScript types, the request
 * validators, the response serializers (which drop any field not declared) and the OpenAPI text.
 */
import { Type, type Static } from 'typebox';
import {
  NullableArray,
  NullableInteger,
  NullableString,
  OrganizationIdParam,
  PaginationMeta,
  RequiredTimestamp,
  Timestamp,
} from '../http/schemas.js';
import { DEFAULT_PER_PAGE, MAX_ASSOCIATED_MEMBERS, MAX_ID, MAX_NAME, MAX_PER_PAGE, MAX_PHONE } from '../core/limits.js';

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * The `cadence_days` rule (docs/guests.md, Fields): weekday names, no repeats; `[]` or null clears.
 * Shared with the guest side.
 */
export function CadenceDaysField() {
  return NullableArray(Type.String({ enum: [...WEEKDAYS] }), {
    uniqueItems: true,
    description: 'Weekdays (`Monday`…`Sunday`, no repeats) on which the guest gets digest emails; `[]` or null clears.',
  });
}

const name = (what: string) =>
  NullableString({ maxLength: MAX_NAME, description: `${what} (at most ${MAX_NAME} characters).` });
const phone = (what: string) =>
  NullableString({ maxLength: MAX_PHONE, description: `${what} (at most ${MAX_PHONE} characters).` });
const url = (what: string) => NullableString({ format: 'http-url', description: `${what}: an absolute http(s) URL.` });

/**
 * The profile fields an organization keeps about its guest (docs/guests.md, Fields), shared by
 * create and update.
 */
const profileFields = {
  first_name: name('First name'),
  last_name: name('Last name'),
  phone_1: phone('Phone'),
  phone_2: phone('Second phone'),
  company_name: name('Company name'),
  company_url: url('Company website'),
  contact_url: url('Contact page'),
  image_url: url('Picture'),
  opportunity_url: url('Opportunity page'),
  opportunity_name: name('Opportunity name'),
  timezone: NullableString({ format: 'timezone', description: 'An IANA time zone name, e.g. `America/Chicago`.' }),
  status: name('Free-text status set by the organization'),
  external_sync_source: NullableString({ enum: ['salesforce', null], description: 'Only `salesforce`.' }),
  external_date_creation: NullableString({
    format: 'tallyfy-datetime',
    description: 'When the external system created the contact: `YYYY-MM-DD HH:MM:SS`.',
  }),
  associated_members: NullableArray(Type.Integer({ minimum: 1, maximum: MAX_ID }), {
    maxItems: MAX_ASSOCIATED_MEMBERS,
    description: 'Member ids of this organization; replaces the whole list; `[]` or null clears.',
  }),
  cadence_days: CadenceDaysField(),
};

export const GuestEmailField = Type.String({
  description: "The guest's email address (RFC 5321/5322; the domain must accept mail).",
  example: 'external.partner@partnerco.com',
});

export const CreateGuestBody = Type.Object(
  { email: GuestEmailField, ...mapOptional(profileFields) },
  { additionalProperties: false, title: 'CreateGuest' },
);
export type CreateGuestBody = Static<typeof CreateGuestBody>;

export const UpdateGuestBody = Type.Object(
  {
    email: Type.Optional(
      Type.Unsafe<string | null>({
        ...GuestEmailField,
        type: ['string', 'null'],
        description: "Optional; must equal the guest's email if sent.",
      }),
    ),
    ...mapOptional(profileFields),
  },
  { additionalProperties: false, title: 'UpdateGuest' },
);
export type UpdateGuestBody = Static<typeof UpdateGuestBody>;

function mapOptional<T extends Record<string, Parameters<typeof Type.Optional>[0]>>(fields: T) {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])) as {
    [K in keyof T]: ReturnType<typeof Type.Optional<T[K]>>;
  };
}

export type ProfileField = keyof typeof profileFields;
export const PROFILE_FIELDS = Object.keys(profileFields) as ProfileField[];

export const GuestStats = Type.Object({
  assigned_tasks: Type.Integer(),
  tasks_completed: Type.Integer(),
  last_task_completed_at: Timestamp('When the guest last completed a task.'),
  one_off_tasks_completed: Type.Integer(),
  last_one_off_task_completed_at: Timestamp('When the guest last completed a one-off task.'),
});
export type GuestStats = Static<typeof GuestStats>;

export const GuestDetails = Type.Object({
  status: NullableString(),
  phone_1: NullableString(),
  phone_2: NullableString(),
  timezone: NullableString(),
  image_url: NullableString(),
  contact_url: NullableString(),
  company_url: NullableString(),
  opportunity_url: NullableString(),
  company_name: NullableString(),
  opportunity_name: NullableString(),
  external_sync_source: NullableString(),
  external_date_creation: NullableString(),
  cadence_days: NullableArray(Type.String()),
  associated_members: NullableArray(Type.Integer()),
  last_city: NullableString(),
  last_country: NullableString(),
  last_accessed_at: Timestamp('When the guest last opened their link.'),
  disabled_at: Timestamp('When the guest was disabled in this organization.'),
  disabled_by: NullableInteger({ description: 'The member who disabled the guest.' }),
  reactivated_at: Timestamp('When the guest was last enabled again.'),
  reactivated_by: NullableInteger({ description: 'The member who enabled the guest again.' }),
});

/** The guest object (docs/guests.md, The guest object); keys in this order, every one always present. */
export const Guest = Type.Object(
  {
    id: Type.Integer({ description: 'The global guest id: the same in every organization.' }),
    email: Type.String(),
    last_accessed_at: Timestamp('When the guest last opened their link.'),
    last_known_ip: NullableString(),
    last_known_country: NullableString(),
    first_name: NullableString(),
    last_name: NullableString(),
    created_at: RequiredTimestamp('When the guest joined this organization.'),
    deleted_at: Timestamp('When the guest was removed from this organization.'),
    link: NullableString({
      description:
        "The guest's secret link for this organization; null once removed, and always null for a light member (the link lets its holder act as the guest).",
    }),
    details: GuestDetails,
    stats: Type.Optional(GuestStats),
  },
  { $id: 'Guest', title: 'Guest' },
);
export type Guest = Static<typeof Guest>;

// Titled: the OpenAPI document names them as components (src/http/openapi-components.ts).
export const GuestEnvelope = Type.Object({ data: Type.Ref('Guest') }, { title: 'GuestEnvelope' });
/** The list's pagination block; a cursor page adds `next_cursor` (docs/guests.md, List guests, Cursor paging). */
export const GuestListMeta = Type.Object({
  pagination: Type.Object({
    ...PaginationMeta.properties.pagination.properties,
    next_cursor: Type.Optional(
      NullableString({
        description: 'Cursor pages only: the `cursor` of the next page (also in `links.next`); null on the last page.',
      }),
    ),
  }),
});
export const GuestListEnvelope = Type.Object(
  { data: Type.Array(Type.Ref('Guest')), meta: GuestListMeta },
  { title: 'GuestList' },
);

export const OrgParams = Type.Object({ org_id: OrganizationIdParam });
export const GuestParams = Type.Object({
  org_id: OrganizationIdParam,
  guest_email: Type.String({
    description:
      "The guest's email, URL-encoded; matched in its one form (case, Unicode normalization and punycode domains do not matter).",
    maxLength: 320,
  }),
});

/**
 * Every field of the guest object that has an order (arrays and the link do not), plus `name`
 * (first name, then last name) and `updated_at`, which Tallyfy's clients offer.
 */
export const SORT_KEYS = [
  'created_at',
  'updated_at',
  'id',
  'email',
  'name',
  'first_name',
  'last_name',
  'last_accessed_at',
  'last_known_ip',
  'last_known_country',
  'status',
  'phone_1',
  'phone_2',
  'timezone',
  'image_url',
  'contact_url',
  'company_url',
  'opportunity_url',
  'company_name',
  'opportunity_name',
  'external_sync_source',
  'external_date_creation',
  'last_city',
  'last_country',
  'disabled_at',
  'disabled_by',
  'reactivated_at',
  'reactivated_by',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];
const sortValues = SORT_KEYS.flatMap((k) => [k, `-${k}`]);
const sortDescription = `Sort key, a leading \`-\` for descending; default \`created_at\`. One of: ${SORT_KEYS.map((k) => `\`${k}\``).join(', ')} (\`name\` is first name, then last name).`;

/** Longer than any cursor List guests writes (two 200-character names, a 320-character email). */
const MAX_CURSOR_LENGTH = 4096;

export const ListGuestsQuery = Type.Object({
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'Case-insensitive substring of email, first or last name, or company.',
    }),
  ),
  sort: Type.Optional(Type.String({ enum: sortValues, description: sortDescription })),
  sort_by: Type.Optional(Type.String({ enum: sortValues, description: 'Alias of `sort`.' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  per_page: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PER_PAGE,
      description: `Guests per page, at most ${MAX_PER_PAGE}; default ${DEFAULT_PER_PAGE}.`,
    }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_PER_PAGE,
      description: "Synonym of `per_page`, as some of Tallyfy's clients send it; `per_page` wins when both are sent.",
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      maxLength: MAX_CURSOR_LENGTH,
      description:
        'Cursor paging: empty for the first page, then `meta.pagination.next_cursor`. Stable while guests are added and removed; not with `page` or `without_pagination`.',
    }),
  ),
  without_pagination: Type.Optional(Type.Boolean({ description: '`true`: every guest, streamed, no pagination.' })),
  with: Type.Optional(Type.String({ enum: ['stats'], description: '`stats` adds the stats object to each guest.' })),
});
export type ListGuestsQuery = Static<typeof ListGuestsQuery>;

export const WithQuery = Type.Object({
  with: Type.Optional(Type.String({ enum: ['stats'], description: '`stats` adds the stats object.' })),
});
