/**
 * `POST /unsubscribe/{token}` (RFC 8058 one-click, from a mail client's unsubscribe button or the
 * page's form) and `GET /unsubscribe/{token}` (the page with that form). No bearer token: the
 * token in the path is the credential. GET changes nothing, because mail scanners open links
 * before anyone reads them (docs/notifications.md, Unsubscribe page).
 */
import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorResponses, CODE_FAILURES_LIMITED } from '../http/schemas.js';
import type { RouteApp } from '../http/route-app.js';
import { AppError } from '../core/errors.js';
import type { Services } from '../services.js';
import { rawParam } from '../http/request-parts.js';
import { EMAIL_TOPICS, isWellFormedUnsubscribeToken } from './unsubscribe.js';
import { unsubscribeLinkNotFound } from './unsubscribe.service.js';
import { NOT_FOUND_PAGE, UNSUBSCRIBE_PAGE_HEADERS, confirmPage, donePage } from './unsubscribe.page.js';

/** `List-Unsubscribe=One-Click`, urlencoded or as a multipart form; bodies much larger are not from a mail client. */
const BODY_LIMIT = 16 * 1024;

// Not constrained here: a token of another shape is answered 404 before validation, as an unknown one.
const TokenParams = Type.Object({
  token: Type.String({ description: 'The token at the end of the unsubscribe URL of an email.' }),
});

const UnsubscribedEnvelope = Type.Object({
  data: Type.Object({
    topic: Type.String({ enum: [...EMAIL_TOPICS], description: 'The preference turned off.' }),
    unsubscribed: Type.Boolean({ description: 'Always true: the topic is off for the guest.' }),
  }),
});

const ERRORS = {
  404: 'The link does not work: malformed, or not one the service made; never which.',
  429: CODE_FAILURES_LIMITED,
};

/** A browser (the page's form) gets a page back; a mail client's one-click POST gets JSON. */
function wantsHtml(request: FastifyRequest): boolean {
  return /\btext\/html\b/i.test(request.headers.accept ?? '');
}

function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.code(status).headers(UNSUBSCRIBE_PAGE_HEADERS).send(html);
}

export function unsubscribeRoutes(app: RouteApp, { unsubscribe, config: { publicBaseUrl } }: Services): void {
  // The page's own path under the public base (which may carry a path prefix behind a proxy).
  const basePath = new URL(publicBaseUrl).pathname.replace(/\/+$/, '');

  // Only what RFC 8058 clients send: the body's content is not needed (the POST itself is the
  // request), so it is read within the limit and dropped. JSON and anything else is 415.
  app.removeAllContentTypeParsers();
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data'])
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, _body, done) =>
      done(null, {}),
    );

  // A string that cannot be a token is answered before anything else runs: no body parsing, no
  // validation, the same 404 (or 404 page) as a token whose MAC does not match.
  app.addHook('onRequest', async (request, reply) => {
    if (isWellFormedUnsubscribeToken(rawParam(request, 'token'))) return;
    if (request.method === 'GET' || request.method === 'HEAD') return sendPage(reply, 404, NOT_FOUND_PAGE);
    throw unsubscribeLinkNotFound();
  });

  app.post(
    '/unsubscribe/:token',
    {
      schema: {
        tags: ['Notifications'],
        summary: 'Unsubscribe (one click)',
        description:
          'RFC 8058 one-click unsubscribe: the URL of the `List-Unsubscribe` header of a digest or reminder. ' +
          'The body is `List-Unsubscribe=One-Click` (urlencoded or multipart) or empty, and is not read. ' +
          'Turns that email off for the guest in that organization at once; the same again changes nothing. ' +
          'A client that accepts `text/html` gets a page saying so instead of JSON. No bearer token.',
        security: [],
        servers: [{ url: publicBaseUrl }],
        params: TokenParams,
        body: Type.Object({}, { description: 'Not read: `List-Unsubscribe=One-Click`, or nothing.' }),
        response: {
          200: { description: 'The email is off for the guest.', ...UnsubscribedEnvelope },
          ...errorResponses([400, 404, 413, 415, 429, 500, 503], ERRORS),
        },
      },
    },
    async (request, reply) => {
      const target = await unsubscribe.unsubscribe(request.params.token);
      if (wantsHtml(request)) return sendPage(reply, 200, donePage(target));
      return { data: { topic: target.topic, unsubscribed: true } };
    },
  );

  app.get<{ Params: { token: string } }>('/unsubscribe/:token', async (request, reply) => {
    const { token } = request.params;
    // Only a link that does not work is the 404 page; a database failure is answered as one (503/500).
    const target = await unsubscribe.target(token).catch((error: unknown) => {
      if (error instanceof AppError && error.status === 404) return undefined;
      throw error;
    });
    if (!target) return sendPage(reply, 404, NOT_FOUND_PAGE);
    return sendPage(reply, 200, confirmPage(target, `${basePath}/unsubscribe/${encodeURIComponent(token)}`));
  });
}
