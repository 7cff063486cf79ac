/**
 * The files of the guest's tasks as JSON (docs/guest-side.md, Upload a file to my task, List my
 * task's files, Download my task's file, Delete my upload), under `/api/guest/{code}` only. A task
 * or file that is not the guest's answers exactly as a code that opens nothing. Only this scope
 * takes multipart bodies.
 */
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { CODE_FAILURES_LIMITED, errorResponses } from '../http/schemas.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import type { TaskActor } from '../tasks/task.ports.js';
import { FILE_BYTES_RESPONSE, sendFile } from '../files/file-download.http.js';
import { closingOnRefusal, readUpload, registerMultipart } from '../files/file-upload.http.js';
import { FileEnvelope, FileListEnvelope, type TaskFile } from '../files/file.schemas.js';
import { GuestCodeParams } from './portal.schemas.js';

const TAG = 'Guest side';
const NOT_FOUND = {
  404: 'The code opens no active guest record, or the task or file is not one of this guest’s; never which.',
  429: CODE_FAILURES_LIMITED,
};
const READ_ERRORS = [404, 429, 500, 503];
const TaskParams = Type.Object({
  guest_code: GuestCodeParams.properties.guest_code,
  task_id: Type.String({ description: 'The task id: 32 lowercase hex characters.' }),
});
const FileParams = Type.Object({
  ...TaskParams.properties,
  file_id: Type.String({ description: 'The file id: 32 lowercase hex characters.' }),
});

/** 204 with no body at all (the response schema's `null` only documents it). */
function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

export async function guestTaskFileApiRoutes(app: RouteApp, { portal, files, config }: Services): Promise<void> {
  await registerMultipart(app);
  const documented = { swaggerTransform: false as const };
  const servers = [{ url: `${config.publicBaseUrl}/api`, description: 'The guest API answers under /api only.' }];
  const withUrl = (code: string, file: TaskFile): TaskFile => ({
    ...file,
    url: `${config.publicBaseUrl}/api/guest/${code}/tasks/${file.task_id}/files/${file.id}`,
  });
  async function guestActor(code: string): Promise<TaskActor> {
    const guest = await portal.guestOf(code);
    return { kind: 'guest', organizationId: guest.organizationId, organizationGuestId: guest.organizationGuestId };
  }

  app.post(
    '/guest/:guest_code/tasks/:task_id/files',
    {
      config: documented,
      schema: {
        tags: [TAG],
        summary: "Upload a file to one of the guest's open tasks",
        description:
          'multipart/form-data: optionally `uploaded_from` (a file field of the task), then the file. The limits and kinds of Upload file.',
        security: [],
        servers,
        consumes: ['multipart/form-data'],
        params: TaskParams,
        response: {
          201: { description: 'The file, stored.', ...FileEnvelope },
          ...errorResponses([...READ_ERRORS, 400, 413, 415, 422], NOT_FOUND),
        },
      },
    },
    async (request, reply) => {
      const actor = await guestActor(request.params.guest_code);
      const file = await closingOnRefusal(reply, async () => {
        const upload = await readUpload(request, config.files.maxBytes);
        return files.upload(actor, {
          taskId: request.params.task_id,
          fieldId: upload.fields.uploaded_from || upload.fields.field_id || undefined,
          filename: upload.filename,
          stream: upload.stream,
        });
      });
      return reply.code(201).send({ data: withUrl(request.params.guest_code, file) });
    },
  );

  app.get(
    '/guest/:guest_code/tasks/:task_id/files',
    {
      config: documented,
      schema: {
        tags: [TAG],
        summary: "The files of one of the guest's tasks",
        security: [],
        servers,
        params: TaskParams,
        response: {
          200: { description: 'The files.', ...FileListEnvelope },
          ...errorResponses(READ_ERRORS, NOT_FOUND),
        },
      },
    },
    async (request) => {
      const actor = await guestActor(request.params.guest_code);
      const list = await files.list(actor, request.params.task_id);
      return { data: list.map((file) => withUrl(request.params.guest_code, file)) };
    },
  );

  app.get(
    '/guest/:guest_code/tasks/:task_id/files/:file_id',
    {
      config: documented,
      schema: {
        tags: [TAG],
        summary: "Download a file of one of the guest's tasks",
        security: [],
        servers,
        params: FileParams,
        response: { 200: FILE_BYTES_RESPONSE, ...errorResponses(READ_ERRORS, NOT_FOUND) },
      },
    },
    async (request, reply) => {
      const actor = await guestActor(request.params.guest_code);
      const { file, body } = await files.open(actor, request.params.file_id, request.params.task_id);
      return sendFile(reply, file, body);
    },
  );

  app.delete(
    '/guest/:guest_code/tasks/:task_id/files/:file_id',
    {
      config: documented,
      schema: {
        tags: [TAG],
        summary: 'Delete a file the guest uploaded, while the task is open',
        security: [],
        servers,
        params: FileParams,
        response: {
          204: { description: 'Deleted; no body.', type: 'null' },
          ...errorResponses([...READ_ERRORS, 403, 422], {
            ...NOT_FOUND,
            403: 'The file was uploaded by someone else.',
            422: 'The task is completed.',
          }),
        },
      },
    },
    async (request, reply) => {
      const actor = await guestActor(request.params.guest_code);
      await files.remove(actor, request.params.file_id, request.params.task_id);
      return noContent(reply);
    },
  );
}
