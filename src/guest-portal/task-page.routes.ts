/**
 * The guest's task page and its forms (docs/guest-side.md, Get my task page, Save my task page
 * values, Comment on my task page, Complete my task page). Registered in the guest page's scope:
 * its form parser, its error pages and its 404 page for a code that opens nothing hold here too,
 * and a task that is not the guest's gets that same 404 page. A form that is saved is answered 303
 * back to the task page (a reload does not send it again); one that cannot be is shown again as
 * the guest left it, with the problems, and 422.
 */
import type { FastifyReply } from 'fastify';
import { AppError } from '../core/errors.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import type { TaskActor } from '../tasks/task.ports.js';
import { PAGE_HEADERS } from './page.html.js';
import { readCommentForm, readCompleteForm, readValuesForm, TASK_FORM_BODY_LIMIT } from './task-page.form.js';
import { taskPage, type TaskForm, type TaskPageModel } from './task-page.html.js';
import { guestTaskFilePageRoutes } from './task-files-page.routes.js';

export type Params = { guest_code: string; task_id: string };

export function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(html);
}

const FORMS: readonly TaskForm[] = ['values', 'comment', 'complete', 'files'];

export function guestTaskPageRoutes(app: RouteApp, services: Services): void {
  const {
    portal,
    taskWork,
    files,
    config: { publicBaseUrl },
  } = services;
  const basePath = new URL(publicBaseUrl).pathname.replace(/\/+$/, '');
  const pagePath = (code: string) => `${basePath}/guest/${code}`;
  const taskPath = (code: string, taskId: string) => `${pagePath(code)}/tasks/${taskId}`;

  /** The guest, their task (404 page for any other) and the page's model. */
  async function load(params: Params, extra: Partial<TaskPageModel> = {}) {
    const guest = await portal.guestOf(params.guest_code);
    const task = await taskWork.getForGuest(guest.organizationId, guest.organizationGuestId, params.task_id);
    const base = taskPath(params.guest_code, task.id);
    const actor: TaskActor = {
      kind: 'guest',
      organizationId: guest.organizationId,
      organizationGuestId: guest.organizationGuestId,
    };
    const taskFiles = (await files.list(actor, task.id)).map((f) => ({ ...f, url: `${base}/files/${f.id}` }));
    const model: TaskPageModel = {
      view: guest.view,
      task,
      paths: {
        values: `${base}/values`,
        comment: `${base}/comment`,
        complete: `${base}/complete`,
        files: `${base}/files`,
        back: pagePath(params.guest_code),
      },
      errors: {},
      files: taskFiles,
      ...extra,
    };
    return { actor, task, model };
  }

  /** Runs a form's write: 303 to the task page when saved, the page again with the problems (422) when not. */
  async function submit(
    reply: FastifyReply,
    params: Params,
    form: TaskForm,
    write: () => Promise<unknown>,
    kept: Partial<TaskPageModel>,
  ): Promise<FastifyReply> {
    try {
      await write();
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED') throw error;
      const { model } = await load(params, {
        ...kept,
        failed: form,
        errors: error.options.errors ?? { form: [error.message] },
      });
      return sendPage(reply, 422, taskPage(model));
    }
    return reply
      .code(303)
      .headers(PAGE_HEADERS)
      .header('location', `${taskPath(params.guest_code, params.task_id)}?done=${form}`)
      .send('');
  }

  /** A form always has a body; a bare POST is not from the page. */
  function formBody(body: unknown): unknown {
    if (body === undefined || body === null) throw new AppError('BAD_REQUEST', 'The request has no form.');
    return body;
  }

  const routeOptions = { bodyLimit: TASK_FORM_BODY_LIMIT };

  app.get<{ Params: Params; Querystring: { done?: unknown } }>(
    '/guest/:guest_code/tasks/:task_id',
    async (request, reply) => {
      const done = request.query.done;
      const notice = FORMS.find((form) => form === done);
      const { model } = await load(request.params, notice ? { notice } : {});
      return sendPage(reply, 200, taskPage(model));
    },
  );

  app.post<{ Params: Params }>('/guest/:guest_code/tasks/:task_id/values', routeOptions, async (request, reply) => {
    const body = formBody(request.body);
    const { actor, task } = await load(request.params);
    const { taskdata, submitted } = readValuesForm(task.form_fields, body);
    return submit(reply, request.params, 'values', () => taskWork.saveValues(actor, task.id, taskdata), { submitted });
  });

  app.post<{ Params: Params }>('/guest/:guest_code/tasks/:task_id/comment', routeOptions, async (request, reply) => {
    const body = formBody(request.body);
    const { actor, task } = await load(request.params);
    const input = readCommentForm(body);
    return submit(reply, request.params, 'comment', () => taskWork.comment(actor, task.id, input), { draft: input });
  });

  app.post<{ Params: Params }>('/guest/:guest_code/tasks/:task_id/complete', routeOptions, async (request, reply) => {
    const body = formBody(request.body);
    const { actor, task } = await load(request.params);
    const input = readCompleteForm(body);
    return submit(reply, request.params, 'complete', () => taskWork.complete(actor, { task_id: task.id, ...input }), {
      draft: input,
    });
  });

  guestTaskFilePageRoutes(app, services, { load, sendPage, taskPath });
}
