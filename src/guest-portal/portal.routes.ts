/** The guest's side (§5): the page at /guest/{code} and the JSON API under /api/guest/{code}. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../http/route-deps.js';

export async function guestPortalRoutes(_app: FastifyInstance, _deps: RouteDeps): Promise<void> {
  // Filled in with the guest page and the guest JSON API.
}
