/** What every organization route reads off its request: who acts, and the body's schema failures. */
import type { FastifyRequest } from 'fastify';
import type { Static, TSchema, TUnsafe } from 'typebox';
import type { ErrorObject } from 'ajv';
import type { Actor } from '../core/actor.js';
import {
  NO_FIELD_ERRORS,
  collectFieldErrors,
  fieldErrorsFromAjv,
  type ReadonlyFieldErrors,
  type UncheckedFields,
} from '../core/validation.js';

export function actorOf(request: FastifyRequest): Actor {
  const { organizationId, userId, role } = request.principal;
  if (organizationId === undefined || role === undefined) throw new Error('route without an organization used as one');
  return { organizationId, userId, role };
}

/**
 * A path parameter as the router found it, before validation: what an `onRequest` hook sees.
 * Undefined when the route has no such parameter.
 */
export function rawParam(request: FastifyRequest, name: string): unknown {
  const params = request.params as Record<string, unknown> | undefined;
  return params !== undefined && Object.hasOwn(params, name) ? params[name] : undefined;
}

/** The body a route with `attachValidation` receives: the schema's object when it passed, anything when it failed. */
export type UncheckedBody<T> = UncheckedFields<T> | readonly unknown[] | string | number | boolean | null | undefined;

/**
 * The body schema of a route with `attachValidation`, typed as what its handler really receives:
 * `request.body` is then an `UncheckedBody`, never the schema's type. The same object at run
 * time: validation, unknown fields and documentation are those of `schema`.
 */
export function unchecked<T extends TSchema>(schema: T): TUnsafe<UncheckedBody<Static<T>>> {
  return schema as unknown as TUnsafe<UncheckedBody<Static<T>>>;
}

/**
 * The schema failures of a route with `attachValidation`, as field errors; none when the request
 * passed. Every route reads them through this one function, so they read alike everywhere.
 */
export function schemaErrors(request: FastifyRequest): ReadonlyFieldErrors {
  const failure = request.validationError;
  return failure ? fieldErrorsFromAjv(failure.validation as ErrorObject[], failure.validationContext) : NO_FIELD_ERRORS;
}

/**
 * The body of a route with `attachValidation` whose checks are the schema's alone: its failures
 * are answered here, in one 422; past them the body is what `schema` describes.
 */
export function validBody<T extends TSchema>(request: FastifyRequest, _schema: T): Static<T> {
  collectFieldErrors(schemaErrors(request)).throwIfAny();
  return request.body as Static<T>;
}

/**
 * The body of a route whose service checks more than the schema (DNS, membership), with the
 * schema's failures: the service adds its own, and every failing field is answered at once. A
 * body that is not a JSON object, or a failing path or query, cannot be checked further and is
 * answered now.
 */
export function bodyToCheck<T>(request: FastifyRequest & { body: UncheckedBody<T> }): {
  fields: UncheckedFields<T>;
  failures: ReadonlyFieldErrors;
} {
  const failures = schemaErrors(request);
  const failure = request.validationError;
  const body = request.body;
  const onlyBodyFailed = failure === undefined || failure.validationContext === 'body';
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !onlyBodyFailed)
    collectFieldErrors(failures).throwIfAny();
  return { fields: body as UncheckedFields<T>, failures };
}
