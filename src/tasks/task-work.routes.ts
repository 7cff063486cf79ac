/**
 * Working on a task, for members (docs/task-work.md): saving values, completing and reopening.
 * Writes need an admin or standard member: a light member reads only (403).
 */
import { actorOf, validBody, unchecked } from '../http/request-parts.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../http/schemas.js';
import { CompleteBody, OrgParams, SaveValuesBody, TaskEnvelope, TaskParams } from './task-work.schemas.js';
import { taskCommentRoutes } from './task-comments.routes.js';

const TAG = 'Tasks';
const NOT_FOUND = { 404: 'No task with this id in this organization.' };

export function taskWorkRoutes(app: RouteApp, services: Services): void {
  const { taskWork } = services;

  app.put(
    '/organizations/:org_id/tasks/:task_id/values',
    {
      config: { access: 'write' },
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: "Save a task's field values",
        description:
          'Every value is checked by its field type; one 422 names every bad or unknown field (`taskdata.<field id>`) and nothing is saved. A completed task cannot change (422).',
        params: TaskParams,
        body: unchecked(SaveValuesBody),
        response: {
          200: { description: 'The task with its values.', ...TaskEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, ...BODY_ERRORS], NOT_FOUND),
        },
      },
    },
    async (request) => {
      const { taskdata } = validBody(request, SaveValuesBody);
      return {
        data: await taskWork.saveValues({ kind: 'member', ...actorOf(request) }, request.params.task_id, taskdata),
      };
    },
  );

  app.post(
    '/organizations/:org_id/completed-tasks',
    {
      config: { access: 'write' },
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: 'Complete a task',
        description:
          "Completes the task, or on an everyone-must-complete task the caller's part (the task completes with the last owner; a member who is not an owner completes it for all). Approval tasks need `is_approved`. An empty required field is 422. Already completed: 200, unchanged.",
        params: OrgParams,
        body: unchecked(CompleteBody),
        response: {
          201: { description: "Completed now (the task, or the caller's part).", ...TaskEnvelope },
          200: { description: "Already completed (or the caller's part was): unchanged.", ...TaskEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, ...BODY_ERRORS], NOT_FOUND),
        },
      },
    },
    async (request, reply) => {
      const body = validBody(request, CompleteBody);
      const { task, created } = await taskWork.completeTask({ kind: 'member', ...actorOf(request) }, body);
      return reply.code(created ? 201 : 200).send({ data: task });
    },
  );

  app.delete(
    '/organizations/:org_id/completed-tasks/:task_id',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Reopen a completed task',
        description:
          "Clears the completion, every owner's part and `is_approved`; each guest owner is emailed their link to the task. An open task: 200, unchanged.",
        params: TaskParams,
        response: {
          200: { description: 'The task, open.', ...TaskEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 422], NOT_FOUND),
        },
      },
    },
    async (request) => {
      return { data: await taskWork.reopen(actorOf(request), request.params.task_id) };
    },
  );

  taskCommentRoutes(app, services);
}
