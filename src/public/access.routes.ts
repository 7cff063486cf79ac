/** `POST /public/guests/access`: emails a guest their links; the same 202 for any address. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../http/route-deps.js';

export function publicAccessRoutes(_app: FastifyInstance, _deps: RouteDeps): void {
  // Filled in with the access endpoint.
}
