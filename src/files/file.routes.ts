/**
 * Files on tasks, for members (docs/files.md, Upload file, List task files, Download file, Delete
 * file), on Tallyfy's paths: `POST /organizations/{org}/file` with the task as `subject_id`,
 * `GET .../file/{id}/dl`, `DELETE .../file/{id}`. Uploads and deletes need an admin or standard
 * member; a light member reads only (403).
 */
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { validationFailed } from '../core/errors.js';
import { actorOf } from '../http/request-parts.js';
import type { RouteApp } from '../http/route-app.js';
import { AUTH_ERRORS, OrganizationIdParam, errorResponses } from '../http/schemas.js';
import type { Services } from '../services.js';
import type { TaskActor } from '../tasks/task.ports.js';
import { OrgParams, TaskParams } from '../tasks/task-work.schemas.js';
import { FILE_BYTES_RESPONSE, sendFile } from './file-download.http.js';
import { closingOnRefusal, readUpload, registerMultipart } from './file-upload.http.js';
import { FileEnvelope, FileListEnvelope } from './file.schemas.js';

const TAG = 'Files';

/** 204 with no body at all (the response schema's `null` only documents it). */
function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}
const FileParams = Type.Object({
  org_id: OrganizationIdParam,
  file_id: Type.String({ description: 'The file id: 32 lowercase hex characters.' }),
});
const NOT_FOUND = { 404: 'No such task, or no such file, in this organization.' };
const UPLOAD_ERRORS = {
  413: 'The file is larger than `FILE_MAX_BYTES`, or the task has no room for it (`TASK_FILES_MAX_BYTES`, `TASK_FILES_MAX_COUNT`). Nothing is stored.',
  415: 'The body is not multipart/form-data, or the file is not of a kind taken (recognized from its bytes). Nothing is stored.',
};

export async function fileRoutes(app: RouteApp, { files, config }: Services): Promise<void> {
  await registerMultipart(app);
  const member = (request: Parameters<typeof actorOf>[0]): TaskActor => ({ kind: 'member', ...actorOf(request) });

  app.post(
    '/organizations/:org_id/file',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Upload a file to a task',
        description:
          'multipart/form-data: `subject_type` (`Task`), `subject_id` (the task id), optionally `uploaded_from` (a file field of the task), then the file (in a part named `name`, as Tallyfy sends it, or any other). The fields must come before the file.',
        consumes: ['multipart/form-data'],
        params: OrgParams,
        response: {
          201: { description: 'The file, stored.', ...FileEnvelope },
          ...errorResponses([...AUTH_ERRORS, 400, 404, 413, 415, 422], { ...NOT_FOUND, ...UPLOAD_ERRORS }),
        },
      },
    },
    async (request, reply) => {
      const file = await closingOnRefusal(reply, async () => {
        const upload = await readUpload(request, config.files.maxBytes);
        const { subject_type: type = 'Task', subject_id: taskId, uploaded_from: fieldId } = upload.fields;
        if (type !== 'Task')
          throw validationFailed({ subject_type: ['Files are attached to tasks here: subject_type must be Task.'] });
        if (!taskId)
          throw validationFailed({ subject_id: ['The subject_id field (the task id) must come before the file.'] });
        return files.upload(member(request), {
          taskId,
          fieldId: fieldId || undefined,
          filename: upload.filename,
          stream: upload.stream,
        });
      });
      return reply.code(201).send({ data: file });
    },
  );

  app.get(
    '/organizations/:org_id/tasks/:task_id/files',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: "A task's files",
        description: 'Oldest first, with the download URL of each.',
        params: TaskParams,
        response: {
          200: { description: 'The files.', ...FileListEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404], NOT_FOUND),
        },
      },
    },
    async (request) => ({ data: await files.list(member(request), request.params.task_id) }),
  );

  app.get(
    '/organizations/:org_id/file/:file_id/dl',
    {
      config: { access: 'read' },
      schema: {
        tags: [TAG],
        summary: 'Download a file',
        description: 'As an attachment, with `X-Content-Type-Options: nosniff`.',
        params: FileParams,
        response: { 200: FILE_BYTES_RESPONSE, ...errorResponses([...AUTH_ERRORS, 404], NOT_FOUND) },
      },
    },
    async (request, reply) => {
      const { file, body } = await files.open(member(request), request.params.file_id);
      return sendFile(reply, file, body);
    },
  );

  app.delete(
    '/organizations/:org_id/file/:file_id',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Delete a file',
        params: FileParams,
        response: {
          204: { description: 'Deleted; no body.', type: 'null' },
          ...errorResponses([...AUTH_ERRORS, 404], NOT_FOUND),
        },
      },
    },
    async (request, reply) => {
      await files.remove(member(request), request.params.file_id);
      return noContent(reply);
    },
  );
}
