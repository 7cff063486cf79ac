/** `GET /organizations/{org_id}/users`: the members the guest rules refer to. */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { Database } from '../db/types.js';
import { AUTH_ERRORS, NullableString, OrganizationIdParam, errorResponses } from '../http/schemas.js';
import { listMembers } from './member.repository.js';

export const Member = Type.Object(
  {
    id: Type.Integer({ description: 'The member (user) id.' }),
    email: Type.String(),
    first_name: NullableString(),
    last_name: NullableString(),
    role: Type.String({ enum: ['admin', 'standard', 'light'] }),
  },
  { $id: 'Member', title: 'Member' },
);

export function memberRoutes(app: FastifyInstance, { db }: { db: Kysely<Database> }): void {
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
    return { data: await listMembers(db, org_id) };
  });
}
