/**
 * Counts the SQL statements a process sends to its database, without touching the service's
 * code: loaded before it (`node --import tsx --import ./bench/instrument/count-queries.ts
 * bin/guests.js serve`), it wraps the database drivers (support/statement-counter.ts) and serves
 * the running totals as JSON on 127.0.0.1:$QUERY_COUNTER_PORT (`{"total": n, "byVerb": {"select":
 * n, …}}`).
 *
 * The benchmark reads the totals before and after a batch of requests to get queries per request.
 * Only the query-count check runs with this loaded; the timed runs use an unmodified server.
 */
import http from 'node:http';
import { countStatements } from '../../support/statement-counter.js';

const counts = countStatements();

const port = Number(process.env.QUERY_COUNTER_PORT);
if (Number.isInteger(port) && port > 0) {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(counts));
  });
  server.listen(port, '127.0.0.1');
  // Never what keeps the service running.
  server.unref();
}
