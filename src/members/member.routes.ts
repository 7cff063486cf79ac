/**
 * Members of an organization: list (and the light list), one member, role change, disable, enable,
 * removal and permanent deletion, on Tallyfy's paths. Changes are for administrators.
 */
import { Type } from 'typebox';
import { paginationMeta } from '../http/pagination.js';
import { pageRequest } from '../core/paging.js';
import { AUTH_ERRORS, BODY_ERRORS, OrganizationIdParam, PaginationMeta, errorResponses } from '../http/schemas.js';
import { MAX_ID } from '../core/limits.js';
import type { Role } from '../db/types.js';
import { MemberEnvelope, MemberIdParams } from './member.schemas.js';
import { MEMBER_SORT_KEYS } from './member.service.js';
import { actorOf } from '../http/request-parts.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';

const TAG = 'Members';
const MAX_MEMBERS_PER_PAGE = 10_000;
/** Tallyfy documents 9999 members a page by default: in practice, every member. */
const DEFAULT_MEMBERS_PER_PAGE = 9999;

const sortValues = MEMBER_SORT_KEYS.flatMap((k) => [k, `-${k}`]);

const ListMembersQuery = Type.Object({
  q: Type.Optional(
    Type.String({ maxLength: 200, description: 'Case-insensitive substring of email, first, last or full name.' }),
  ),
  sort: Type.Optional(
    Type.String({ enum: sortValues, description: 'Sort key, a leading `-` for descending; default `id`.' }),
  ),
  sort_by: Type.Optional(Type.String({ enum: sortValues, description: 'Alias of `sort`.' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  per_page: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_MEMBERS_PER_PAGE,
      description: `Members per page; default ${DEFAULT_MEMBERS_PER_PAGE}.`,
    }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_MEMBERS_PER_PAGE,
      description: 'Synonym of `per_page` (n8n sends it); `per_page` wins.',
    }),
  ),
  with: Type.Optional(
    Type.String({ maxLength: 200, description: "Accepted for Tallyfy's clients; no embedded objects are added." }),
  ),
});

const RoleBody = Type.Object(
  {
    role: Type.Unsafe<Role>({
      type: 'string',
      enum: ['admin', 'standard', 'light'] satisfies Role[],
      description: 'The new role.',
    }),
  },
  { additionalProperties: false, title: 'MemberRoleChange' },
);

const RemoveQuery = Type.Object({
  with_reassignment: Type.Optional(
    Type.Boolean({
      description: "Accepted as Tallyfy's clients send it; with `to`, names who takes over the member's work.",
    }),
  ),
  to: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_ID, description: 'Another enabled member of the organization.' }),
  ),
});

const MemberListEnvelope = Type.Object({ data: Type.Array(Type.Ref('Member')), meta: PaginationMeta });
const ErasedMemberEnvelope = Type.Object({
  data: Type.Object({
    id: Type.Integer(),
    email: Type.String(),
    deleted: Type.Boolean({ description: 'Always `true`.' }),
  }),
});

const ADMIN_ONLY = { 403: 'Not a member of the organization, or not an administrator.' };
const LAST_ADMIN = { 409: 'The change would leave the organization without an enabled administrator.' };

