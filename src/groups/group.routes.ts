/**
 * Groups of an organization's members and guests, at the paths and with the statuses Tallyfy's
 * clients use (201 on update and 204 on delete, as its documentation and Go sample check).
 */
import type { FastifyInstance } from 'fastify';
import { actorOf, schemaErrors } from '../http/request-parts.js';
import { paginationMeta } from '../http/pagination.js';
import type { RouteDeps } from '../http/route-deps.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../http/schemas.js';
import {
  CreateGroupBody, GroupEnvelope, GroupListEnvelope, GroupParams, ListGroupsQuery, OrgParams, UpdateGroupBody,
} from './group.schemas.js';
import { createGroupService } from './group.service.js';

const TAG = 'Groups';
const NOT_FOUND = { 404: 'No group with this id in this organization.' };

export function groupRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const groups = createGroupService({ db: deps.db });

  app.get('/organizations/:org_id/groups', {
    config: { access: 'read' },
    schema: {
      tags: [TAG],
      summary: 'List the organization\'s groups',
      params: OrgParams,
      querystring: ListGroupsQuery,
      response: { 200: { description: 'A page of groups.', ...GroupListEnvelope }, ...errorResponses([...AUTH_ERRORS, 422]) },
    },
  }, async (request) => {
    const page = await groups.list(actorOf(request), request.query as ListGroupsQuery);
    return { data: page.groups, meta: paginationMeta(deps.config.publicBaseUrl, request, page.total, page.groups.length, page.perPage, page.page) };
  });

  app.get('/organizations/:org_id/groups/:group_id', {
    config: { access: 'read' },
    schema: {
      tags: [TAG],
      summary: 'Get one group',
      params: GroupParams,
      response: { 200: { description: 'The group.', ...GroupEnvelope }, ...errorResponses([...AUTH_ERRORS, 404], NOT_FOUND) },
    },
  }, async (request) => {
    const { group_id } = request.params as { group_id: string };
    return { data: await groups.get(actorOf(request), group_id) };
  });

  app.post('/organizations/:org_id/groups', {
    config: { access: 'write' },
    attachValidation: true,
    schema: {
      tags: [TAG],
      summary: 'Create a group',
      description: 'Members are member ids (integers or strings of digits); guests are emails of guests of this organization.',
      params: OrgParams,
      body: CreateGroupBody,
      response: {
        201: { description: 'The new group.', ...GroupEnvelope },
        ...errorResponses([...AUTH_ERRORS, ...BODY_ERRORS]),
      },
    },
  }, async (request, reply) => {
    const group = await groups.create(actorOf(request), request.body as CreateGroupBody, schemaErrors(request));
    return reply.code(201).send({ data: group });
  });

  app.put('/organizations/:org_id/groups/:group_id', {
    config: { access: 'write' },
    attachValidation: true,
    // n8n sends no body when it has nothing to change: that is an update of nothing, not an error.
    preValidation: async (request) => {
      if (request.body === undefined) request.body = {};
    },
    schema: {
      tags: [TAG],
      summary: 'Update a group',
      description: 'Partial: keys not sent are unchanged. `members` and `guests` each replace the whole list.',
      params: GroupParams,
      body: UpdateGroupBody,
      response: {
        201: { description: 'The updated group (201, as Tallyfy documents and its samples check).', ...GroupEnvelope },
        ...errorResponses([...AUTH_ERRORS, 404, ...BODY_ERRORS], NOT_FOUND),
      },
    },
  }, async (request, reply) => {
    const { group_id } = request.params as { group_id: string };
    const group = await groups.update(actorOf(request), group_id, request.body as UpdateGroupBody, schemaErrors(request));
    return reply.code(201).send({ data: group });
  });

  app.delete('/organizations/:org_id/groups/:group_id', {
    config: { access: 'write' },
    schema: {
      tags: [TAG],
      summary: 'Delete a group',
      description: 'The group goes; its members and guests stay in the organization.',
      params: GroupParams,
      response: {
        204: { description: 'Deleted; no body.', type: 'null' },
        ...errorResponses([...AUTH_ERRORS, 404], NOT_FOUND),
      },
    },
  }, async (request, reply) => {
    const { group_id } = request.params as { group_id: string };
    await groups.remove(actorOf(request), group_id);
    return reply.code(204).send();
  });
}
