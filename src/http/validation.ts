/**
 * Request validation: the schema compiler Fastify validates every route part with, and what is
 * done to a request body before and beside it. The validators, formats and field messages
 * themselves are in core/validation.ts.
 */
import type { ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { AppError } from '../core/errors.js';
import { createAjv } from '../core/validation.js';

/** How deep a JSON body may nest (objects and arrays). */
export const MAX_BODY_DEPTH = 32;

/**
 * Bodies are validated strictly (a number is not a string); path and query values arrive as text
 * and are coerced to the schema's types.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = createAjv(false);
  const coercing = createAjv(true);
  const cache = new WeakMap<object, ValidateFunction>();
  return ({ schema, httpPart }) => {
    const cached = cache.get(schema as object);
    if (cached) return cached;
    const ajv = httpPart === 'body' ? strict : coercing;
    const validate = ajv.compile(schema as object);
    cache.set(schema as object, validate);
    return validate;
  };
}

/**
 * Before validation: trim every string, and turn `""` into null (an empty optional field means
 * "no value"). Applied to JSON object bodies only.
 */
export function normalizeBody(body: unknown, depth = 0): unknown {
  // No body this API takes nests more than a few levels; a deeper one would only exhaust the stack.
  if (depth > MAX_BODY_DEPTH)
    throw new AppError('INVALID_JSON', `The request body nests more than ${MAX_BODY_DEPTH} levels deep.`);
  if (Array.isArray(body)) return body.map((item) => normalizeBody(item, depth + 1));
  if (body === null || typeof body !== 'object') {
    if (typeof body === 'string') {
      const trimmed = body.trim();
      return trimmed === '' ? null : trimmed;
    }
    return body;
  }
  // A loop, not fromEntries over entries: every request body passes here, and the arrays of
  // entries were about a twentieth of what a bulk create allocated (101 of 2,179 MB).
  const source = body as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const value = normalizeBody(source[key], depth + 1);
    // Defined, not assigned: a key such as "__proto__" stays data, never a prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

interface ObjectSchemaLike {
  type?: unknown;
  properties?: Record<string, unknown>;
  additionalProperties?: unknown;
  items?: unknown;
}

/** A schema that names its properties and admits no others (an explicit `additionalProperties` schema or `true` admits them). */
function closedObject(schema: ObjectSchemaLike): boolean {
  return (
    schema.properties !== undefined &&
    (schema.additionalProperties === undefined || schema.additionalProperties === false)
  );
}

/**
 * Only objects and arrays can hold unknown keys: a path is built for those alone (a bulk body's
 * thousand items otherwise made a path array for every string in them).
 */
function holdsKeys(value: unknown): boolean {
  return value !== null && typeof value === 'object';
}

/**
 * The keys of `value` that `schema` does not know, as dotted paths (`name`, `3.phone` for an item
 * of an array body), searched through nested objects and array items. With `drop`, each is removed
 * from `value` as well. Schemas given by reference or by `anyOf` are left alone: what they admit is
 * for the validator to say.
 */
export function unknownFields(
  schema: unknown,
  value: unknown,
  drop: boolean,
  path: string[] = [],
  out: string[] = [],
): string[] {
  if (schema === null || typeof schema !== 'object' || value === null || typeof value !== 'object') return out;
  const s = schema as ObjectSchemaLike;
  if (Array.isArray(value)) {
    if (s.items !== undefined)
      value.forEach((item, index) => {
        if (holdsKeys(item)) unknownFields(s.items, item, drop, [...path, String(index)], out);
      });
    return out;
  }
  if (!closedObject(s)) return out;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const propertySchema = Object.hasOwn(s.properties as object, key)
      ? (s.properties as Record<string, unknown>)[key]
      : undefined;
    if (propertySchema === undefined) {
      out.push([...path, key].join('.'));
      if (drop) delete record[key];
    } else if (holdsKeys(record[key])) {
      unknownFields(propertySchema, record[key], drop, [...path, key], out);
    }
  }
  return out;
}
