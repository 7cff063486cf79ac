/**
 * The access log's view of a request: what Fastify's own serializer writes, but with the secrets
 * that travel in paths (a guest's code, an invitation's code) replaced, so that whoever reads the
 * logs cannot open a guest's page or accept an invitation, and email addresses (a guest named in
 * the path, a search for an address) replaced as well (src/core/log-redaction.ts).
 */
import type { FastifyRequest } from 'fastify';
import { redactSecrets } from '../core/log-redaction.js';

/** What Fastify's `req` log serializer reads of a request. */
type LoggedRequest = Pick<FastifyRequest, 'method' | 'url' | 'originalUrl' | 'headers' | 'host' | 'ip' | 'socket'>;

/**
 * The request as the log's `req` serializer reads it, with its url redacted: everything else
 * (method, host, client address and port) comes from the request itself. A plain object of the
 * fields read: an object deriving from the request, with property descriptors, cost several
 * times as much, and every request writes this line.
 */
export function accessLogRequest(request: FastifyRequest): LoggedRequest {
  const url = redactSecrets(request.url);
  const original = request.originalUrl;
  return {
    method: request.method,
    url,
    originalUrl: original === request.url ? url : redactSecrets(original),
    headers: request.headers,
    host: request.host,
    ip: request.ip,
    socket: request.socket,
  };
}
