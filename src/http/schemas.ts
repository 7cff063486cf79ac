/**
 * Schema pieces shared by every resource: nullable primitives, the error body, the list
 * envelope and the standard error responses of an operation.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { ERROR_CATALOGUE } from '../core/errors.js';

/**
 * A nullable string/integer written as `type: [t, 'null']` rather than `anyOf`: one validation
 * error per bad value, a faster serializer, and valid OpenAPI 3.1.
 */
export function NullableString(options: Record<string, unknown> = {}) {
  return Type.Unsafe<string | null>({ ...options, type: ['string', 'null'] });
}
export function NullableInteger(options: Record<string, unknown> = {}) {
  return Type.Unsafe<number | null>({ ...options, type: ['integer', 'null'] });
}
export function NullableArray<T extends TSchema>(items: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<Array<Static<T>> | null>({ ...options, type: ['array', 'null'], items });
}

/**
 * A moment as the service writes it: UTC, `YYYY-MM-DD HH:MM:SS`, as Tallyfy does. Not RFC 3339 (no
 * `T`, no zone), so the document gives a pattern, not `format: date-time`, which would have a
 * generated client reject or misread every value.
 */
export const TIMESTAMP_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$';
const timestampOptions = (description: string) => ({
  description: `${description} UTC, \`YYYY-MM-DD HH:MM:SS\` (not RFC 3339: a space, no zone).`.trim(),
  pattern: TIMESTAMP_PATTERN,
  example: '2025-01-15 10:30:00',
});
/** A moment that may be unknown (null). */
export const Timestamp = (description: string) => NullableString(timestampOptions(description));
/** A moment that is always known. */
export const RequiredTimestamp = (description = '') => Type.String(timestampOptions(description));

export const OrganizationIdParam = Type.String({
  description: 'The organization id: 32 lowercase hex characters.',
  example: '3f2a9c0d4b5e6f708192a3b4c5d6e7f8',
});

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A stable URI naming the kind of error.' }),
    title: Type.String({ description: 'A short, fixed summary of the kind of error.' }),
    status: Type.Integer({ description: 'The HTTP status code.' }),
    code: Type.String({
      description: 'A stable upper-snake code, e.g. `VALIDATION_FAILED`.',
      enum: Object.keys(ERROR_CATALOGUE),
    }),
    message: Type.String({ description: 'Human-readable text about this occurrence.' }),
    detail: Type.String({ description: 'The same text as `message` (RFC 9457 name).' }),
    errors: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.String()), {
        description: 'Validation failures only: one array of messages per field (array elements as `field.N`).',
      }),
    ),
    request_id: Type.Optional(
      Type.String({
        description:
          "The request's id, as in the `X-Request-Id` answer header: the service log names the request by it. Present in every error answer; absent only in a bulk item's error.",
      }),
    ),
  },
  {
    $id: 'Problem',
    title: 'Problem',
    description: 'The one error body (RFC 9457 problem details, readable as a Laravel error).',
  },
);

export const PaginationMeta = Type.Object({
  pagination: Type.Object({
    total: Type.Integer(),
    count: Type.Integer(),
    per_page: Type.Integer(),
    current_page: Type.Integer(),
    total_pages: Type.Integer(),
    has_more_pages: Type.Optional(
      Type.Boolean({ description: 'Whether a later page exists (read by n8n\'s "return all").' }),
    ),
    links: Type.Object({
      previous: Type.Optional(Type.String()),
      next: Type.Optional(Type.String()),
    }),
  }),
});

const errorDescriptions: Partial<Record<number, string>> = {
  400: 'Malformed request: the body is not valid JSON.',
  401: 'Missing, malformed, unknown, expired or revoked token, or no `X-Tallyfy-Client` header.',
  403: "The token's user is not a member of the organization, or the role does not allow this.",
  404: 'The guest (or other resource) is not in this organization.',
  409: 'The change conflicts with the current state.',
  413: 'The body is larger than the limit.',
  415: 'The body is not `application/json`.',
  422: 'A field failed validation; `errors` lists every failing field.',
  429: "The token's request limit (or, on create, the hourly invite cap) was reached; `Retry-After` says when to try again.",
  503: 'The database is not answering; retry after `Retry-After` seconds.',
  500: 'An unexpected failure; the details are in the service log only.',
};

/** The error responses of an operation, for the schema (serialization) and the OpenAPI document. */
export function errorResponses(statuses: number[], descriptions: Partial<Record<number, string>> = {}) {
  const out: Record<number, unknown> = {};
  for (const status of statuses) {
    out[status] = {
      description: descriptions[status] ?? errorDescriptions[status] ?? 'Error.',
      content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
    };
  }
  return out;
}

/** The 429 of a route whose path holds a code: the failure limit per client address (docs/conventions.md). */
export const CODE_FAILURES_LIMITED =
  'Too many unknown codes or tokens from this client address; `Retry-After` says when to try again.';

/** The errors every authenticated endpoint can return. */
export const AUTH_ERRORS = [401, 403, 429, 500, 503];
export const BODY_ERRORS = [400, 413, 415, 422];
