/**
 * The two halves of a run: everything measured on one database kind (its floor, the service's
 * cases, its statements per request), and the bulk case (N guests created through the API in one
 * organization on a fresh SQLite service).
 */
import { BenchError, type BenchContext } from './context.js';
import { countGuests, freshDatabase, seedDatabase, type DbKind } from './database.js';
import { measureDbFloor, type ByConnections } from './floors.js';
import { addLoads, MAX_FAILED_REQUESTS, runLoad, type LoadResult } from './load.js';
import type { FloorOperation } from './scenarios.js';
import { apiHeaders, nextCreate } from './scenarios.js';
import { countQueries, runServiceCases, startService, type QueryCountRun, type ServiceCaseResult } from './service.js';
import { runScaleCases, type ScaleResults } from './scale.js';
import { runPairedRounds, type PairedCase } from './paired.js';

export interface DatabaseResults {
  kind: DbKind;
  floor: Record<FloorOperation, ByConnections>;
  /** Floor 3: floor 2's work served by Fastify with a request log (bench/floors/framework-floor.ts). */
  frameworkFloor?: Record<FloorOperation, ByConnections>;
  cases: ServiceCaseResult[];
  /** The floor-ratio targets' operations, floors and service in alternating rounds (bench/lib/paired.ts). */
  paired?: PairedCase[];
  queries: QueryCountRun;
  /** The list and get cases at two organization sizes (bench/lib/scale.ts); undefined = skipped. */
  scale: ScaleResults | undefined;
}

export async function runDatabaseSuite(context: BenchContext, kind: DbKind): Promise<DatabaseResults> {
  const { settings } = context;
  const pgBase = settings.postgresUrl ?? '';
  context.log(
    `\n== ${kind}: seeding two fresh databases (service and floor) with ${settings.listGuests} guests each; the service's also ${settings.tasksGuests} guests with 1–5 tasks each`,
  );
  const serviceDb = await freshDatabase(kind, 'service', context.tmp, pgBase);
  const floorDb = await freshDatabase(kind, 'floor', context.tmp, pgBase);
  try {
    const seed = await seedDatabase(serviceDb, settings.listGuests, settings.tasksGuests);
    const floorSeed = await seedDatabase(floorDb, settings.listGuests);
    context.log(`== ${kind}: floor 2 (bare node:http + ${kind === 'sqlite' ? 'better-sqlite3' : 'pg'})`);
    const floor = await measureDbFloor(context, floorDb, floorSeed);
    context.log(`== ${kind}: floor 3 (floor 2's work served by Fastify, one request-log line per request)`);
    const frameworkFloor = await measureDbFloor(context, floorDb, floorSeed, 3);

    context.log(`== ${kind}: the service (node bin/guests.js serve)`);
    const service = await startService(context, `service-${kind}`, serviceDb);
    let cases: ServiceCaseResult[];
    let paired: PairedCase[];
    try {
      cases = await runServiceCases(context, service, kind, seed, serviceDb);
      paired = await runPairedRounds(context, kind, service, seed, floorDb, floorSeed);
    } finally {
      await service.stop();
    }
    await floorDb.drop();
    context.log(`== ${kind}: statements per request (a second service process with the statement counter)`);
    const queries = await countQueries(context, serviceDb, seed, kind);
    for (const count of queries.counts)
      context.log(`  ${count.probe}: ${count.perRequest} per request ${JSON.stringify(count.byVerb)}`);
    let scale: ScaleResults | undefined;
    if (settings.largeGuests !== undefined) {
      context.log(
        `== ${kind}: scale: organizations of ${settings.listGuests} and ${settings.largeGuests} guests seeded into the service's database, the same cases on both (a third service process)`,
      );
      scale = await runScaleCases(context, kind, serviceDb, seed, settings.largeGuests);
    }
    return { kind, floor, frameworkFloor, cases, paired, queries, scale };
  } finally {
    await serviceDb.drop();
    await floorDb.drop();
  }
}

