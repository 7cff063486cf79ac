/** Groups of an organization's members and guests (to be written). */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../http/route-deps.js';

export function groupRoutes(_app: FastifyInstance, _deps: RouteDeps): void {}
