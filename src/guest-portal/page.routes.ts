/**
 * `GET /guest/{code}`: the guest's page, and `POST /guest/{code}`: its form. Every answer in this
 * scope is HTML with the page headers, errors included; a code that opens nothing gets the one
 * 404 page, the same bytes whatever the reason.
 */
import { toAppError } from '../core/to-app-error.js';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CATALOGUE } from '../core/errors.js';
import { plainAddress } from './geo.js';
import { FORM_BODY_LIMIT, readSettingsForm } from './page.form.js';
import { parseUrlencoded } from '../http/html-page.js';
import { NOT_FOUND_PAGE, PAGE_HEADERS, errorPage, guestPage, type FormValues } from './page.html.js';
import { isWellFormedGuestCode, type GuestPage } from './portal.service.js';
import { rawParam } from '../http/request-parts.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import type { GuestCodeParams } from './portal.schemas.js';

/** Page texts for the errors this scope can meet. */
const PAGE_ERRORS: Partial<Record<number, { title: string; message: string }>> = {
  400: { title: 'The form could not be read', message: 'Go back to your guest link and try again.' },
  413: { title: 'The form is too large', message: 'Go back to your guest link and try again.' },
  415: {
    title: 'The form could not be read',
    message: 'This page takes its own form only. Go back to your guest link and try again.',
  },
  422: {
    title: 'The request could not be used',
    message: 'It contains characters this page cannot take. Go back to your guest link and try again.',
  },
  429: {
    title: 'Too many attempts',
    message: 'Too many links that do not work were opened from your network. Wait a minute, then try your link again.',
  },
  503: {
    title: 'Please try again shortly',
    message: 'The service is busy for a moment. Reload the page in a few seconds.',
  },
  500: { title: 'Something went wrong', message: 'Your settings were not changed. Reload the page to try again.' },
};

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(html);
}

/** Registers the page and its form, in their own scope (own body parser, own error pages). */
export function guestPageRoutes(app: RouteApp, { portal, geo, taskWork, config: { publicBaseUrl } }: Services): void {
  // The page's own path under the public base (which may carry a path prefix behind a proxy),
  // without the host: the form and its redirect stay on whatever host the guest used.
  const basePath = new URL(publicBaseUrl).pathname.replace(/\/+$/, '');
  const pagePath = (code: string) => `${basePath}/guest/${code}`;

  // This scope reads its own form only; JSON and anything else is 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => {
      done(null, parseUrlencoded(body as string));
    },
  );

  app.setErrorHandler((error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    // The status the API's handler would answer, from the one mapping of failures.
    const {
      status,
      code,
      options: { headers },
    } = toAppError(error);
    if (code === 'RESOURCE_NOT_FOUND') return sendPage(reply, 404, NOT_FOUND_PAGE);
    if (status >= 500) request.log.error({ err: error }, 'guest page failed');
    for (const [name, value] of Object.entries(headers ?? {})) reply.header(name, value);
    const text = PAGE_ERRORS[status] ?? {
      title: ERROR_CATALOGUE.BAD_REQUEST.title,
      message: 'Go back to your guest link and try again.',
    };
    return sendPage(reply, status, errorPage(text.title, text.message));
  });

  // A string that cannot be a code is answered before anything else runs: no body parsing, no
  // validation, no database query, and the same 404 page as an unknown code.
  app.addHook('onRequest', async (request, reply) => {
    if (!isWellFormedGuestCode(rawParam(request, 'guest_code'))) return sendPage(reply, 404, NOT_FOUND_PAGE);
  });

  /** The page with the guest's tasks (docs/guest-side.md, List my tasks), each linked to its own page. */
  async function withTasks(code: string, page: GuestPage): Promise<GuestPage> {
    const guest = await portal.guestOf(code);
    const tasks = await taskWork.listForGuest(guest.organizationId, guest.organizationGuestId, 'all');
    return {
      ...page,
      tasks: tasks.map((task) => ({
        title: task.title,
        deadline: task.deadline,
        href: `${pagePath(code)}/tasks/${task.id}`,
        overdue: task.is_overdue,
        completed: task.status === 'completed',
      })),
    };
  }

  function render(
    code: string,
    page: GuestPage,
    form: FormValues,
    extra: { saved?: boolean; errors?: Record<string, string[]> } = {},
  ): string {
    return guestPage({
      view: page.view,
      tasks: page.tasks,
      form,
      action: pagePath(code),
      saved: extra.saved ?? false,
      errors: extra.errors ?? {},
    });
  }

  app.get<{ Params: GuestCodeParams; Querystring: { saved?: unknown } }>(
    '/guest/:guest_code',
    async (request, reply) => {
      const { guest_code: code } = request.params;
      const { saved } = request.query;
      // HEAD is asked by link checkers, not read by a person: it is not recorded as an access.
      const ip = plainAddress(request.ip);
      const access =
        request.method === 'HEAD'
          ? null
          : { ip, location: geo.locate({ ip, peer: request.socket.remoteAddress, headers: request.headers }) };
      const page = await withTasks(code, await portal.open(code, access));
      const form: FormValues = {
        cadenceDays: page.view.guest.details.cadence_days ?? [],
        preferences: page.preferences,
      };
      return sendPage(reply, 200, render(code, page, form, { saved: saved === '1' }));
    },
  );

  app.post<{ Params: GuestCodeParams }>('/guest/:guest_code', async (request, reply) => {
    const { guest_code: code } = request.params;
    // The page's form always has a body (even with nothing ticked); a bare POST would clear every setting.
    if (request.body === undefined || request.body === null)
      throw new AppError('BAD_REQUEST', 'The request has no form.');
    const submitted = readSettingsForm(request.body);
    if (!submitted.settings) {
      // Shows the form again as the guest left it, with the problems; saves nothing.
      const page = await withTasks(code, await portal.open(code, null));
      return sendPage(reply, 422, render(code, page, submitted.values, { errors: submitted.errors }));
    }
    await portal.saveSettings(code, submitted.settings);
    // Post/redirect/get: a reload after saving does not send the form again.
    return reply
      .code(303)
      .headers(PAGE_HEADERS)
      .header('location', `${pagePath(code)}?saved=1`)
      .send('');
  });
}
