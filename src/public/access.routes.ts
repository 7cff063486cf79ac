/** `POST /public/guests/access`: emails a guest their links; the same 202 for any address. */
import { Type, type Static } from 'typebox';
import { parseEmailAddress } from '../email/parse.js';
import { validationFailed } from '../core/errors.js';
import { BODY_ERRORS, errorResponses } from '../http/schemas.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';

/** The one answer, whatever the address: it never says whether the address belongs to a guest. */
export const ACCESS_ACCEPTED_MESSAGE = 'If this address belongs to a guest, we have sent them their links.';

export const AccessBody = Type.Object(
  {
    email: Type.String({
      maxLength: 320,
      description:
        'The address to send the links to. Checked for syntax only: no DNS look-up, and no hint whether it is known.',
      example: 'external.partner@partnerco.com',
    }),
  },
  { additionalProperties: false, title: 'GuestAccessRequest' },
);
export type AccessBody = Static<typeof AccessBody>;

const AccessAccepted = Type.Object({
  message: Type.String({ description: 'Always the same text.', example: ACCESS_ACCEPTED_MESSAGE }),
});

export function publicAccessRoutes(app: RouteApp, { access, config }: Services): void {
  const { perIpPerHour, perEmailPerHour } = config.accessEmailLimits;

  app.post(
    '/public/guests/access',
    {
      schema: {
        tags: ['Guest access'],
        summary: 'Email a guest their links',
        description:
          "No token: anyone may ask. When the address belongs to a guest, one email lists the guest's link for every organization where the guest is neither removed nor disabled. " +
          'The answer is the same 202 whether or not the address is known. ' +
          `Limits per hour: ${perIpPerHour || 'no limit'} requests per client IP (IPv6: per /64), past it 429 with Retry-After; ` +
          `${perEmailPerHour || 'no limit'} emails per address, past it the request is answered as usual but nothing is sent, so an inbox cannot be flooded and the answer never varies.`,
        security: [],
        body: AccessBody,
        response: {
          202: {
            description: 'Accepted. If the address belongs to a guest, an email with their links is on its way.',
            ...AccessAccepted,
          },
          ...errorResponses([...BODY_ERRORS, 429, 500, 503], {
            422: 'The body is not `{"email": ...}` with a syntactically valid address.',
            429: 'Too many requests from this client IP this hour; `Retry-After` says when to try again.',
          }),
        },
      },
    },
    async (request, reply) => {
      const parsed = parseEmailAddress(request.body.email);
      if (!parsed.ok) throw validationFailed({ email: [parsed.message] });
      await access.requestLinks(parsed.email, request.ip);
      return reply.code(202).send({ message: ACCESS_ACCEPTED_MESSAGE });
    },
  );
}
