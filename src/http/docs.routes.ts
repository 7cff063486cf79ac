/** The service's own documentation: the OpenAPI document and the page behind each error `type`. */
import type { RouteApp } from './route-app.js';
import { ERROR_CATALOGUE, type ErrorCode } from '../core/errors.js';

const ERROR_TEXT: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'A field failed validation. `errors` lists every failing field with its messages.',
  INVALID_JSON: 'The request body could not be parsed as JSON.',
  BAD_REQUEST: 'The request is malformed (headers or framing).',
  UNAUTHENTICATED:
    'No valid bearer token (missing, unknown, expired or revoked), a member disabled in the organization, or, where the service requires it, no `X-Tallyfy-Client` header.',
  FORBIDDEN: 'The caller is not a member of the organization, or the role does not allow the action.',
  GUEST_HAS_OPEN_TASKS: 'The guest still has incomplete tasks in this organization.',
  RESOURCE_NOT_FOUND: 'The guest or other resource does not exist in this organization.',
  ENDPOINT_NOT_FOUND: 'No endpoint has this path.',
  METHOD_NOT_ALLOWED: 'The path exists, but not with this method; the `Allow` header lists the methods.',
  REQUEST_TIMEOUT:
    "The request's headers or body did not arrive in time; the connection is closed. Send the whole request promptly.",
  CONFLICT: 'The change conflicts with the current state, usually a concurrent change; retry.',
  IDEMPOTENCY_KEY_IN_USE:
    'The first request sent with this `Idempotency-Key` is still running. Retry after `Retry-After` seconds: the retry gets its answer.',
  IDEMPOTENCY_KEY_REUSED:
    'This `Idempotency-Key` was already used, within 24 hours, with another method, path or body. Use a new key for a new request.',
  PRECONDITION_FAILED:
    "The `If-Match` header names none of the guest's current ETags: the guest changed since it was read. Nothing was written; the answer's `ETag` header is the current one. Read the guest again and retry.",
  PAYLOAD_TOO_LARGE: 'The body is larger than the configured limit.',
  URI_TOO_LONG: 'A segment of the path is longer than any valid value.',
  UNSUPPORTED_MEDIA_TYPE: 'The body must be sent as `application/json`.',
  REQUEST_HEADERS_TOO_LARGE: "The request's headers are larger than the server accepts; the connection is closed.",
  GUEST_NOT_DISABLED: 'Disable the guest before deleting them permanently.',
  MEMBER_NOT_DISABLED: 'Disable the member before deleting them permanently.',
  INVITATION_EXPIRED: "The invitation's accept link has expired; ask for it to be sent again.",
  RATE_LIMIT_EXCEEDED: 'A rate limit or the hourly guest invite cap was reached; see `Retry-After`.',
  INTERNAL: 'An unexpected failure. The details are in the service log, under the request id.',
  SERVICE_UNAVAILABLE:
    'The database is not answering, the server is shutting down, busy or at its connection limit; retry after `Retry-After` seconds.',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Takes the services as every route module does, and uses none: the document is the app's own and
 * the error page is fixed text.
 */
export function docsRoutes(app: RouteApp, _services: unknown): void {
  app.get('/openapi.json', async () => app.swagger());

  const page = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Errors — guest management API</title></head><body><main><h1>Errors</h1>',
    '<p>Every error is answered as <code>application/problem+json</code> with <code>type</code>, <code>title</code>, <code>status</code>, <code>code</code>, <code>message</code>, <code>detail</code> and, for validation failures, <code>errors</code>.</p><dl>',
    ...Object.entries(ERROR_CATALOGUE).map(([code, { status, title }]) => {
      const id = code.toLowerCase().replace(/_/g, '-');
      return `<dt id="${id}"><code>${code}</code> (${status}) ${escapeHtml(title)}</dt><dd>${escapeHtml(ERROR_TEXT[code as ErrorCode])}</dd>`;
    }),
    '</dl></main></body></html>',
  ].join('\n');
  app.get('/docs/errors', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
}
