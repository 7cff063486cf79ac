/** Invitations of new members (to be written). */
import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../http/route-deps.js';

/** Bearer-token routes: invite, resend, withdraw. */
export function invitationRoutes(_app: FastifyInstance, _deps: RouteDeps): void {}

/** Public routes: the accept link (the code in the path is the credential). */
export function invitationAcceptRoutes(_app: FastifyInstance, _deps: RouteDeps): void {}
