/**
 * The accept link as JSON, under `/api/invitations/{code}` (the page is `/invitations/{code}`). No
 * bearer token: the code is the credential. Every code that opens nothing answers the same 404.
 */
import { BODY_ERRORS, CODE_FAILURES_LIMITED, errorResponses } from '../http/schemas.js';
import { rawParam, unchecked, validBody } from '../http/request-parts.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import { AcceptBody, AcceptedEnvelope, CodeParams, InvitationViewEnvelope } from './invitation.schemas.js';
import { invitationNotFound, isWellFormedCode } from './invitation.service.js';

const TAG = 'Invitations';
const CODE_ERRORS = {
  404: 'No pending invitation has this code: unknown, replaced by a newer one, withdrawn or accepted; never which.',
  410: 'The invitation has expired (INVITATION_EXPIRED); an admin or standard member can send it again.',
  429: CODE_FAILURES_LIMITED,
};

/** Registers the JSON routes; mounted under the `/api` prefix. */
export function invitationApiRoutes(app: RouteApp, { invitations, config: { publicBaseUrl } }: Services): void {
  // Documented under the `/api` server only, like the guest side: the app-wide transform, which
  // hides the /api twins of the bearer API, is skipped for these.
  const documented = { swaggerTransform: false as const };
  const servers = [{ url: `${publicBaseUrl}/api`, description: 'The invitation API answers under /api only.' }];

  // A string that cannot be a code is 404 before the body is read or validated.
  app.addHook('onRequest', async (request) => {
    if (!isWellFormedCode(rawParam(request, 'code'))) throw invitationNotFound();
  });

  app.get(
    '/invitations/:code',
    {
      config: documented,
      schema: {
        tags: [TAG],
        summary: 'What an invitation offers',
        description: 'The organization, the invitee as invited, the role, who invited and until when the link works.',
        security: [],
        servers,
        params: CodeParams,
        response: {
          200: { description: 'The invitation.', ...InvitationViewEnvelope },
          ...errorResponses([404, 410, 429, 500, 503], CODE_ERRORS),
        },
      },
    },
    async (request) => {
      return { data: await invitations.view(request.params.code) };
    },
  );

  app.post(
    '/invitations/:code/accept',
    {
      config: documented,
      // No body, or an empty one, reads as `{}` (app-wide): accepting without names.
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: 'Accept an invitation',
        description:
          'Makes the invitee a member with the invited role and answers a personal access token, shown this once. Names sent are kept only when the user has none yet. ' +
          'An active guest of the organization stops being its guest, as a guest turned member does. The link stops working.',
        security: [],
        servers,
        params: CodeParams,
        body: unchecked(AcceptBody),
        response: {
          201: { description: 'The new member and their token.', ...AcceptedEnvelope },
          ...errorResponses([...BODY_ERRORS, 404, 409, 410, 429, 500, 503], {
            ...CODE_ERRORS,
            409: 'The invitee is a member of the organization already.',
          }),
        },
      },
    },
    async (request, reply) => {
      const { code } = request.params;
      // A code that opens nothing is 404 (or 410) whatever the body says.
      if (request.validationError) await invitations.view(code);
      const body = validBody(request, AcceptBody);
      const accepted = await invitations.accept(code, {
        firstName: body.first_name ?? null,
        lastName: body.last_name ?? null,
      });
      return reply.code(201).send({ data: { member: accepted.member, token: accepted.token } });
    },
  );
}
