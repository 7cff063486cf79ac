/**
 * The group API's schemas: request validators, response serializers (which drop any field not
 * declared) and the OpenAPI text, one object each.
 */
import { Type, type Static } from 'typebox';
import { NullableArray, NullableString, OrganizationIdParam, PaginationMeta } from '../http/schemas.js';
import { MAX_EMAIL, MAX_NAME } from '../core/limits.js';

export const MAX_GROUP_DESCRIPTION = 5000;
/** Members, and guests, in one group: bounds one request's lookups and inserts. */
export const MAX_GROUP_ITEMS = 1000;
export const MAX_GROUP_PER_PAGE = 100;
/** Tallyfy documents 10 for the group list (not the guest list's default). */
export const DEFAULT_GROUP_PER_PAGE = 10;

const stamp = (what: string) =>
  Type.String({ description: `${what} (UTC, \`YYYY-MM-DD HH:MM:SS\`).`, example: '2025-01-15 10:30:00' });

/** The group object; keys in this order, every one always present. */
export const Group = Type.Object(
  {
    id: Type.String({
      description: 'The group id: 32 lowercase hex characters.',
      example: '0b5e3c1f9a2d4e6f8a0b1c2d3e4f5a6b',
    }),
    name: Type.String({ description: 'Unique in the organization without regard to case.' }),
    description: NullableString(),
    logo: NullableString({ description: 'Always null: no group pictures are kept.' }),
    members: Type.Array(Type.Integer(), { description: 'Member (user) ids, ascending.' }),
    guests: Type.Array(Type.String(), {
      description: "Emails of the group's guests who are still guests of the organization, ascending.",
    }),
    created_at: stamp('When the group was created'),
    last_updated: stamp('When the group was last changed; the same as `updated_at`'),
    updated_at: stamp('When the group was last changed'),
  },
  { title: 'Group' },
);
export type Group = Static<typeof Group>;

export const GroupEnvelope = Type.Object({ data: Group }, { title: 'GroupEnvelope' });
export const GroupListEnvelope = Type.Object({ data: Type.Array(Group), meta: PaginationMeta }, { title: 'GroupList' });

export const OrgParams = Type.Object({ org_id: OrganizationIdParam });
export const GroupParams = Type.Object({
  org_id: OrganizationIdParam,
  // Not constrained here (the router bounds its length): an id of another shape names no group
  // and is answered 404 like an unknown one, not 422.
  group_id: Type.String({ description: 'The group id: 32 lowercase hex characters.' }),
});

/**
 * n8n sends member ids as strings (`["1001"]`), the SDK as integers: both are read. Which ids
 * exist is the service's question, so no range is declared here.
 */
const MemberRef = Type.Unsafe<number | string>({
  type: ['integer', 'string'],
  pattern: '^[0-9]+$',
  description: 'A member (user) id of this organization: an integer or a string of digits.',
});

const groupFields = {
  description: NullableString({
    maxLength: MAX_GROUP_DESCRIPTION,
    description: `At most ${MAX_GROUP_DESCRIPTION} characters; \`""\` or null for none.`,
  }),
  members: NullableArray(MemberRef, {
    maxItems: MAX_GROUP_ITEMS,
    description:
      'Member ids of this organization; replaces the whole list; duplicates count once; `[]` or null for none.',
  }),
  guests: NullableArray(Type.String({ maxLength: MAX_EMAIL }), {
    maxItems: MAX_GROUP_ITEMS,
    description:
      'Emails of guests of this organization (any case or spelling of the domain); replaces the whole list; `[]` or null for none.',
  }),
};

const nameField = Type.String({
  minLength: 1,
  maxLength: MAX_NAME,
  description: `At most ${MAX_NAME} characters, trimmed; unique in the organization without regard to case.`,
});

export const CreateGroupBody = Type.Object(
  {
    name: nameField,
    description: Type.Optional(groupFields.description),
    members: Type.Optional(groupFields.members),
    guests: Type.Optional(groupFields.guests),
  },
  { additionalProperties: false, title: 'CreateGroup' },
);
export type CreateGroupBody = Static<typeof CreateGroupBody>;

export const UpdateGroupBody = Type.Object(
  {
    name: Type.Optional(nameField),
    description: Type.Optional(groupFields.description),
    members: Type.Optional(groupFields.members),
    guests: Type.Optional(groupFields.guests),
  },
  { additionalProperties: false, title: 'UpdateGroup' },
);
export type UpdateGroupBody = Static<typeof UpdateGroupBody>;

export const GROUP_SORT_KEYS = ['name', 'created_at', 'updated_at'] as const;
export type GroupSortKey = (typeof GROUP_SORT_KEYS)[number];
const sortValues = GROUP_SORT_KEYS.flatMap((k) => [k, `-${k}`]);

export const ListGroupsQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: MAX_NAME, description: 'Case-insensitive substring of the name.' })),
  sort: Type.Optional(
    Type.String({
      enum: sortValues,
      description: '`name`, `created_at` or `updated_at`, a leading `-` for descending; default `name`.',
    }),
  ),
  sort_by: Type.Optional(
    Type.String({
      enum: sortValues,
      description: "Alias of `sort` (Tallyfy's documented name); `sort` wins when both are sent.",
    }),
  ),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
  per_page: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_GROUP_PER_PAGE,
      description: `Groups per page, at most ${MAX_GROUP_PER_PAGE}; default ${DEFAULT_GROUP_PER_PAGE}.`,
    }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_GROUP_PER_PAGE,
      description: 'Synonym of `per_page`, as n8n sends it; `per_page` wins when both are sent.',
    }),
  ),
});
export type ListGroupsQuery = Static<typeof ListGroupsQuery>;
