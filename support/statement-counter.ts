/**
 * Counts the SQL statements this process sends to its databases, without touching the service's
 * code: it wraps the driver methods every statement goes through when it runs — better-sqlite3's
 * `Statement#run/get/all/iterate` (whether the statement was just prepared or reused from a cache)
 * and node-postgres' `Client#query`. Used by the benchmark's statement counter
 * (bench/instrument/count-queries.ts) and by tests that hold a number of statements per request.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Running totals: every statement, and by its first word (`select`, `insert`, `begin`...). */
export interface StatementTotals {
  total: number;
  byVerb: Record<string, number>;
}

const counts: StatementTotals = { total: 0, byVerb: {} };
let installed = false;
/** A statement sent, with its parameters as the driver was given them. */
export interface SentStatement {
  text: string;
  values: readonly unknown[];
}

/** The statements sent while statementTextsOf runs. */
let recording: SentStatement[] | undefined;

/**
 * The token memory's question to SQLite whether another process committed (src/auth/auth-channels.ts):
 * asked once per turn of the event loop for all the requests of that turn, so it is no request's
 * statement, and whether a request asks it depends on what else ran in its turn. Not counted.
 */
const CHANGE_CHECK = 'pragma data_version';

function count(sql: unknown, values: unknown = []): void {
  const text =
    typeof sql === 'string'
      ? sql
      : typeof (sql as { text?: unknown })?.text === 'string'
        ? (sql as { text: string }).text
        : '';
  if (text === CHANGE_CHECK) return;
  const verb = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? 'other';
  recording?.push({ text, values: Array.isArray(values) ? values : [] });
  counts.total += 1;
  counts.byVerb[verb] = (counts.byVerb[verb] ?? 0) + 1;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps `prototype[method]`; `sqlOf` finds the statement's text from the call, `valuesOf` its parameters. */
function wrap(
  prototype: Record<string, unknown>,
  method: string,
  sqlOf: (self: unknown, args: unknown[]) => unknown,
  valuesOf: (args: unknown[]) => unknown,
): void {
  const original = prototype[method] as AnyFunction;
  prototype[method] = function counted(this: unknown, ...args: unknown[]) {
    count(sqlOf(this, args), valuesOf(args));
    return original.apply(this, args);
  };
}

/**
 * Starts counting (once per process; later calls change nothing) and returns the live totals. The
 * same module instances the service loads are wrapped: ESM imports of these CommonJS packages go
 * through the same require cache.
 */
export function countStatements(): Readonly<StatementTotals> {
  if (installed) return counts;
  installed = true;
  const SQLite = require('better-sqlite3') as new (file: string) => { prepare(sql: string): object; close(): void };
  // better-sqlite3 does not export its Statement class; any statement's prototype is it.
  const scratch = new SQLite(':memory:');
  const statementPrototype = Object.getPrototypeOf(scratch.prepare('select 1')) as Record<string, unknown>;
  scratch.close();
  for (const method of ['run', 'get', 'all', 'iterate'])
    wrap(
      statementPrototype,
      method,
      (self) => (self as { source: string }).source,
      (args) => (args.length === 1 && Array.isArray(args[0]) ? args[0] : args),
    );
  wrap(
    (require('pg') as { Client: { prototype: Record<string, unknown> } }).Client.prototype,
    'query',
    (_self, args) => args[0],
    (args) => args[1] ?? (args[0] as { values?: unknown } | undefined)?.values,
  );
  return counts;
}

/** How many statements `work` sent, and its result (nothing else may run meanwhile). */
export async function statementsOf<T>(work: () => Promise<T>): Promise<{ statements: number; result: T }> {
  const totals = countStatements();
  const before = totals.total;
  const result = await work();
  return { statements: totals.total - before, result };
}

/** Every statement `work` sent, in order, and its result (nothing else may run meanwhile). */
export async function statementsSentBy<T>(work: () => Promise<T>): Promise<{ sent: SentStatement[]; result: T }> {
  countStatements();
  const sent: SentStatement[] = [];
  recording = sent;
  try {
    return { sent, result: await work() };
  } finally {
    recording = undefined;
  }
}
