/**
 * Floor 2, what the database itself costs on this machine: a bare `node:http` server doing only
 * the minimal database work of the guest API (bench/floors/store.ts), with the driver used directly (better-sqlite3
 * with cached prepared statements, or a `pg` pool of the service's default size sending named
 * statements, planned once per connection, as the service's own hot statements are), no query
 * builder, no framework, no validation, no authentication.
 *
 * - `POST /api/organizations/{org}/guests` (a create's body): one transaction inserting the global
 *   guest and the organization's record, in the same row shape the service writes; 201 with the
 *   record as JSON.
 * - `GET /api/organizations/{org}/guests/{email}`: one indexed select joining `guests` and
 *   `organization_guests` for the same columns the service reads; 200 with the row as JSON.
 *
 * The database was created and migrated with the project's own migrations (identical tables and
 * indexes) and seeded like the service's. Run as its own process:
 * `PORT=… FLOOR_DATABASE_URL=sqlite:/path|postgres://… node --import tsx bench/floors/db-floor.ts`.
 */
import http from 'node:http';
import { openStore, type Row } from './store.js';

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.once('end', () => resolve(text));
    request.once('error', reject);
  });
}

function send(response: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

const store = openStore();

const server = http.createServer((request, response) => {
  // /api/organizations/{org}/guests[/{email}]
  const parts = (request.url ?? '/').split('?')[0]?.split('/') ?? [];
  const handle = async () => {
    if (request.url === '/health/live') return send(response, 200, { status: 'ok' });
    const organizationId = parts[3] ?? '';
    if (request.method === 'POST' && parts.length === 5) {
      const body = JSON.parse(await readBody(request)) as Row;
      return send(response, 201, { data: await store.create(organizationId, body) });
    }
    if (request.method === 'GET' && parts.length === 6) {
      const row = await store.get(organizationId, decodeURIComponent(parts[5] ?? '').toLowerCase());
      return row ? send(response, 200, { data: row }) : send(response, 404, { error: 'not found' });
    }
    request.resume();
    return send(response, 404, { error: 'no such route' });
  };
  handle().catch((error: unknown) => {
    process.stderr.write(`db floor: ${String(error)}\n`);
    if (!response.headersSent) send(response, 500, { error: 'failed' });
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`db floor listening on ${JSON.stringify(server.address())}\n`);
});

const stop = () => {
  server.close(() => void store.close().finally(() => process.exit(0)));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
