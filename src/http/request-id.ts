/**
 * Request ids (docs/conventions.md, Request ids): every request has one, taken from the client's
 * `X-Request-Id` when it is well-formed and made here otherwise, so that a client, a proxy and
 * this service's log can name the same request. An ill-formed value is replaced, never trusted:
 * it ends up in response headers and log lines.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** 1-128 characters that are safe in a header, a log line and a URL alike. */
const WELL_FORMED = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/**
 * The id of each raw request, for the answers written on the socket outside Fastify
 * (src/http/connection-guard.ts): a weak map, so that it holds nothing once the request is gone.
 */
const ids = new WeakMap<http.IncomingMessage, string>();

/** The client's id when it is well-formed, otherwise a new one. */
export function acceptRequestId(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && WELL_FORMED.test(incoming) ? incoming : randomUUID();
}

/** Fastify's `genReqId`: reads the header itself (Fastify's `requestIdHeader` would trust any value). */
export function genReqId(request: http.IncomingMessage): string {
  const id = acceptRequestId(request.headers[REQUEST_ID_HEADER]);
  ids.set(request, id);
  return id;
}

/** The id given to a raw request, or a new one for a request Fastify never saw. */
export function requestIdOf(request: http.IncomingMessage | undefined): string {
  return (request && ids.get(request)) ?? randomUUID();
}
