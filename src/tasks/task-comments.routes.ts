/**
 * A task's comments, for members (docs/task-work.md, Comment on task, Edit comment, Delete comment,
 * Resolve comment). Writes need an admin or standard member: a light member reads only (403).
 */
import type { FastifyReply } from 'fastify';
import { actorOf, validBody, unchecked } from '../http/request-parts.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../http/schemas.js';
import { CommentBody, CommentEnvelope, CommentParams, EditCommentBody, TaskParams } from './task-work.schemas.js';

const TAG = 'Tasks';

/** 204 with no body at all (the response schema's `null` only documents it). */
function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}
const NOT_FOUND = { 404: 'No task with this id in this organization, or no such comment on it.' };

export function taskCommentRoutes(app: RouteApp, { taskWork }: Services): void {
  app.post(
    '/organizations/:org_id/tasks/:task_id/comment',
    {
      config: { access: 'write' },
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: 'Comment on a task',
        description:
          'Plain text (1 to 20,000 characters after trimming), stored as written; `is_problem` reports a problem.',
        params: TaskParams,
        body: unchecked(CommentBody),
        response: {
          201: { description: 'The new comment.', ...CommentEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, ...BODY_ERRORS], NOT_FOUND),
        },
      },
    },
    async (request, reply) => {
      const body = validBody(request, CommentBody);
      const comment = await taskWork.comment({ kind: 'member', ...actorOf(request) }, request.params.task_id, body);
      return reply.code(201).send({ data: comment });
    },
  );

  app.put(
    '/organizations/:org_id/tasks/:task_id/comment/:comment_id',
    {
      config: { access: 'write' },
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: 'Edit a comment',
        description: 'Its author only (403 for anyone else).',
        params: CommentParams,
        body: unchecked(EditCommentBody),
        response: {
          200: { description: 'The edited comment.', ...CommentEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, ...BODY_ERRORS], NOT_FOUND),
        },
      },
    },
    async (request) => {
      const { content } = validBody(request, EditCommentBody);
      const { task_id, comment_id } = request.params;
      return { data: await taskWork.editComment(actorOf(request), task_id, comment_id, content) };
    },
  );

  app.delete(
    '/organizations/:org_id/tasks/:task_id/comment/:comment_id',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Delete a comment',
        description: 'Its author, or an administrator of the organization (403 for anyone else).',
        params: CommentParams,
        response: {
          204: { description: 'Deleted; no body.', type: 'null' },
          ...errorResponses([...AUTH_ERRORS, 404, 422], NOT_FOUND),
        },
      },
    },
    async (request, reply) => {
      const { task_id, comment_id } = request.params;
      await taskWork.deleteComment(actorOf(request), task_id, comment_id);
      return noContent(reply);
    },
  );

  app.put(
    '/organizations/:org_id/tasks/:task_id/comment/:comment_id/resolve',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Resolve a problem comment',
        description:
          'Marks a problem resolved (422 when the comment is not a problem); resolving again changes nothing.',
        params: CommentParams,
        response: {
          200: { description: 'The comment, resolved.', ...CommentEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 422], NOT_FOUND),
        },
      },
    },
    async (request) => {
      const { task_id, comment_id } = request.params;
      return { data: await taskWork.resolveComment(actorOf(request), task_id, comment_id) };
    },
  );
}
