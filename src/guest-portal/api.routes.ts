/**
 * The guest JSON API (docs/guest-side.md, Get guest record, Set digest days, Get guest preferences,
 * Set guest preference), under `/api/guest/{code}` only (`/guest/{code}` is the page). No bearer
 * token: the code in the path is the credential. Every code that opens nothing answers the same 404
 * RESOURCE_NOT_FOUND. Reading through this API is not recorded as an access: only opening the page
 * is (the guest's own app polling would otherwise bury the real visits).
 */
import { BODY_ERRORS, CODE_FAILURES_LIMITED, errorResponses } from '../http/schemas.js';
import { rawParam, schemaErrors, unchecked } from '../http/request-parts.js';
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import {
  CadenceDaysBody,
  GuestCodeParams,
  GuestSideEnvelope,
  PreferenceBody,
  PreferenceEnvelope,
  PreferenceListEnvelope,
} from './portal.schemas.js';
import { guestLinkNotFound, isWellFormedGuestCode } from './portal.service.js';

const TAG = 'Guest side';
const NOT_FOUND = {
  404: 'No active guest record has this code: unknown, old (after a new link), disabled or removed; never which.',
  429: CODE_FAILURES_LIMITED,
};
const READ_ERRORS = [404, 429, 500, 503];

/** Registers the guest JSON API; mounted under the `/api` prefix. */
export function guestApiRoutes(app: RouteApp, { portal, config: { publicBaseUrl } }: Services): void {
  // These answer under /api only, which the document's `/api` server already carries: each
  // operation names that server, and the app-wide transform (which hides /api duplicates of the
  // bearer API) is skipped for them.
  const documented = { swaggerTransform: false as const };
  const servers = [{ url: `${publicBaseUrl}/api`, description: 'The guest API answers under /api only.' }];

  // A string that cannot be a code is 404 before the body is read or validated.
  app.addHook('onRequest', async (request) => {
    if (!isWellFormedGuestCode(rawParam(request, 'guest_code'))) throw guestLinkNotFound();
  });

  app.get(
    '/guest/:guest_code',
    {
      config: documented,
      schema: {
        tags: [TAG],
        summary: "The guest's own record in the organization of this code",
        description:
          "What the guest page shows, as JSON: the guest's profile in this organization and the organization. Not recorded as an access.",
        security: [],
        servers,
        params: GuestCodeParams,
        response: {
          200: { description: 'The guest and the organization.', ...GuestSideEnvelope },
          ...errorResponses(READ_ERRORS, NOT_FOUND),
        },
      },
    },
    async (request) => {
      return { data: await portal.view(request.params.guest_code) };
    },
  );

  app.put(
    '/guest/:guest_code/cadence_days',
    {
      config: documented,
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: 'Set the days the guest gets digest emails',
        description:
          'Weekday names (`Monday`…`Sunday`), no repeats; `[]` or null clears. Unknown fields are dropped and named in `X-Ignored-Fields` (refused with `UNKNOWN_FIELDS=reject`).',
        security: [],
        servers,
        params: GuestCodeParams,
        body: unchecked(CadenceDaysBody),
        response: {
          200: { description: 'The updated record.', ...GuestSideEnvelope },
          ...errorResponses([...BODY_ERRORS, ...READ_ERRORS], NOT_FOUND),
        },
      },
    },
    async (request) => {
      // The body's schema failures are held until the service has found the record: a bad code is
      // 404 whatever the body says.
      return { data: await portal.setCadenceDays(request.params.guest_code, request.body, schemaErrors(request)) };
    },
  );

  app.get(
    '/guest/:guest_code/preferences',
    {
      config: documented,
      schema: {
        tags: [TAG],
        summary: "The guest's preferences in this organization",
        description:
          'Every preference, with its default while unset (`daily_digest` and `task_reminders` true, languages null) and `updated_at` null.',
        security: [],
        servers,
        params: GuestCodeParams,
        response: {
          200: { description: 'All preferences.', ...PreferenceListEnvelope },
          ...errorResponses(READ_ERRORS, NOT_FOUND),
        },
      },
    },
    async (request) => {
      return { data: await portal.preferences(request.params.guest_code) };
    },
  );

  app.post(
    '/guest/:guest_code/preferences',
    {
      config: documented,
      attachValidation: true,
      schema: {
        tags: [TAG],
        summary: "Set one of the guest's preferences",
        description:
          "`daily_digest`, `task_reminders`: true or false. `content_language`, `app_language`: a BCP 47 language tag (stored in canonical form, e.g. `en-us` as `en-US`), or null for the organization's default.",
        security: [],
        servers,
        params: GuestCodeParams,
        body: unchecked(PreferenceBody),
        response: {
          200: { description: 'The saved preference.', ...PreferenceEnvelope },
          ...errorResponses([...BODY_ERRORS, ...READ_ERRORS], NOT_FOUND),
        },
      },
    },
    async (request) => {
      return { data: await portal.setPreference(request.params.guest_code, request.body, schemaErrors(request)) };
    },
  );
}
