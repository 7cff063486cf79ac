/**
 * Floor 3, what the web framework and the request log cost on top of the database: the same
 * database work as floor 2 (bench/floors/store.ts), served by Fastify (the service's version)
 * with one access-log line per request, written by the service's own logger (serverLog in
 * src/core/log-lines.ts: batches to standard output, which the benchmark sends to a file).
 * Nothing of the service's own: no authentication, no validation, no schemas for the answers
 * (JSON.stringify), no hooks but the log line's.
 *
 * - `POST /api/organizations/:org/guests`: Fastify parses the JSON body; the store's create; 201.
 * - `GET /api/organizations/:org/guests/:email`: the store's get; 200, or 404.
 *
 * Every request of the service pays what this floor pays; what the service costs beyond it is its
 * own. Run as its own process:
 * `PORT=… FLOOR_DATABASE_URL=sqlite:/path|postgres://… node --import tsx bench/floors/framework-floor.ts`.
 */
import Fastify, { LogController } from 'fastify';
import { serverLog } from '../../src/core/log-lines.js';
import { openStore, type Row } from './store.js';

const log = serverLog('info');
const store = openStore();

const app = Fastify({
  loggerInstance: log.logger,
  // One line per request, in onResponse, as the service writes it; not Fastify's two.
  logController: new LogController({ disableRequestLogging: true }),
});

app.addHook('onResponse', (request, reply, done) => {
  request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  done();
});

app.get('/health/live', async () => ({ status: 'ok' }));

app.post<{ Params: { org: string }; Body: Row }>('/api/organizations/:org/guests', async (request, reply) => {
  const data = await store.create(request.params.org, request.body);
  return reply.code(201).send({ data });
});

app.get<{ Params: { org: string; email: string } }>('/api/organizations/:org/guests/:email', async (request, reply) => {
  const row = await store.get(request.params.org, request.params.email.toLowerCase());
  return row ? { data: row } : reply.code(404).send({ error: 'not found' });
});

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`framework floor listening on ${JSON.stringify(app.server.address())}\n`);

const stop = () => {
  void app
    .close()
    .then(() => store.close())
    .finally(() => {
      log.end();
      process.exit(0);
    });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
