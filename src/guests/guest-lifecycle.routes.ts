/** Routes F–L of the contract's §4: disable, enable, permanent delete, reset link, conversions, bulk. */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../http/route-deps.js';

export function guestLifecycleRoutes(_app: FastifyInstance, _deps: RouteDeps): void {
  // Filled in with the lifecycle endpoints.
}
