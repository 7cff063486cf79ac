/**
 * Counts the SQL statements a process sends to its database, without touching the service's
 * code: loaded before it (`node --import tsx --import ./bench/instrument/count-queries.ts
 * bin/guests.js serve`), it wraps the driver methods every statement goes through when it runs —
 * better-sqlite3's `Statement#run/get/all/iterate` (whether the statement was just prepared or
 * reused from a cache) and node-postgres' `Client#query` — and serves the running totals as JSON
 * on 127.0.0.1:$QUERY_COUNTER_PORT (`{"total": n, "byVerb": {"select": n, …}}`).
 *
 * The benchmark reads the totals before and after a batch of requests to get queries per request.
 * Only the query-count check runs with this loaded; the timed runs use an unmodified server.
 */
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const counts = { total: 0, byVerb: {} as Record<string, number> };

function count(sql: unknown): void {
  const text =
    typeof sql === 'string'
      ? sql
      : typeof (sql as { text?: unknown })?.text === 'string'
        ? (sql as { text: string }).text
        : '';
  const verb = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'other';
  counts.total += 1;
  counts.byVerb[verb] = (counts.byVerb[verb] ?? 0) + 1;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps `prototype[method]`; `sqlOf` finds the statement's text from the call. */
function wrap(
  prototype: Record<string, unknown>,
  method: string,
  sqlOf: (self: unknown, args: unknown[]) => unknown,
): void {
  const original = prototype[method] as AnyFunction;
  prototype[method] = function counted(this: unknown, ...args: unknown[]) {
    count(sqlOf(this, args));
    return original.apply(this, args);
  };
}

// The same module instances the service loads: ESM imports of these CommonJS packages go through
// the same require cache.
const SQLite = require('better-sqlite3') as new (file: string) => { prepare(sql: string): object; close(): void };
// better-sqlite3 does not export its Statement class; any statement's prototype is it.
const scratch = new SQLite(':memory:');
const statementPrototype = Object.getPrototypeOf(scratch.prepare('select 1')) as Record<string, unknown>;
scratch.close();
for (const method of ['run', 'get', 'all', 'iterate'])
  wrap(statementPrototype, method, (self) => (self as { source: string }).source);
wrap(
  (require('pg') as { Client: { prototype: Record<string, unknown> } }).Client.prototype,
  'query',
  (_self, args) => args[0],
);

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
