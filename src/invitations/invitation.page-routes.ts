/**
 * `GET /invitations/{code}`: the invitation's page, and `POST /invitations/{code}`: its accept
 * form. Every answer in this scope is HTML with the page headers, errors included; a code that
 * opens nothing gets the one 404 page, the same bytes whatever the reason.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { MAX_NAME } from '../core/limits.js';
import {
  EXPIRED_PAGE,
  NOT_FOUND_PAGE,
  PAGE_HEADERS,
  acceptedPage,
  errorPage,
  invitationPage,
  type AcceptForm,
} from './invitation.page.js';
import { isWellFormedCode } from './invitation.service.js';
import { pageStatusOf, parseUrlencoded } from '../http/html-page.js';
import type { RouteApp } from '../http/route-app.js';
import { rawParam } from '../http/request-parts.js';
import type { CodeParams } from './invitation.schemas.js';
import type { Services } from '../services.js';

/** The form has two short fields; anything much larger is not from the page. */
const FORM_BODY_LIMIT = 4096;

const PAGE_ERRORS: Partial<Record<number, { title: string; message: string }>> = {
  400: { title: 'The form could not be read', message: 'Go back to the invitation link and try again.' },
  409: {
    title: 'You are a member already',
    message: 'You are a member of this organization already; there is nothing to accept.',
  },
  413: { title: 'The form is too large', message: 'Go back to the invitation link and try again.' },
  415: {
    title: 'The form could not be read',
    message: 'This page takes its own form only. Go back to the invitation link and try again.',
  },
  422: {
    title: 'The request could not be used',
    message: 'It contains characters this page cannot take. Go back to the invitation link and try again.',
  },
  429: {
    title: 'Too many attempts',
    message: 'Too many links that do not work were opened from your network. Wait a minute, then try your link again.',
  },
  503: {
    title: 'Please try again shortly',
    message: 'The service is busy for a moment. Reload the page in a few seconds.',
  },
  500: { title: 'Something went wrong', message: 'The invitation was not accepted. Reload the page to try again.' },
};

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).headers(PAGE_HEADERS).send(html);
}

/** The names of the form (after the app's normalization: trimmed, "" as null), with their problems. */
function readForm(body: unknown): { form: AcceptForm; errors: Record<string, string[]> } {
  const fields = new Map<string, unknown>(body !== null && typeof body === 'object' ? Object.entries(body) : []);
  const errors: Record<string, string[]> = {};
  const read = (field: 'first_name' | 'last_name', label: string): string | null => {
    const raw = fields.get(field);
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length > 1) errors[field] = [`The ${label} was sent more than once.`];
    const value = typeof values[0] === 'string' ? values[0] : null;
    if (value !== null && value.length > MAX_NAME)
      errors[field] = [`The ${label} may not be longer than ${MAX_NAME} characters.`];
    return value;
  };
  const form = { firstName: read('first_name', 'first name'), lastName: read('last_name', 'last name') };
  return { form, errors };
}

/** Registers the page and its form, in their own scope (own body parser, own error pages). */
export function invitationPageRoutes(app: RouteApp, { invitations, config: { publicBaseUrl } }: Services): void {
  // The page's own path under the public base (which may carry a path prefix behind a proxy),
  // without the host: the form stays on whatever host the invitee used.
  const basePath = new URL(publicBaseUrl).pathname.replace(/\/+$/, '');
  const pagePath = (code: string) => `${basePath}/invitations/${code}`;

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
    if (error instanceof AppError && error.code === 'RESOURCE_NOT_FOUND') return sendPage(reply, 404, NOT_FOUND_PAGE);
    if (error instanceof AppError && error.code === 'INVITATION_EXPIRED') return sendPage(reply, 410, EXPIRED_PAGE);
    const { status, headers } = pageStatusOf(error);
    if (status >= 500) request.log.error({ err: error }, 'invitation page failed');
    for (const [name, value] of Object.entries(headers ?? {})) reply.header(name, value);
    const text = PAGE_ERRORS[status] ?? {
      title: 'Bad request',
      message: 'Go back to the invitation link and try again.',
    };
    return sendPage(reply, status, errorPage(text.title, text.message));
  });

  // A string that cannot be a code is answered before anything else runs: no body parsing, no
  // validation, no database query, and the same 404 page as an unknown code.
  app.addHook('onRequest', async (request, reply) => {
    if (!isWellFormedCode(rawParam(request, 'code'))) return sendPage(reply, 404, NOT_FOUND_PAGE);
  });

  app.get<{ Params: CodeParams }>('/invitations/:code', async (request, reply) => {
    const { code } = request.params;
    const view = await invitations.view(code);
    return sendPage(
      reply,
      200,
      invitationPage(view, pagePath(code), { firstName: view.first_name, lastName: view.last_name }),
    );
  });

  app.post<{ Params: CodeParams }>('/invitations/:code', async (request, reply) => {
    const { code } = request.params;
    const { form, errors } = readForm(request.body);
    if (Object.keys(errors).length > 0) {
      // Shows the form again as the invitee left it, with the problems; accepts nothing.
      const view = await invitations.view(code);
      return sendPage(reply, 422, invitationPage(view, pagePath(code), form, errors));
    }
    const accepted = await invitations.accept(code, form);
    // No redirect after this post: the token is on this page only, and a reload finds the link used.
    return sendPage(
      reply,
      201,
      acceptedPage({
        organization: accepted.organization,
        token: accepted.token.token,
        apiBase: `${publicBaseUrl}/api`,
      }),
    );
  });
}
