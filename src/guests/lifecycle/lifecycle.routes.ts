/**
 * Disable guest, Enable guest, Permanently delete guest, Reset guest link, Convert guest to
 * member, Convert member to guest and Bulk create guests (docs/guests.md). Each declares its
 * params, body and every response.
 */
import type { FastifyRequest } from 'fastify';
import { validationFailed } from '../../core/errors.js';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../../http/schemas.js';
import { actorOf, schemaErrors, unchecked } from '../../http/request-parts.js';
import type { RouteApp } from '../../http/route-app.js';
import type { Services } from '../../services.js';
import { memberRowToMember } from '../../members/member.mapper.js';
import { GuestEnvelope, GuestParams, OrgParams } from '../guest.schemas.js';
import { MAX_BULK_ITEMS } from '../../core/limits.js';
import {
  BulkCreateBody,
  BulkEnvelope,
  ErasedGuestEnvelope,
  GuestRefParams,
  MemberEnvelope,
  MemberParams,
} from './lifecycle.schemas.js';
import { collectFieldErrors } from '../../core/validation.js';
import { PRECONDITION_DESCRIPTION, sendGuest } from '../guest-etag.js';

const TAG = 'Guests';

/** A bulk body of 1,000 full profiles is larger than a single create's limit. */
const BULK_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * The whole bulk request is refused only when it is not a list of 1 to 1,000 items; the items'
 * own failures (attached by the route's schema) are answered per item instead.
 */
function bulkItems(request: FastifyRequest & { body: unknown }): readonly unknown[] {
  const failure = request.validationError;
  if (failure && failure.validationContext !== 'body') collectFieldErrors(schemaErrors(request)).throwIfAny();
  const body = request.body;
  if (!Array.isArray(body))
    throw validationFailed({ body: [`The request body must be a JSON array of 1 to ${MAX_BULK_ITEMS} guests.`] });
  if (body.length === 0) throw validationFailed({ body: ['The request body must have at least 1 item.'] });
  if (body.length > MAX_BULK_ITEMS)
    throw validationFailed({ body: [`The request body may not have more than ${MAX_BULK_ITEMS} items.`] });
  return body;
}

export function guestLifecycleRoutes(app: RouteApp, services: Services): void {
  const { config, guestLifecycle: lifecycle, guestConversions: conversions, guestBulk: bulk, heavy } = services;

  app.delete(
    '/organizations/:org_id/guests/:guest_email/disable',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Disable a guest in this organization',
        description:
          "The guest's link stops working for this organization; `disabled_at`/`disabled_by` are set. Refused while the guest has incomplete tasks here. A guest disabled already is answered unchanged.",
        params: GuestParams,
        response: {
          200: { description: 'The disabled guest.', ...GuestEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 412, 422], {
            403: 'Not a member of the organization, a light member, or `GUEST_HAS_OPEN_TASKS`: the guest has incomplete tasks in this organization.',
            412: PRECONDITION_DESCRIPTION,
          }),
        },
      },
    },
    async (request, reply) =>
      sendGuest(
        reply,
        await lifecycle.disable(actorOf(request), request.params.guest_email, request.headers['if-match']),
      ),
  );

  app.put(
    '/organizations/:org_id/guests/:guest_email/enable',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Enable a disabled guest with a new link',
        description:
          'Access is restored with a new link (the old one never works again); `reactivated_at`/`reactivated_by` are set. A guest who is not disabled is answered unchanged, with the same link.',
        params: GuestParams,
        response: {
          200: { description: 'The enabled guest, with the new link.', ...GuestEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 412, 422], { 412: PRECONDITION_DESCRIPTION }),
        },
      },
    },
    async (request, reply) =>
      sendGuest(
        reply,
        await lifecycle.enable(actorOf(request), request.params.guest_email, request.headers['if-match']),
      ),
  );

  app.delete(
    '/organizations/:org_id/guests/:guest_id_or_email/delete',
    {
      config: { access: 'admin' },
      schema: {
        tags: [TAG],
        summary: 'Permanently delete a disabled guest from this organization',
        description:
          "Admins only. Erases this organization's record of the guest (profile, link, preferences); other organizations' records are untouched, and the global guest is erased only when no other organization has it. The guest must be disabled first; a guest removed earlier may be erased as it is.",
        params: GuestRefParams,
        response: {
          200: { description: 'The guest was erased from this organization.', ...ErasedGuestEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 412, 422], {
            403: 'Not a member of the organization, or not an administrator.',
            412: PRECONDITION_DESCRIPTION,
            422: '`GUEST_NOT_DISABLED`: disable the guest before deleting it (or the path failed validation).',
          }),
        },
      },
    },
    async (request) => {
      const ifMatch = request.headers['if-match'];
      return { data: await lifecycle.erase(actorOf(request), request.params.guest_id_or_email, ifMatch) };
    },
  );

  app.put(
    '/organizations/:org_id/guests/:guest_email/reset-link',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Give a guest a new link',
        description:
          'A new guest code; the old link stops working at once. A disabled guest gets one too and stays disabled.',
        params: GuestParams,
        response: {
          200: { description: 'The guest, with the new link.', ...GuestEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 412, 422], { 412: PRECONDITION_DESCRIPTION }),
        },
      },
    },
    async (request, reply) =>
      sendGuest(
        reply,
        await lifecycle.resetLink(actorOf(request), request.params.guest_email, request.headers['if-match']),
      ),
  );

  app.post(
    '/organizations/:org_id/guests/:guest_email/to/member',
    {
      config: { access: 'admin' },
      schema: {
        tags: [TAG],
        summary: 'Turn a guest into a standard member',
        description:
          "Admins only. The guest becomes a `standard` member of this organization (a new user takes the name of this organization's profile) and leaves its guest list, removed as by DELETE guest.",
        params: GuestParams,
        response: {
          201: { description: 'The new member.', ...MemberEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 409, 422], {
            403: 'Not a member of the organization, or not an administrator.',
            409: 'The email is a member of this organization already; nothing was changed.',
          }),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send({ data: memberRowToMember(await conversions.toMember(actorOf(request), request.params.guest_email)) }),
  );

  app.put(
    '/organizations/:org_id/users/:user_id/to/guest',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['Members'],
        summary: 'Turn a member into a guest',
        description:
          "Admins only. The member leaves the organization's members and becomes its guest, with their first and last name, in one step. Not counted against the invite cap. Refused for the only administrator.",
        params: MemberParams,
        response: {
          200: { description: 'The new guest.', ...GuestEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 409, 422], {
            403: 'Not a member of the organization, or not an administrator.',
            404: 'The user is not a member of this organization.',
            409: 'The member is the only administrator of the organization.',
          }),
        },
      },
    },
    async (request, reply) => sendGuest(reply, await conversions.toGuest(actorOf(request), request.params.user_id)),
  );

  app.post(
    '/organizations/:org_id/guests/bulk',
    {
      config: { access: 'write', bodyCheckedPerItem: true },
      attachValidation: true,
      bodyLimit: Math.max(config.bodyLimitBytes, BULK_BODY_LIMIT),
      schema: {
        tags: [TAG],
        summary: 'Create many guests in one request',
        description: `A JSON array of 1 to ${MAX_BULK_ITEMS} create bodies. Each item is checked and created as a single create would be and succeeds or fails on its own; a repeated email is answered as already a guest. Each joined guest counts against the hourly invite cap; under a cap, items run in request order, so those refused with 429 are the last new ones, and the answer carries a Retry-After header. The answer lists every item's outcome.`,
        params: OrgParams,
        body: unchecked(BulkCreateBody),
        response: {
          200: { description: "Each item's outcome, in request order, and the counts.", ...BulkEnvelope },
          ...errorResponses([...AUTH_ERRORS, ...BODY_ERRORS], {
            422: "The body is not an array of 1 to 1,000 items (the whole request is refused; an item's own failures are answered in its outcome).",
          }),
        },
      },
    },
    async (request, reply) => {
      const items = bulkItems(request);
      heavy.enter(request, reply);
      const { retryAfterSeconds, ...result } = await bulk.createAll(actorOf(request), items);
      // Items the invite cap refused say so in their outcome; the header tells a client when to resend them.
      if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
      return result;
    },
  );
}
