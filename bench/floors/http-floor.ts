/**
 * Floor 1, the HTTP ceiling of this machine: a bare `node:http` server that answers every request
 * with one fixed JSON body (a guest as the service sends it, so the bytes on the wire are alike).
 * No routing, no validation, no database: no Node server can answer faster here.
 *
 * Run as its own process: `PORT=… node --import tsx bench/floors/http-floor.ts`.
 */
import http from 'node:http';

const GUEST = {
  id: 4711,
  email: 'anna.berg.seed42@northwind-traders.example',
  last_accessed_at: null,
  last_known_ip: null,
  last_known_country: null,
  first_name: 'Anna',
  last_name: 'Berg',
  created_at: '2025-01-15 10:30:00',
  deleted_at: null,
  link: 'http://127.0.0.1:3000/guest/q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6',
  details: {
    status: null,
    phone_1: '+1-212-555-0042',
    phone_2: null,
    timezone: 'America/Chicago',
    image_url: null,
    contact_url: null,
    company_url: 'https://www.northwind-traders.example',
    opportunity_url: null,
    company_name: 'Northwind Traders',
    opportunity_name: null,
    external_sync_source: null,
    external_date_creation: null,
    cadence_days: null,
    associated_members: [1],
    last_city: null,
    last_country: null,
    last_accessed_at: null,
    disabled_at: null,
    disabled_by: null,
    reactivated_at: null,
    reactivated_by: null,
  },
};
const BODY = Buffer.from(JSON.stringify({ data: GUEST }));
const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(BODY.length) };

const server = http.createServer((request, response) => {
  // A request body (create, update) is read to its end before answering, as any server must.
  request.resume();
  request.once('end', () => {
    response.writeHead(200, HEADERS);
    response.end(BODY);
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`http floor listening on ${JSON.stringify(server.address())}\n`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
