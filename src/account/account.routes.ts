/**
 * The caller's own account, on Tallyfy's paths: who they are (`/me`, which Tallyfy's CLI and n8n
 * node call to check a token), their organizations, the organization and their membership in it,
 * the guests light list, and their personal access tokens.
 */
import { Type } from 'typebox';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import { paginationMeta } from '../http/pagination.js';
import { pageRequest } from '../core/paging.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../http/schemas.js';
import { MemberEnvelope } from '../members/member.schemas.js';
import {
  CreateTokenBody,
  GuestSummary,
  MyOrganizationsQuery,
  NewToken,
  OrgParams,
  OrganizationEnvelope,
  OrganizationListEnvelope,
  TokenIdParams,
} from './account.schemas.js';

const TAG = 'Account';
const DEFAULT_ORGANIZATIONS_PER_PAGE = 100;

export function accountRoutes(app: RouteApp, { account, config }: Services): void {
  app.get(
    '/me',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: 'The user the token belongs to',
        description: 'Clients call it to check a token.',
        response: {
          200: { description: 'The user.', ...Type.Object({ data: Type.Ref('User') }) },
          ...errorResponses([401, 429, 500, 503]),
        },
      },
    },
    async (request) => ({ data: await account.me(request.principal.userId) }),
  );

  app.get(
    '/me/organizations',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: 'The organizations the caller is an enabled member of',
        querystring: MyOrganizationsQuery,
        response: {
          200: { description: 'A page of organizations, by name.', ...OrganizationListEnvelope },
          ...errorResponses([401, 422, 429, 500, 503]),
        },
      },
    },
    async (request) => {
      const query = request.query;
      const { page, perPage } = pageRequest(query, DEFAULT_ORGANIZATIONS_PER_PAGE);
      const result = await account.organizations(request.principal.userId, { q: query.q, perPage, page });
      return {
        data: result.organizations,
        meta: paginationMeta(config.publicBaseUrl, request, result.total, result.organizations.length, perPage, page),
      };
    },
  );

  app.get(
    '/organizations/:org_id',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: 'One organization the caller belongs to',
        params: OrgParams,
        response: {
          200: { description: 'The organization.', ...OrganizationEnvelope },
          ...errorResponses([...AUTH_ERRORS, 422]),
        },
      },
    },
    async (request) => ({ data: await account.organization(request.principal.userId, request.params.org_id) }),
  );

  app.get(
    '/organizations/:org_id/me',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: 'The caller as a member of this organization',
        params: OrgParams,
        response: {
          200: { description: "The caller's member object.", ...MemberEnvelope },
          ...errorResponses([...AUTH_ERRORS, 422]),
        },
      },
    },
    async (request) => ({ data: await account.membership(request.principal.userId, request.params.org_id) }),
  );

  app.get(
    '/organizations/:org_id/guests-list',
    {
      config: { access: 'read' },
      schema: {
        tags: ['Guests'],
        summary: 'Every active guest, in short (for pickers)',
        description: "No pagination and no links: each guest's email, names, company, status and last access.",
        params: OrgParams,
        response: {
          200: { description: 'Every active guest, by email.', ...Type.Object({ data: Type.Array(GuestSummary) }) },
          ...errorResponses([...AUTH_ERRORS, 422]),
        },
      },
    },
    async (request) => ({ data: await account.guestSummaries(request.params.org_id) }),
  );

  app.get(
    '/me/tokens',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: "The caller's personal access tokens",
        description: 'Newest first, revoked and expired ones included; never the tokens themselves.',
        response: {
          200: { description: 'The tokens.', ...Type.Object({ data: Type.Array(Type.Ref('AccessToken')) }) },
          ...errorResponses([401, 429, 500, 503]),
        },
      },
    },
    async (request) => ({ data: await account.tokens(request.principal.userId, request.principal.tokenId) }),
  );

  app.post(
    '/me/tokens',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: 'Create a personal access token',
        description:
          'The token is in this answer only; the service keeps its hash. Works in every organization the caller is an enabled member of.',
        body: CreateTokenBody,
        response: {
          201: { description: 'The new token.', ...Type.Object({ data: NewToken }) },
          ...errorResponses([401, 429, 500, 503, ...BODY_ERRORS], {
            422: 'A field failed validation, or the caller has 100 working tokens already.',
          }),
        },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      return reply.code(201).send({ data: await account.createToken(request.principal.userId, body) });
    },
  );

  app.delete(
    '/me/tokens/:token_id',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: "Revoke one of the caller's tokens",
        description: 'It stops working at once on every instance. Revoking the token of the request is allowed.',
        params: TokenIdParams,
        response: {
          200: { description: 'The revoked token.', ...Type.Object({ data: Type.Ref('AccessToken') }) },
          ...errorResponses([401, 404, 422, 429, 500, 503]),
        },
      },
    },
    async (request) => {
      return {
        data: await account.revokeToken(request.principal.userId, request.params.token_id, request.principal.tokenId),
      };
    },
  );
}