/** The bulk case gives up after this long (ten times its target), reporting how far it got. */
const BULK_MAX_SEC = 600;

export interface BulkResult {
  /** Guests asked for. */
  guests: number;
  /** Guests the API answered 201 for: all of them unless the run was cut at BULK_MAX_SEC. */
  created: number;
  /** Every request was sent and answered (false: cut at BULK_MAX_SEC). */
  finished: boolean;
  connections: number;
  wallSec: number;
  result: LoadResult;
  /** Active guests of the organization in the database afterwards. */
  countInDatabase: number;
  peakRssBytes: number | undefined;
}

/** `settings.bulkGuests` creates at 50 connections into one empty organization, on SQLite. */
export async function runBulkCase(context: BenchContext): Promise<BulkResult> {
  const guests = context.settings.bulkGuests;
  const connections = Math.max(...context.settings.connections);
  context.log(
    `\n== bulk: ${guests} guests created through the API in one organization (sqlite, ${connections} connections)`,
  );
  const database = await freshDatabase('sqlite', 'bulk', context.tmp, '');
  try {
    const seed = await seedDatabase(database, 0);
    const service = await startService(context, 'service-sqlite-bulk', database);
    let result: LoadResult;
    let wallSec: number;
    let peakRssBytes: number | undefined;
    try {
      const started = process.hrtime.bigint();
      const load = (amount: number, maxSec: number) =>
        runLoad(service.url, {
          method: 'POST',
          connections: Math.min(connections, amount),
          durationSec: 0,
          amount,
          maxSec,
          headers: apiHeaders(seed.token),
          next: () => nextCreate(seed),
        });
      result = await load(guests, BULK_MAX_SEC);
      // autocannon counts as made a request it writes on a connection the service has just closed
      // (its answer to a connection's MAX_REQUESTS_PER_SOCKET-th request says `Connection: close`),
      // so it sends one request fewer per such close; what it did not send is sent now, in the
      // time measured. A request answered with an error is not sent again (the case then fails).
      for (let round = 0; round < 3 && !result.cut; round += 1) {
        const missing = guests - result.requests;
        const spentSec = Number(process.hrtime.bigint() - started) / 1e9;
        if (missing <= 0 || spentSec >= BULK_MAX_SEC) break;
        result = addLoads(result, await load(missing, BULK_MAX_SEC - spentSec));
      }
      wallSec = Number(process.hrtime.bigint() - started) / 1e9;
      peakRssBytes = service.peakRssBytes();
      if (!service.running) throw new BenchError(`the service stopped during the bulk case\n${service.describe()}`);
    } finally {
      await service.stop();
    }
    const countInDatabase = await countGuests(database, seed.createOrgId);
    const created = result.statusCodes['201'] ?? 0;
    const finished = result.cut !== true;
    // A request that timed out, or was in flight when the run was cut, may still have been written.
    const unsure = result.errors + (finished ? 0 : connections);
    const consistent = countInDatabase >= created && countInDatabase <= created + unsure;
    if (result.non2xx + result.errors > MAX_FAILED_REQUESTS || !consistent || (finished && result.requests < guests)) {
      throw new BenchError(
        `bulk: asked for ${guests} guests; ${created} answered 201 (${JSON.stringify(result.statusCodes)}, ${result.errors} errors) and the database holds ${countInDatabase}`,
      );
    }
    const outcome = finished ? `${guests} guests` : `cut after ${BULK_MAX_SEC} s: ${created} of ${guests} guests`;
    context.log(
      `  ${outcome} in ${wallSec.toFixed(1)} s (${(created / wallSec).toFixed(0)}/s), p99 ${result.p99Ms} ms; ${countInDatabase} in the database`,
    );
    return { guests, created, finished, connections, wallSec, result, countInDatabase, peakRssBytes };
  } finally {
    await database.drop();
  }
}
