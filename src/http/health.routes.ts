/** Liveness and readiness for load balancers and orchestrators. */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Db } from '../db/database.js';
import { AppError } from '../core/errors.js';
import { errorResponses } from './schemas.js';

const READY_TIMEOUT_MS = 2000;
const Status = Type.Object({ status: Type.String() });

export function healthRoutes(app: FastifyInstance, db: Db): void {
  app.get('/health/live', {
    schema: {
      tags: ['Operations'],
      summary: 'Liveness: the process is up',
      security: [],
      response: { 200: { description: 'The process answers.', ...Status } },
    },
  }, async () => ({ status: 'ok' }));

  app.get('/health/ready', {
    schema: {
      tags: ['Operations'],
      summary: 'Readiness: the database answers',
      security: [],
      response: { 200: { description: 'Ready to serve.', ...Status }, ...errorResponses([503], { 503: 'The database does not answer.' }) },
    },
  }, async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('database check timed out')), READY_TIMEOUT_MS);
    });
    try {
      await Promise.race([sql`select 1`.execute(db.kysely), timeout]);
      return { status: 'ok' };
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE', 'The database does not answer.', { headers: { 'retry-after': '5' } });
    } finally {
      clearTimeout(timer);
    }
  });
}
