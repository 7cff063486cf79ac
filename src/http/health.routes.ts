/** Liveness and readiness for load balancers and orchestrators. */
import { Type } from 'typebox';
import type { RouteApp } from './route-app.js';
import { AppError } from '../core/errors.js';
import { errorResponses } from './schemas.js';

const Status = Type.Object({ status: Type.String() });

/**
 * What readiness needs of the services (src/services.ts): declared here rather than imported, so
 * that http/, which every resource folder uses, imports none of them back.
 */
export interface HealthServices {
  database: { ping(): Promise<void> };
}

export function healthRoutes(app: RouteApp, { database }: HealthServices): void {
  app.get(
    '/health/live',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Liveness: the process is up',
        security: [],
        response: { 200: { description: 'The process answers.', ...Status } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Readiness: the database answers',
        security: [],
        response: {
          200: { description: 'Ready to serve.', ...Status },
          ...errorResponses([503], { 503: 'The database does not answer.' }),
        },
      },
    },
    async () => {
      try {
        await database.ping();
        return { status: 'ok' };
      } catch {
        throw new AppError('SERVICE_UNAVAILABLE', 'The database does not answer.', { headers: { 'retry-after': '5' } });
      }
    },
  );
}
