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
  config: { publicBaseUrl: string };
}

export function healthRoutes(app: RouteApp, { database, config }: HealthServices): void {
  // Served at the root only (they answer 404 under /api): the document names that server alone.
  const servers = [{ url: config.publicBaseUrl, description: 'Health answers at the root only, not under /api.' }];
  app.get(
    '/health/live',
    {
      schema: {
        tags: ['Operations'],
        summary: 'Liveness: the process is up',
        description: 'Answers 200 while the process runs, even while it sheds load (docs/service.md, Liveness).',
        security: [],
        servers,
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
        description: 'Answers 200 once the database answers a query within 2 seconds (docs/service.md, Readiness).',
        security: [],
        servers,
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