export function memberRoutes(app: RouteApp, { members, config }: Services): void {
  const OrgParams = Type.Object({ org_id: OrganizationIdParam });

  app.get(
    '/organizations/:org_id/users',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: "List the organization's members and invitees",
        description: 'Active and disabled members, and open invitations as members with status `invited`.',
        params: OrgParams,
        querystring: ListMembersQuery,
        response: {
          200: { description: 'A page of members.', ...MemberListEnvelope },
          ...errorResponses([...AUTH_ERRORS, 422]),
        },
      },
    },
    async (request) => {
      const query = request.query;
      const { page, perPage } = pageRequest(query, DEFAULT_MEMBERS_PER_PAGE);
      const result = await members.list(actorOf(request), {
        q: query.q,
        sort: query.sort ?? query.sort_by,
        page,
        perPage,
      });
      return {
        data: result.members,
        meta: paginationMeta(config.publicBaseUrl, request, result.total, result.members.length, perPage, page),
      };
    },
  );

  app.get(
    '/organizations/:org_id/users-list',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: 'Every member, without paging (for pickers)',
        params: OrgParams,
        response: {
          200: { description: 'Every member.', ...Type.Object({ data: Type.Array(Type.Ref('Member')) }) },
          ...errorResponses([...AUTH_ERRORS, 422]),
        },
      },
    },
    async (request) => ({ data: await members.listAll(actorOf(request)) }),
  );

  app.get(
    '/organizations/:org_id/users/:user_id',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: 'Get one member (or invitee)',
        params: MemberIdParams,
        response: {
          200: { description: 'The member.', ...MemberEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 422]),
        },
      },
    },
    async (request) => ({ data: await members.get(actorOf(request), request.params.user_id) }),
  );

  app.put(
    '/organizations/:org_id/users/:user_id/role',
    {
      config: { access: 'admin' },
      schema: {
        tags: [TAG],
        summary: "Change a member's role",
        description: 'Admins only. The last enabled administrator cannot be given another role.',
        params: MemberIdParams,
        body: RoleBody,
        response: {
          200: { description: 'The member with the new role.', ...MemberEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 409, ...BODY_ERRORS], { ...ADMIN_ONLY, ...LAST_ADMIN }),
        },
      },
    },
    async (request) => ({
      data: await members.changeRole(actorOf(request), request.params.user_id, request.body.role),
    }),
  );

  app.delete(
    '/organizations/:org_id/users/:user_id/disable',
    {
      config: { access: 'admin' },
      schema: {
        tags: [TAG],
        summary: 'Disable a member',
        description:
          "Admins only. The member's tokens stop working in this organization at once, on every instance. A member disabled already is answered unchanged.",
        params: MemberIdParams,
        response: {
          200: { description: 'The disabled member.', ...MemberEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 409, 422], { ...ADMIN_ONLY, ...LAST_ADMIN }),
        },
      },
    },
    async (request) => ({ data: await members.disable(actorOf(request), request.params.user_id) }),
  );

  app.put(
    '/organizations/:org_id/users/:user_id/enable',
    {
      config: { access: 'admin' },
      schema: {
        tags: [TAG],
        summary: 'Enable a disabled member',
        description:
          'Admins only. `reactivated_at`/`reactivated_by` are set; a member who is not disabled is answered unchanged.',
        params: MemberIdParams,
        response: {
          200: { description: 'The enabled member.', ...MemberEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 422], ADMIN_ONLY),
        },
      },
    },
    async (request) => ({ data: await members.enable(actorOf(request), request.params.user_id) }),
  );

  app.delete(
    '/organizations/:org_id/users/:user_id',
    {
      config: { access: 'admin' },
      schema: {
        tags: [TAG],
        summary: 'Remove a member from the organization',
        description:
          'Admins only. The member leaves the organization and its groups; the user keeps their other organizations. For an invitee, the invitation is withdrawn. The last enabled administrator cannot be removed.',
        params: MemberIdParams,
        querystring: RemoveQuery,
        response: {
          200: { description: 'The member as they were.', ...MemberEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 409, 422], { ...ADMIN_ONLY, ...LAST_ADMIN }),
        },
      },
    },
    async (request) => {
      return { data: await members.remove(actorOf(request), request.params.user_id, request.query.to) };
    },
  );

  app.delete(
    '/organizations/:org_id/users/:user_id/delete',
    {
      config: { access: 'admin' },
      schema: {
        tags: [TAG],
        summary: 'Permanently delete a disabled member',
        description:
          'Admins only. The member must be disabled first. The membership goes, and the user with all their tokens once they belong to no organization.',
        params: MemberIdParams,
        response: {
          200: { description: 'The member was deleted.', ...ErasedMemberEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 422], {
            ...ADMIN_ONLY,
            422: '`MEMBER_NOT_DISABLED`: disable the member first (or the path failed validation).',
          }),
        },
      },
    },
    async (request) => ({ data: await members.erase(actorOf(request), request.params.user_id) }),
  );
}
