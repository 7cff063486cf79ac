/**
 * Invitations of new members: the bearer-token routes (invite, send again, withdraw) and, apart,
 * the public routes of the accept link, where the code in the path is the credential.
 */
import type { FastifyRequest } from 'fastify';
import { AUTH_ERRORS, BODY_ERRORS, errorResponses } from '../http/schemas.js';
import { actorOf, bodyToCheck, unchecked } from '../http/request-parts.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import { MemberEnvelope, MemberIdParams } from '../members/member.schemas.js';
import { invitationApiRoutes } from './invitation.api-routes.js';
import { invitationPageRoutes } from './invitation.page-routes.js';
import { InviteBody, OrgParams } from './invitation.schemas.js';
import type { Inviter } from './invitation.service.js';

const TAG = 'Members';

function inviterOf(request: FastifyRequest): Inviter {
  const role = request.principal.role;
  if (role === undefined) throw new Error('route without an organization used as one');
  return { ...actorOf(request), role };
}

/** Bearer-token routes: invite, resend, withdraw. */
export function invitationRoutes(app: RouteApp, { invitations, config }: Services): void {
  const days = config.invitationExpiryDays;

  app.post(
    '/organizations/:org_id/users/invite',
    {
      config: { access: 'write' },
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: 'Invite a member by email',
        description:
          `Emails an accept link that works for ${days} days. A new address becomes a user with the names given. ` +
          'An address with an invitation still pending (expired or not) gets that invitation again, unchanged but for a new link (the old one stops working) and a new period: names, role and message of this body are then ignored. ' +
          'Admins and standard members may invite; only an admin may invite an admin.',
        params: OrgParams,
        body: unchecked(InviteBody),
        response: {
          200: {
            description: 'The invitee as a member with status `invited` (200, as Tallyfy documents).',
            ...MemberEnvelope,
          },
          ...errorResponses([...AUTH_ERRORS, ...BODY_ERRORS], {
            403: "Not a member of the organization, a light member, or a standard member inviting an admin (or sending an admin's invitation again).",
            422: 'A field failed validation, or the email is already a member, or an active guest, of this organization (an error on `email`).',
          }),
        },
      },
    },
    async (request) => {
      const { fields, failures } = bodyToCheck(request);
      return { data: await invitations.invite(inviterOf(request), fields, failures) };
    },
  );

  app.post(
    '/organizations/:org_id/users/:user_id/resend-invite',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Send a pending invitation again',
        description: `A new link (the old one stops working), valid for ${days} days from now, in a new email. Works for an expired invitation too.`,
        params: MemberIdParams,
        response: {
          200: { description: 'The invitee as a member with status `invited`.', ...MemberEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 409, 422], {
            403: "Not a member of the organization, a light member, or a standard member sending an admin's invitation.",
            404: 'The user has no pending invitation to this organization.',
            409: 'The user has become a member of the organization meanwhile.',
            422: 'The user id is not a positive integer.',
          }),
        },
      },
    },
    async (request) => {
      return { data: await invitations.resend(inviterOf(request), request.params.user_id) };
    },
  );

  app.delete(
    '/organizations/:org_id/users/:user_id/withdraw-invite',
    {
      config: { access: 'write' },
      schema: {
        tags: [TAG],
        summary: 'Withdraw a pending invitation',
        description: 'The link stops working at once. The answer is the invitee as it was, with status `invited`.',
        params: MemberIdParams,
        response: {
          200: { description: 'The withdrawn invitee.', ...MemberEnvelope },
          ...errorResponses([...AUTH_ERRORS, 404, 422], {
            404: 'The user has no pending invitation to this organization.',
            422: 'The user id is not a positive integer.',
          }),
        },
      },
    },
    async (request) => {
      return { data: await invitations.withdraw(inviterOf(request), request.params.user_id) };
    },
  );
}

/** Public routes: the accept link (the code in the path is the credential). */
export function invitationAcceptRoutes(app: RouteApp, services: Services): void {
  void app.register(async (api) => invitationApiRoutes(api, services), { prefix: '/api' });
  void app.register(async (page) => invitationPageRoutes(page, services));
}
