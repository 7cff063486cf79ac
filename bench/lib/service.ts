/**
 * The service under test: `node <its node options> bin/guests.js serve` as its own process (as
 * `npm start` runs it, after the benchmark compiled it) on a benchmark database,
 * with the settings a benchmark needs and nothing else changed:
 * - GUEST_INVITE_LIMIT_PER_HOUR=0 and RATE_LIMIT_MAX=0, or the caps would answer 429s;
 * - EMAIL_DNS_CHECK=on against the benchmark's own DNS server (DNS_SERVERS), which answers MX for
 *   every guest domain: each create runs the real check, a cache hit after a domain's first look-up;
 * - LOG_LEVEL as given (default `info`, the service's own default: its request log is part of
 *   what a deployed server does), written to a file in the run's temp dir;
 * - SEED_DEMO=false, DATA_DIR in the run's temp dir.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { BenchError, logFileFor, measure, warmUp, type BenchContext } from './context.js';
import { BENCH_GUEST_CODE_KEY, type BenchDatabase, type Seed } from './database.js';
import { withEmailDelivery, type EmailDelivery } from './email-delivery.js';
import type { LoadResult } from './load.js';
import { freePort, GUESTS_BIN, guestsNodeOptions, ROOT, startProcess, type BenchProcess } from './processes.js';
import {
  apiHeaders,
  LIST_PAGE_SIZE,
  LIST_STATS_WITH_TASKS,
  nextCreate,
  requestsFor,
  serviceCases,
  type Operation,
} from './scenarios.js';

const COUNT_QUERIES = path.join(ROOT, 'bench', 'instrument', 'count-queries.ts');

export interface ServiceCaseResult {
  operation: Operation;
  connections: number;
  result: LoadResult;
  /** The service's peak RSS during this case (and its warm-up), bytes; see BenchProcess.resetPeakRss. */
  peakRssBytes: number | undefined;
  /** For the cases that queue email: how far its delivery kept up (bench/lib/email-delivery.ts). */
  emails?: EmailDelivery;
}

/** The cases whose requests queue an email each. */
const QUEUES_EMAIL: ReadonlySet<Operation> = new Set(['create task with one new guest']);

export function serviceEnv(context: BenchContext, database: BenchDatabase): Record<string, string> {
  const dataDir = path.join(context.tmp, 'data');
  mkdirSync(dataDir, { recursive: true });
  return {
    DATABASE_URL: database.url,
    GUEST_CODE_KEY: BENCH_GUEST_CODE_KEY,
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: context.settings.logLevel,
    SEED_DEMO: 'false',
    GUEST_INVITE_LIMIT_PER_HOUR: '0',
    RATE_LIMIT_MAX: '0',
    EMAIL_DNS_CHECK: 'on',
    DNS_SERVERS: context.dnsAddress,
    // The pages of List guests a service keeps (LIST_CACHE_MB): as shipped unless the run's
    // environment says otherwise, e.g. LIST_CACHE_MB=0 to measure every page read.
    ...(process.env.LIST_CACHE_MB !== undefined && { LIST_CACHE_MB: process.env.LIST_CACHE_MB }),
  };
}

/**
 * For the processes that measure what a page read costs the database (the scale cases, the
 * statement counts): no page is answered again from memory, whatever the run's setting.
 */
export const PAGES_NOT_KEPT = { LIST_CACHE_MB: '0' };

export interface StartServiceOptions {
  /** Load the query counter and serve its totals on this port. */
  queryCounterPort?: number;
  env?: Record<string, string>;
}

export function startService(
  context: BenchContext,
  name: string,
  database: BenchDatabase,
  options: StartServiceOptions = {},
): Promise<BenchProcess> {
  const nodeArgs: string[] = [];
  const env = { ...serviceEnv(context, database), ...options.env };
  if (options.queryCounterPort !== undefined) {
    nodeArgs.push('--import', 'tsx', '--import', COUNT_QUERIES);
    env.QUERY_COUNTER_PORT = String(options.queryCounterPort);
    // No background work while statements are counted: neither the outbox's polling nor the
    // scheduler's jobs (its first run starts with the process and may land in the idle window).
    env.OUTBOX_WORKER = 'false';
    env.SCHEDULER = 'false';
  } else if (context.settings.cpuProfDir) {
    // One folder per process: every thread (the module loader's too) writes its own profile.
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', path.join(context.settings.cpuProfDir, name.replace(/\W+/g, '-')));
  }
  return startProcess({
    name,
    args: [...guestsNodeOptions(), ...nodeArgs, GUESTS_BIN, 'serve', '--port', '{port}'],
    env,
    readyPath: '/health/live',
    logFile: logFileFor(context, name),
  });
}

/**
 * Warms each operation up, then runs every timed case; the caller stops the process. A case that
 * queues email is followed by the wait for its delivery (read in `database`, the service's).
 */
