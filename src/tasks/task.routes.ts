/**
 * Create task, List tasks, Get task, Update task, Delete task and Clone task (docs/tasks.md), at
 * the paths and with the statuses Tallyfy's clients use. Each declares its params, query, body and
 * every response, so the same object validates, serializes and documents the operation.
 */
import type { FastifyReply } from 'fastify';
import { actorOf, bodyToCheck, unchecked } from '../http/request-parts.js';
import { paginationMeta } from '../http/pagination.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../http/schemas.js';
import {
  CreateTaskBody,
  GetTaskQuery,
  ListTasksQuery,
  OrgParams,
  TaskEnvelope,
  TaskListEnvelope,
  TaskParams,
  UpdateTaskBody,
  withThreads,
} from './task.requests.js';

export const TASKS_TAG = 'Tasks';
const TAG = TASKS_TAG;
const NOT_FOUND = { 404: 'No task with this id in this organization.' };

export function taskRoutes(app: RouteApp, { tasks, config }: Services): void {
  app.post(
    '/organizations/:org_id/tasks',
    {
      config: { access: 'write' },
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: 'Create a task',
        description:
          'Owners: members, guests (an email not yet a guest joins as create guest joins it, counted against the invite cap) and groups. A task with a guest always has a member owner: the creator when no member is given.',
        params: OrgParams,
        body: unchecked(CreateTaskBody),
        response: {
          201: { description: 'The new task.', ...TaskEnvelope },
          ...errorResponses([...AUTH_ERRORS, ...BODY_ERRORS]),
        },
      },
    },
    async (request, reply) => {
      const { fields, failures } = bodyToCheck(request);
      return reply.code(201).send({ data: await tasks.create(actorOf(request), fields, failures) });
    },
  );

  app.get(
    '/organizations/:org_id/tasks',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: "List the organization's tasks",
        description: 'Open tasks unless `status` says otherwise, by deadline unless `sort` says otherwise.',
        params: OrgParams,
        querystring: ListTasksQuery,
        response: {
          200: { description: 'A page of tasks.', ...TaskListEnvelope },
          ...errorResponses([...AUTH_ERRORS, 422]),
        },
      },
    },
    async (request) => {
      const page = await tasks.list(actorOf(request), request.query);
      return {
        data: page.tasks,
        meta: paginationMeta(config.publicBaseUrl, request, page.total, page.tasks.length, page.perPage, page.page),
      };
    },
  );

  app.get(
    '/organizations/:org_id/tasks/:task_id',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: 'Get one task',
        params: TaskParams,
        querystring: GetTaskQuery,
        response: {
          200: { description: 'The task.', ...TaskEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 422], NOT_FOUND),
        },
      },
    },
    async (request) => {
      const threads = withThreads(request.query.with);
      return { data: await tasks.get(actorOf(request), request.params.task_id, threads) };
    },
  );

  app.put(
    '/organizations/:org_id/tasks/:task_id',
    {
      config: { access: 'write' },
      attachValidation: true,
      // A client with nothing to change may send no body: an update of nothing, not an error.
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
      schema: {
        tags: [TAG],
        summary: 'Update a task',
        description:
          'Partial: keys not sent are unchanged. `owners` replaces every owner (same rules as create); `form_fields` replaces the definitions: an item with the `id` of a field of the task keeps its value.',
        params: TaskParams,
        body: unchecked(UpdateTaskBody),
        response: {
          200: { description: 'The updated task.', ...TaskEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, ...BODY_ERRORS], NOT_FOUND),
        },
      },
    },
    async (request) => {
      const { fields, failures } = bodyToCheck(request);
      return { data: await tasks.update(actorOf(request), request.params.task_id, fields, failures) };
    },
  );

  app.delete(
    '/organizations/:org_id/tasks/:task_id',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Delete a task',
        description: 'The task goes with its owners, fields and comments; its guests stay in the organization.',
        params: TaskParams,
        response: {
          204: { description: 'Deleted; no body.', type: 'null' },
          ...errorResponses([...AUTH_ERRORS, 404], NOT_FOUND),
        },
      },
    },
    async (request, reply) => {
      await tasks.remove(actorOf(request), request.params.task_id);
      return noContent(reply);
    },
  );

  app.post(
    '/organizations/:org_id/tasks/:task_id/clone',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Clone a task',
        description:
          'A new open task with the same title, summary, deadline, type, owners and field definitions; no values, no comments.',
        params: TaskParams,
        response: {
          201: { description: 'The new task.', ...TaskEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404], NOT_FOUND),
        },
      },
    },
    async (request, reply) => {
      return reply.code(201).send({ data: await tasks.clone(actorOf(request), request.params.task_id) });
    },
  );
}

/** 204 with no body at all (the response schema's `null` only documents it). */
function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}
