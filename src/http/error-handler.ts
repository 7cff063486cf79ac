/**
 * The one error handler: every failure, whatever raised it, leaves as the one error body
 * (docs/conventions.md, Errors). Unknown failures answer a generic 500; their detail goes to the
 * log only.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import { AppError, problemBody, validationFailed } from '../core/errors.js';
import { databaseError } from '../core/database-errors.js';
import { fromBodyParser, toAppError } from '../core/to-app-error.js';
import { fieldErrorsFromAjv } from '../core/validation.js';
import type { ErrorObject } from 'ajv';
import { REQUEST_ID_HEADER } from './request-id.js';

/**
 * What only the API's requests raise, ahead of the shared mapping: schema validation (its field
 * messages come from the validator) and the JSON parser refusing hostile input (e.g.
 * "__proto__" keys) with a SyntaxError.
 */
function fromRequestSchema(error: FastifyError): AppError | undefined {
  if (error.validation) {
    return validationFailed(fieldErrorsFromAjv(error.validation as ErrorObject[], error.validationContext));
  }
  if (error instanceof SyntaxError && !fromBodyParser(error.code)) {
    return new AppError('INVALID_JSON', 'The request body is not valid JSON.');
  }
  return undefined;
}

/**
 * Answers `error` in the one error body, with the request's id in the body and the header (also
 * for answers given before routing, which no onSend hook sees).
 */
export function sendProblem(reply: FastifyReply, baseUrl: string, error: AppError): FastifyReply {
  for (const [name, value] of Object.entries(error.options.headers ?? {})) reply.header(name, value);
  const requestId = reply.request.id;
  return reply
    .code(error.status)
    .header(REQUEST_ID_HEADER, requestId)
    .type('application/problem+json; charset=utf-8')
    .send(JSON.stringify(problemBody(baseUrl, error, requestId)));
}

/** The 500's text names the request id, the one thing that finds its detail in the log. */
function internalError(requestId: string): AppError {
  return new AppError(
    'INTERNAL',
    `An unexpected error occurred. It has been logged under the request id ${requestId}; quote it when you report this.`,
  );
}

export function registerErrorHandling(app: FastifyInstance, baseUrl: string): void {
  app.setErrorHandler((raw: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (raw instanceof AppError) {
      if (raw.status >= 500) request.log[raw.options.logLevel ?? 'error']({ err: raw }, 'request failed');
      return sendProblem(reply, baseUrl, raw);
    }
    const mapped = fromRequestSchema(raw as FastifyError) ?? toAppError(raw);
    const error = mapped.code === 'INTERNAL' ? internalError(request.id) : mapped;
    if (error.code === 'INTERNAL') {
      request.log.error({ err: raw }, 'unexpected error');
    } else if (databaseError(raw)) {
      // The database refused what the service let through: worth a look even when it is a 4xx.
      request.log[error.status >= 500 ? 'error' : 'warn']({ err: raw }, 'request failed in the database');
    }
    return sendProblem(reply, baseUrl, error);
  });

  // A second router that knows every path and its methods tells 404 (no such path) from 405.
  const paths = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true });
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    let known = methodsByPath.get(route.url);
    if (!known) {
      known = new Set();
      methodsByPath.set(route.url, known);
      paths.on('GET', route.url, () => undefined, { url: route.url });
    }
    for (const method of methods) known.add(method);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const found = paths.find('GET', path) as { store?: { url: string } } | null;
    const allowed = found?.store ? methodsByPath.get(found.store.url) : undefined;
    if (allowed && !allowed.has(request.method)) {
      const allow = [...allowed].sort().join(', ');
      return sendProblem(
        reply,
        baseUrl,
        new AppError('METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allow}.`, {
          headers: { allow },
        }),
      );
    }
    return sendProblem(reply, baseUrl, new AppError('ENDPOINT_NOT_FOUND', `No endpoint ${request.method} ${path}.`));
  });
}
