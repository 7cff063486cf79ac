/**
 * The guest's tasks as JSON (docs/guest-side.md, List my tasks, Get my task, Save my task values,
 * Comment on my task, Complete my task), under `/api/guest/{code}` only. A guest reaches only the
 * tasks they own in the organization of their link: any other task, like a code that opens
 * nothing, answers the one 404. The code and the task are checked before the body, so a bad body
 * never tells whether a task exists.
 */
import type { FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import { BODY_ERRORS, CODE_FAILURES_LIMITED, errorResponses } from '../http/schemas.js';
import { schemaErrors, unchecked } from '../http/request-parts.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import { collectFieldErrors } from '../core/validation.js';
import { Task } from '../tasks/task.schemas.js';
import { CommentBody, CommentEnvelope, SaveValuesBody, TaskEnvelope } from '../tasks/task-work.schemas.js';
import type { CompleteTaskInput, TaskActor, TaskStatusFilter } from '../tasks/task.ports.js';
import { GuestCodeParams } from './portal.schemas.js';

const TAG = 'Guest side';
const NOT_FOUND = {
  404: 'The code opens no active guest record, or the task is not one of this guest’s tasks in its organization; never which.',
  429: CODE_FAILURES_LIMITED,
};
const READ_ERRORS = [404, 429, 500, 503];
const WRITE_ERRORS = [...BODY_ERRORS, ...READ_ERRORS];

const GuestTaskParams = Type.Object({
  guest_code: GuestCodeParams.properties.guest_code,
  task_id: Type.String({ description: 'The task id: 32 lowercase hex characters.' }),
});
const ListQuery = Type.Object({
  status: Type.Optional(
    Type.String({
      enum: ['active', 'completed', 'all'],
      description: 'Open tasks, completed ones, or all (the default).',
    }),
  ),
});
const TaskListEnvelope = Type.Object({ data: Type.Array(Task) });
const GuestCompleteBody = Type.Object({
  is_approved: Type.Optional(
    Type.Boolean({ description: 'Required for approval tasks: true approves, false rejects; other tasks ignore it.' }),
  ),
  comment: Type.Optional(Type.String({ description: 'A comment added with the completion.' })),
});

type TaskRequest = FastifyRequest<{ Params: Static<typeof GuestTaskParams> }>;

export function guestTaskApiRoutes(app: RouteApp, { portal, taskWork, config: { publicBaseUrl } }: Services): void {
  const documented = { swaggerTransform: false as const };
  const servers = [{ url: `${publicBaseUrl}/api`, description: 'The guest API answers under /api only.' }];

  /** The guest of the code, and (for a request about one task) that the task is theirs; then the body's failures. */
  async function guestActor(request: TaskRequest): Promise<TaskActor & { kind: 'guest' }> {
    const guest = await portal.guestOf(request.params.guest_code);
    const failures = schemaErrors(request);
    if (Object.keys(failures).length > 0) {
      await taskWork.getForGuest(guest.organizationId, guest.organizationGuestId, request.params.task_id);
      collectFieldErrors(failures).throwIfAny();
    }
    return { kind: 'guest', organizationId: guest.organizationId, organizationGuestId: guest.organizationGuestId };
  }

  app.get(
    '/guest/:guest_code/tasks',
    {
      config: documented,
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: "The guest's tasks in the organization of this code",
        description: 'Open tasks first, by deadline; then completed ones, newest first.',
        security: [],
        servers,
        params: GuestCodeParams,
        querystring: ListQuery,
        response: {
          200: { description: "The guest's tasks.", ...TaskListEnvelope },
          ...errorResponses([...READ_ERRORS, 422], NOT_FOUND),
        },
      },
    },
    async (request) => {
      const guest = await portal.guestOf(request.params.guest_code);
      collectFieldErrors(schemaErrors(request)).throwIfAny();
      const status = (request.query.status ?? 'all') as TaskStatusFilter;
      return { data: await taskWork.listForGuest(guest.organizationId, guest.organizationGuestId, status) };
    },
  );

  app.get(
    '/guest/:guest_code/tasks/:task_id',
    {
      config: documented,
      schema: {
        tags: [TAG],
        summary: "One of the guest's tasks, with its comments",
        security: [],
        servers,
        params: GuestTaskParams,
        response: {
          200: { description: 'The task, with `threads`.', ...TaskEnvelope },
          ...errorResponses(READ_ERRORS, NOT_FOUND),
        },
      },
    },
    async (request) => {
      const guest = await portal.guestOf(request.params.guest_code);
      return {
        data: await taskWork.getForGuest(guest.organizationId, guest.organizationGuestId, request.params.task_id),
      };
    },
  );

  app.put(
    '/guest/:guest_code/tasks/:task_id/values',
    {
      config: documented,
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: "Save the values of one of the guest's tasks",
        description:
          "The rules of the organization's Save task values: one 422 names every bad field; nothing is saved then.",
        security: [],
        servers,
        params: GuestTaskParams,
        body: unchecked(SaveValuesBody),
        response: {
          200: { description: 'The task with its values and comments.', ...TaskEnvelope },
          ...errorResponses(WRITE_ERRORS, NOT_FOUND),
        },
      },
    },
    async (request) => {
      const actor = await guestActor(request);
      const { taskdata } = request.body as SaveValuesBody;
      return { data: await taskWork.saveValues(actor, request.params.task_id, taskdata) };
    },
  );

  app.post(
    '/guest/:guest_code/tasks/:task_id/comment',
    {
      config: documented,
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: "Comment on one of the guest's tasks",
        description: 'Plain text (1 to 20,000 characters after trimming); `is_problem` reports a problem.',
        security: [],
        servers,
        params: GuestTaskParams,
        body: unchecked(CommentBody),
        response: {
          201: { description: 'The new comment.', ...CommentEnvelope },
          ...errorResponses(WRITE_ERRORS, NOT_FOUND),
        },
      },
    },
    async (request, reply) => {
      const actor = await guestActor(request);
      const comment = await taskWork.comment(actor, request.params.task_id, request.body as CommentBody);
      return reply.code(201).send({ data: comment });
    },
  );

  // One operation on two methods (docs/guest-side.md, Complete my task; Complete my task (PUT)).
  for (const method of ['POST', 'PUT'] as const) {
    app.route({
      method,
      url: '/guest/:guest_code/tasks/:task_id/complete',
      config: documented,
      attachValidation: true,
      // A completion needs no body: none is an empty one.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
      schema: {
        tags: [TAG],
        summary: "Complete one of the guest's tasks",
        description:
          "The guest's part of an everyone-must-complete task, or the task. Approval tasks need `is_approved`; an empty required field is 422. Already completed: 200, unchanged. Guests cannot reopen.",
        security: [],
        servers,
        params: GuestTaskParams,
        body: unchecked(GuestCompleteBody),
        response: {
          201: { description: 'Completed now.', ...TaskEnvelope },
          200: { description: 'Already completed: unchanged.', ...TaskEnvelope },
          ...errorResponses(WRITE_ERRORS, NOT_FOUND),
        },
      },
      handler: async (request, reply) => {
        const actor = await guestActor(request as TaskRequest);
        const body = request.body as Omit<CompleteTaskInput, 'task_id'>;
        const input: CompleteTaskInput = { task_id: (request as TaskRequest).params.task_id, ...body };
        const { task, created } = await taskWork.completeTask(actor, input);
        return reply.code(created ? 201 : 200).send({ data: task });
      },
    });
  }
}
