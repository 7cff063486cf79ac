/** What every organization route reads off its request: who acts, and the body's schema failures. */
import type { FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import type { Actor } from '../core/actor.js';
import { ErrorBag } from '../core/errors.js';
import { fieldErrorsFromAjv } from './validation.js';


export function actorOf(request: FastifyRequest): Actor {
  const { organizationId, userId, role } = request.principal;
  if (organizationId === undefined || role === undefined) throw new Error('route without an organization used as one');
  return { organizationId, userId, role };
}

/**
 * Schema failures of a route with `attachValidation`: collected so that the service adds its own
 * (DNS, membership) and every failing field is answered at once. A body that is not a JSON object
 * cannot be checked further and is answered now.
 */
export function schemaErrors(request: FastifyRequest): ErrorBag {
  const failure = request.validationError;
  const bag = failure ? fieldErrorsFromAjv(failure.validation as ErrorObject[], failure.validationContext) : new ErrorBag();
  const bodyIsObject = request.body !== null && typeof request.body === 'object' && !Array.isArray(request.body);
  const onlyBodyFailed = failure === undefined || failure.validationContext === 'body';
  if (!bodyIsObject || !onlyBodyFailed) bag.throwIfAny();
  return bag;
}
