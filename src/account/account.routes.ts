/** The caller's own account: who they are, their organizations, their tokens (to be written). */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../http/route-deps.js';

export function accountRoutes(_app: FastifyInstance, _deps: RouteDeps): void {}