export async function runServiceCases(
  context: BenchContext,
  service: BenchProcess,
  kind: string,
  seed: Seed,
  database: BenchDatabase,
): Promise<ServiceCaseResult[]> {
  const headers = apiHeaders(seed.token);
  const results: ServiceCaseResult[] = [];
  const warmed = new Set<Operation>();
  for (const { operation, connections } of serviceCases(context.settings.connections)) {
    const spec = { ...requestsFor(operation, seed), headers };
    service.resetPeakRss();
    if (!warmed.has(operation)) {
      warmed.add(operation);
      await warmUp(context, `${kind} ${operation}`, service.url, spec);
    }
    const timed = async () => {
      const result = await measure(
        context,
        `${kind} ${operation} @${connections}`,
        service.url,
        { ...spec, connections, durationSec: context.settings.durationSec },
        { server: service },
      );
      return { operation, connections, result, peakRssBytes: service.peakRssBytes() };
    };
    results.push(QUEUES_EMAIL.has(operation) ? await withEmailDelivery(context, database, timed) : await timed());
    if (!service.running) throw new BenchError(`the service stopped during ${operation}\n${service.describe()}`);
  }
  return results;
}

/** The token memory of the statement-counting service: longer than all its probes take. */
const COUNTING_AUTH_TTL_MS = 60_000;

/** Statements per request of one probe, and by verb (`select`, `insert`, `begin`...). */
export interface QueryCount {
  probe: string;
  requests: number;
  perRequest: number;
  byVerb: Record<string, number>;
}

export interface QueryCountRun {
  counts: QueryCount[];
  /** Statements seen in 1.5 s without any request (background work); 0 is expected. */
  idleStatements: number;
  peakRssBytes: number | undefined;
}

type Totals = { total: number; byVerb: Record<string, number> };

/**
 * Statements per request for each operation, and for list pages of 10, 100 and 1000 guests, on
 * a service started with the query counter (bench/instrument/count-queries.ts). Requests go one
 * at a time, and totals are read before and after each probe, so nothing else is counted; an
 * idle interval is watched first: background work sending statements would show there.
 *
 * What a request costs in steady state: each probe sends one request of its kind before it counts
 * (the token's first look-up for the probe's organization, made once per AUTH_CACHE_TTL_MS, is not
 * the request's), and the token memory lasts the whole run (COUNTING_AUTH_TTL_MS), so a look-up
 * made again when it expires does not land inside one probe and not another.
 */
export async function countQueries(
  context: BenchContext,
  database: BenchDatabase,
  seed: Seed,
  kind: string,
): Promise<QueryCountRun> {
  const counterPort = await freePort();
  const service = await startService(context, `service (${kind}, counting statements)`, database, {
    queryCounterPort: counterPort,
    env: { ...PAGES_NOT_KEPT, AUTH_CACHE_TTL_MS: String(COUNTING_AUTH_TTL_MS) },
  });
  const totals = async (): Promise<Totals> =>
    (await (await fetch(`http://127.0.0.1:${counterPort}/`)).json()) as Totals;
  const headers = apiHeaders(seed.token);
  const base = `/api/organizations/${seed.listOrgId}/guests`;
  try {
    const idleBefore = await totals();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const idleStatements = (await totals()).total - idleBefore.total;
    if (idleStatements !== 0)
      context.log(
        `  warning: ${kind}: ${idleStatements} statements ran in 1.5 s without requests; the counts below include background work`,
      );
    const probes: Array<{ probe: string; method: string; next: () => { path: string; body?: string } }> = [
      { probe: 'create', method: 'POST', next: () => nextCreate(seed) },
      { probe: 'get', ...requestsFor('get', seed) },
      { probe: 'update', ...requestsFor('update', seed) },
      { probe: 'create task with one new guest', ...requestsFor('create task with one new guest', seed) },
      ...[10, LIST_PAGE_SIZE, 1000].map((size) => ({
        probe: `list per_page=${size}`,
        method: 'GET',
        next: () => ({ path: `${base}?per_page=${size}&page=3` }),
      })),
      {
        probe: `list per_page=${LIST_PAGE_SIZE} with=stats`,
        method: 'GET',
        next: () => ({ path: `${base}?per_page=${LIST_PAGE_SIZE}&page=3&with=stats` }),
      },
      ...[1, LIST_PAGE_SIZE].map((size) => ({
        probe: `${LIST_STATS_WITH_TASKS}, per_page=${size}`,
        method: 'GET',
        next: () => ({
          path: `/api/organizations/${seed.tasksOrgId}/guests?per_page=${size}&page=2&with=stats`,
        }),
      })),
    ];
    const counts: QueryCount[] = [];
    const requests = 10;
    for (const { probe, method, next } of probes) {
      let before = await totals();
      // One request first, not counted (see above).
      for (let i = -1; i < requests; i++) {
        if (i === 0) before = await totals();
        const request = next();
        const response = await fetch(`${service.url}${request.path}`, {
          method,
          headers,
          body: request.body,
          signal: AbortSignal.timeout(20_000),
        });
        const text = await response.text();
        if (!response.ok)
          throw new BenchError(`${kind} ${probe} (counting statements): ${response.status} ${text.slice(0, 400)}`);
      }
      const after = await totals();
      const byVerb = Object.fromEntries(
        Object.entries(after.byVerb)
          .map(([verb, n]) => [verb, (n - (before.byVerb[verb] ?? 0)) / requests])
          .filter(([, n]) => (n as number) > 0),
      );
      counts.push({ probe, requests, perRequest: (after.total - before.total) / requests, byVerb });
    }
    return { counts, idleStatements, peakRssBytes: service.peakRssBytes() };
  } finally {
    await service.stop();
  }
}
