/**
 * The owners' views (docs/tasks.md: List guest's tasks, List member's tasks, List own tasks): the
 * task list narrowed to one owner, with the same query parameters and envelope.
 */
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../http/request-parts.js';
import { paginationMeta } from '../http/pagination.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import { AUTH_ERRORS, errorResponses } from '../http/schemas.js';
import { GuestTasksParams, ListTasksQuery, OrgParams, TaskListEnvelope, UserTasksParams } from './task.requests.js';
import { TASKS_TAG } from './task.routes.js';

export function taskViewRoutes(app: RouteApp, { tasks, config }: Services): void {
  const envelope = (request: FastifyRequest, page: Awaited<ReturnType<typeof tasks.list>>) => ({
    data: page.tasks,
    meta: paginationMeta(config.publicBaseUrl, request, page.total, page.tasks.length, page.perPage, page.page),
  });

  app.get(
    '/organizations/:org_id/guests/:guest_email/tasks',
    {
      config: { access: 'read' },
      schema: {
        tags: [TASKS_TAG],
        summary: "List a guest's tasks",
        params: GuestTasksParams,
        querystring: ListTasksQuery,
        response: {
          200: { description: 'A page of the tasks the guest owns.', ...TaskListEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 422], { 404: 'The email is not a guest of this organization.' }),
        },
      },
    },
    async (request) =>
      envelope(request, await tasks.listForGuest(actorOf(request), request.params.guest_email, request.query)),
  );

  app.get(
    '/organizations/:org_id/users/:user_id/tasks',
    {
      config: { access: 'read' },
      schema: {
        tags: [TASKS_TAG],
        summary: "List a member's tasks",
        params: UserTasksParams,
        querystring: ListTasksQuery,
        response: {
          200: { description: 'A page of the tasks the member owns.', ...TaskListEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 422], { 404: 'No member with this id in this organization.' }),
        },
      },
    },
    async (request) =>
      envelope(request, await tasks.listForUser(actorOf(request), request.params.user_id, request.query)),
  );

  app.get(
    '/organizations/:org_id/me/tasks',
    {
      config: { access: 'read' },
      schema: {
        tags: [TASKS_TAG],
        summary: "List the caller's tasks",
        params: OrgParams,
        querystring: ListTasksQuery,
        response: {
          200: { description: 'A page of the tasks the caller owns.', ...TaskListEnvelope },
          ...errorResponses([...AUTH_ERRORS, 422]),
        },
      },
    },
    async (request) => envelope(request, await tasks.listMine(actorOf(request), request.query)),
  );
}
