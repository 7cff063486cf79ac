/** The guest's side (§5): the page at /guest/{code} and the JSON API under /api/guest/{code}. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../http/route-deps.js';
import { guestApiRoutes } from './api.routes.js';
import { createGeoLocator } from './geo.js';
import { guestPageRoutes } from './page.routes.js';
import { createPortalService } from './portal.service.js';

/**
 * Registers both. The GeoIP database (GEOIP_DATABASE) is opened here, once, while the app is
 * built: a configured file that cannot be read fails the start with a message naming the setting.
 */
export async function guestPortalRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { config } = deps;
  const geo = await createGeoLocator({ trustProxy: config.trustProxy, databasePath: config.geoipDatabase });
  const portal = createPortalService({ db: deps.db });
  await app.register(async (api) => guestApiRoutes(api, { portal, publicBaseUrl: config.publicBaseUrl }), { prefix: '/api' });
  await app.register(async (page) => guestPageRoutes(page, { portal, geo, publicBaseUrl: config.publicBaseUrl }));
}
