/**
 * Groups of an organization's members and guests, at the paths and with the statuses Tallyfy's
 * clients use (201 on update and 204 on delete, as its documentation and Go sample check).
 */
import type { FastifyReply } from 'fastify';
import { actorOf, bodyToCheck, unchecked } from '../http/request-parts.js';
import { paginationMeta } from '../http/pagination.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../http/schemas.js';
import {
  CreateGroupBody,
  GroupEnvelope,
  GroupListEnvelope,
  GroupParams,
  ListGroupsQuery,
  OrgParams,
  UpdateGroupBody,
} from './group.schemas.js';

const TAG = 'Groups';
const NOT_FOUND = { 404: 'No group with this id in this organization.' };

/** 204 with no body at all (the response schema's `null` only documents it). */
function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

export function groupRoutes(app: RouteApp, { groups, config }: Services): void {
  app.get(
    '/organizations/:org_id/groups',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: "List the organization's groups",
        params: OrgParams,
        querystring: ListGroupsQuery,
        response: {
          200: { description: 'A page of groups.', ...GroupListEnvelope },
          ...errorResponses([...AUTH_ERRORS, 422]),
        },
      },
    },
    async (request) => {
      const page = await groups.list(actorOf(request), request.query);
      return {
        data: page.groups,
        meta: paginationMeta(config.publicBaseUrl, request, page.total, page.groups.length, page.perPage, page.page),
      };
    },
  );

  app.get(
    '/organizations/:org_id/groups/:group_id',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: 'Get one group',
        params: GroupParams,
        response: {
          200: { description: 'The group.', ...GroupEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404], NOT_FOUND),
        },
      },
    },
    async (request) => {
      return { data: await groups.get(actorOf(request), request.params.group_id) };
    },
  );

  app.post(
    '/organizations/:org_id/groups',
    {
      config: { access: 'write' },
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: 'Create a group',
        description:
          'Members are member ids (integers or strings of digits); guests are emails of guests of this organization.',
        params: OrgParams,
        body: unchecked(CreateGroupBody),
        response: {
          201: { description: 'The new group.', ...GroupEnvelope },
          ...errorResponses([...AUTH_ERRORS, ...BODY_ERRORS]),
        },
      },
    },
    async (request, reply) => {
      const { fields, failures } = bodyToCheck(request);
      const group = await groups.create(actorOf(request), fields, failures);
      return reply.code(201).send({ data: group });
    },
  );

  app.put(
    '/organizations/:org_id/groups/:group_id',
    {
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
        body: unchecked(UpdateGroupBody),
        response: {
          201: {
            description: 'The updated group (201, as Tallyfy documents and its samples check).',
            ...GroupEnvelope,
          },
          ...errorResponses([...AUTH_ERRORS, 404, ...BODY_ERRORS], NOT_FOUND),
        },
      },
    },
    async (request, reply) => {
      const { fields, failures } = bodyToCheck(request);
      const group = await groups.update(actorOf(request), request.params.group_id, fields, failures);
      return reply.code(201).send({ data: group });
    },
  );

  app.delete(
    '/organizations/:org_id/groups/:group_id',
    {
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
    },
    async (request, reply) => {
      await groups.remove(actorOf(request), request.params.group_id);
      return noContent(reply);
    },
  );
}
