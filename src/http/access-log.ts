/**
 * The access log's view of a request: what Fastify's own serializer writes, but with the secrets
 * that travel in paths (a guest's code, an invitation's code) replaced, so that whoever reads the
 * logs cannot open a guest's page or accept an invitation, and email addresses (a guest named in
 * the path, a search for an address) replaced as well (src/core/log-redaction.ts).
 */
import type { FastifyRequest } from 'fastify';
import { redactSecrets } from '../core/log-redaction.js';

/**
 * The request as the log's `req` serializer reads it, with its url redacted: everything else
 * (method, host, client address and port) comes from the request itself.
 */
export function accessLogRequest(request: FastifyRequest): FastifyRequest {
  return Object.create(request, {
    url: { value: redactSecrets(request.url), enumerable: true },
    originalUrl: { value: redactSecrets(request.originalUrl), enumerable: true },
  }) as FastifyRequest;
}
