/** `GET /organizations/{org_id}/users`: the members the guest rules refer to. */
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { RouteDeps } from '../http/route-deps.js';
import { AUTH_ERRORS, OrganizationIdParam, errorResponses } from '../http/schemas.js';
import { listMembers } from './member.repository.js';
import { memberRowToMember } from './member.mapper.js';

export function memberRoutes(app: FastifyInstance, { db }: RouteDeps): void {
  app.get('/organizations/:org_id/users', {
    config: { access: 'read' },
    schema: {
      tags: ['Members'],
      summary: 'List the organization\'s members',
      params: Type.Object({ org_id: OrganizationIdParam }),
      response: {
        200: { description: 'Every member of the organization.', ...Type.Object({ data: Type.Array(Type.Ref('Member')) }) },
        ...errorResponses(AUTH_ERRORS),
      },
    },
  }, async (request) => {
    const { org_id } = request.params as { org_id: string };
    return { data: (await listMembers(db, org_id)).map(memberRowToMember) };
  });
}
