/**
 * Leniency Tallyfy's clients rely on: an empty JSON body is no body, and fields or query
 * parameters the endpoint does not know are dropped and reported rather than refused.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, validationFailed, type FieldErrors } from '../core/errors.js';
import { MAX_BODY_DEPTH, unknownFields } from './validation.js';

/** The response header naming what was ignored: body fields as dotted paths, query parameters as `query.<name>`. */
export const IGNORED_FIELDS_HEADER = 'x-ignored-fields';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Names listed in the header at most; the access log keeps up to 50. */
const MAX_HEADER_NAMES = 20;

declare module 'fastify' {
  interface FastifyRequest {
    /** Unknown body fields and query parameters this request sent (and the service dropped). */
    ignoredFields: string[] | null;
  }
}

/** Values (objects, arrays, members and elements) a JSON body may hold: 1,000 full bulk items fit many times. */
export const MAX_BODY_VALUES = 100_000;

/**
 * The shape of a JSON text, read once from start to end without recursion and before it is
 * parsed: refused when its objects and arrays nest deeper than anything the service walks
 * (normalizeBody refuses a value below MAX_BODY_DEPTH levels; here one more level is let
 * through so that it answers the same), or when it holds more than MAX_BODY_VALUES values.
 * Anything else (including text that is not JSON at all) is left to the parser.
 */
export function jsonShapeError(text: string): AppError | undefined {
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      values += 1;
      if (depth > MAX_BODY_DEPTH + 1)
        return new AppError('INVALID_JSON', `The request body nests more than ${MAX_BODY_DEPTH} levels deep.`);
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    } else if (c === 0x2c) {
      values += 1;
    }
    if (values > MAX_BODY_VALUES)
      return new AppError(
        'PAYLOAD_TOO_LARGE',
        `The request body holds more than ${MAX_BODY_VALUES.toLocaleString('en-US')} values.`,
      );
  }
  return undefined;
}

/**
 * JSON bodies, with one difference from Fastify's parser: an empty body (or one of whitespace only)
 * under a JSON content type is no body. n8n's transport sends `Content-Type: application/json`
 * with every body-less call (disable, enable, remove, conversions).
 */
export function registerJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.decorateRequest('ignoredFields', null);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') {
      done(null, undefined);
      return;
    }
    // Depth and size are bounded before anything walks the body (docs/conventions.md).
    const shape = jsonShapeError(body as string);
    if (shape) {
      done(shape, undefined);
      return;
    }
    void parseJson(request, body as string, done);
  });
}

/**
 * The unknown body fields and query parameters of the request, against the route's own schemas
 * (a route without a querystring schema knows no query parameter). They are dropped and their
 * names returned. With `reject`, unknown body fields are answered 422 instead, naming each; query
 * parameters are dropped either way (a cache-busting parameter must not break a health probe),
 * and a bulk body's items are left to their own validation, so that one item's unknown field
 * fails that item alone. Routes without a body schema keep their body.
 */
export function ignoreUnknownFields(request: FastifyRequest, mode: 'ignore' | 'reject'): string[] {
  const schema = request.routeOptions.schema;
  if (schema === undefined) return [];
  // No body where the route takes an object: read as `{}`, so that an optional-only body (a token's
  // name, an update n8n sends without fields) works, and a required field is named as missing.
  if (request.body === undefined && (schema.body as { type?: unknown } | undefined)?.type === 'object')
    request.body = {};
  const names: string[] = [];
  if (schema.body !== undefined && request.body !== undefined) {
    if (mode === 'ignore') {
      names.push(...unknownFields(schema.body, request.body, true));
    } else if (!request.routeOptions.config.bodyCheckedPerItem) {
      const unknown = unknownFields(schema.body, request.body, false);
      if (unknown.length > 0) {
        const errors: FieldErrors = Object.create(null) as FieldErrors;
        for (const name of unknown)
          errors[name] = [`The ${name} field is not allowed: this endpoint does not know it.`];
        throw validationFailed(errors);
      }
    }
  }
  const query = request.query;
  if (query !== null && typeof query === 'object' && Object.keys(query).length > 0) {
    const querySchema = schema.querystring ?? { type: 'object', properties: {} };
    names.push(...unknownFields(querySchema, query, true, ['query']));
    readBooleans(querySchema, query as Record<string, unknown>);
  }
  return names;
}

const BOOLEAN_WORDS: Record<string, string> = { true: 'true', false: 'false', 1: 'true', 0: 'false' };

/**
 * Boolean query parameters written `True`, `FALSE`, `1` or `0` read as `true`/`false`: PowerShell
 * writes its booleans capitalized into query strings, and other clients send 1 and 0.
 */
function readBooleans(schema: unknown, query: Record<string, unknown>): void {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  for (const [key, value] of Object.entries(query)) {
    if (typeof value !== 'string' || !Object.hasOwn(properties, key) || properties[key]?.type !== 'boolean') continue;
    const word = BOOLEAN_WORDS[value.toLowerCase()];
    if (word !== undefined) query[key] = word;
  }
}

/** The header's value: names percent-encoded (they come from the client), at most 20 of them. */
export function ignoredFieldsHeader(names: string[]): string {
  // A lone UTF-16 surrogate cannot be percent-encoded: it is written as U+FFFD first.
  const listed = names
    .slice(0, MAX_HEADER_NAMES)
    .map((name) => encodeURIComponent(name.replace(LONE_SURROGATE, '\uFFFD')).replace(/%2E/gi, '.'));
  return names.length > MAX_HEADER_NAMES
    ? `${listed.join(', ')}, ...(${names.length - MAX_HEADER_NAMES} more)`
    : listed.join(', ');
}
