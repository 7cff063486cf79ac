/**
 * Files on the guest's task page (docs/guest-side.md, Upload a file on my task page, Download a
 * file from my task page). The upload is a plain multipart form: 303 back to the task page when
 * stored; a file too large (413), of a kind not taken (415) or refused by the task rules (422)
 * shows the page again with the problem, in that status. The upload lives in a scope of its own,
 * the only one of the page that takes multipart bodies.
 */
import type { FastifyReply } from 'fastify';
import { AppError } from '../core/errors.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import type { TaskActor } from '../tasks/task.ports.js';
import { sendFile } from '../files/file-download.http.js';
import { readUpload, registerMultipart } from '../files/file-upload.http.js';
import { PAGE_HEADERS } from './page.html.js';
import { taskPage, type TaskPageModel } from './task-page.html.js';
import { uploadKey } from './task-page.files.js';

type Params = { guest_code: string; task_id: string };
type FileParams = Params & { file_id: string };

interface PageParts {
  load(
    params: Params,
    extra?: Partial<TaskPageModel>,
  ): Promise<{ actor: TaskActor; task: { id: string }; model: TaskPageModel }>;
  sendPage(reply: FastifyReply, status: number, html: string): FastifyReply;
  taskPath(code: string, taskId: string): string;
}

/** The upload refusals shown on the page, with their own status. */
const SHOWN = new Set(['PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_FAILED']);

export function guestTaskFilePageRoutes(app: RouteApp, { files, config }: Services, page: PageParts): void {
  app.get<{ Params: FileParams }>('/guest/:guest_code/tasks/:task_id/files/:file_id', async (request, reply) => {
    const { actor } = await page.load(request.params);
    const { file, body } = await files.open(actor, request.params.file_id, request.params.task_id);
    return sendFile(reply, file, body);
  });

  void app.register(async (scope) => {
    await registerMultipart(scope);
    scope.post<{ Params: Params }>('/guest/:guest_code/tasks/:task_id/files', async (request, reply) => {
      const { actor, task } = await page.load(request.params);
      let fieldId: string | undefined;
      try {
        const upload = await readUpload(request, config.files.maxBytes);
        fieldId = upload.fields.uploaded_from || undefined;
        await files.upload(actor, { taskId: task.id, fieldId, filename: upload.filename, stream: upload.stream });
      } catch (error) {
        // The rest of a refused body is not read: the answer closes the connection.
        reply.header('connection', 'close');
        if (!(error instanceof AppError) || !SHOWN.has(error.code)) throw error;
        const { model } = await page.load(request.params, {
          failed: 'files',
          errors: { [uploadKey(fieldId)]: [error.message] },
        });
        return page.sendPage(reply, error.status, taskPage(model));
      }
      return reply
        .code(303)
        .headers(PAGE_HEADERS)
        .header('location', `${page.taskPath(request.params.guest_code, task.id)}?done=files`)
        .send('');
    });
  });
}
