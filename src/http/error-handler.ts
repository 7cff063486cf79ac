/**
 * The one error handler: every failure, whatever raised it, leaves as the one error body
 * (docs/conventions.md, Errors). Unknown failures answer a generic 500; their detail goes to the
 * log only.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import FindMyWay from 'find-my-way';
import { AppError, problemBody, validationFailed } from '../core/errors.js';
import { fieldErrorsFromAjv } from './validation.js';
import { databaseError } from './db-errors.js';
import type { ErrorObject } from 'ajv';

/** Fastify's own error codes -> ours. */
function fromFastify(error: FastifyError): AppError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('INVALID_JSON', 'The request body is not valid JSON.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('INVALID_JSON', 'The request body is empty; send a JSON object.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than the limit.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BAD_REQUEST', 'The Content-Length header does not match the body.');
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new AppError('BAD_REQUEST', 'The Content-Type header is malformed.');
  }
  if (error.validation) {
    return validationFailed(fieldErrorsFromAjv(error.validation as ErrorObject[], error.validationContext));
  }
  // The JSON parser refuses hostile input (e.g. "__proto__" keys) with a SyntaxError.
  if (error instanceof SyntaxError) return new AppError('INVALID_JSON', 'The request body is not valid JSON.');
  // Any other client error Fastify raises stays a client error, in our body.
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new AppError('BAD_REQUEST', 'The request is malformed.');
  }
  return undefined;
}

export function sendProblem(reply: FastifyReply, baseUrl: string, error: AppError): FastifyReply {
  for (const [name, value] of Object.entries(error.options.headers ?? {})) reply.header(name, value);
  return reply
    .code(error.status)
    .type('application/problem+json; charset=utf-8')
    .send(JSON.stringify(problemBody(baseUrl, error)));
}

export function registerErrorHandling(app: FastifyInstance, baseUrl: string): void {
  app.setErrorHandler((raw: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (raw instanceof AppError) {
      if (raw.status >= 500) request.log.error({ err: raw }, 'request failed');
      return sendProblem(reply, baseUrl, raw);
    }
    const fastify = fromFastify(raw as FastifyError);
    if (fastify) return sendProblem(reply, baseUrl, fastify);
    const database = databaseError(raw);
    if (database) {
      // The database refused what the service let through: worth a look even when it is a 4xx.
      request.log[database.status >= 500 ? 'error' : 'warn']({ err: raw }, 'request failed in the database');
      return sendProblem(reply, baseUrl, database);
    }
    request.log.error({ err: raw }, 'unexpected error');
    return sendProblem(reply, baseUrl, new AppError('INTERNAL', 'An unexpected error occurred. It has been logged.'));
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
      return sendProblem(reply, baseUrl, new AppError('METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allow}.`, { headers: { allow } }));
    }
    return sendProblem(reply, baseUrl, new AppError('ENDPOINT_NOT_FOUND', `No endpoint ${request.method} ${path}.`));
  });
}
