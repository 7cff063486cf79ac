/**
 * The guest's side (docs/guest-side.md): the page at /guest/{code} and the JSON API under
 * /api/guest/{code}.
 */
import type { RouteApp } from '../http/route-app.js';
import type { Services } from '../services.js';
import { guestApiRoutes } from './api.routes.js';
import { guestPageRoutes } from './page.routes.js';
import { guestTaskApiRoutes } from './task-api.routes.js';
import { guestTaskPageRoutes } from './task-page.routes.js';
import { guestTaskFileApiRoutes } from './task-files-api.routes.js';

/** Registers both: the JSON API under the `/api` prefix, the page in its own scope. */
export async function guestPortalRoutes(app: RouteApp, services: Services): Promise<void> {
  await app.register(
    async (api) => {
      guestApiRoutes(api, services);
      guestTaskApiRoutes(api, services);
      // In a scope of their own: only these routes take multipart bodies.
      await api.register(async (files) => guestTaskFileApiRoutes(files, services));
    },
    { prefix: '/api' },
  );
  await app.register(async (page) => {
    guestPageRoutes(page, services);
    guestTaskPageRoutes(page, services);
  });
}
