/**
 * Measuring the floors: the same load as the service's cases against the bare servers of
 * bench/floors/, each started as its own process like the service.
 */
import path from 'node:path';
import { BenchError, logFileFor, measure, warmUp, type BenchContext } from './context.js';
import type { BenchDatabase, Seed } from './database.js';
import type { LoadResult } from './load.js';
import { ROOT, startProcess, type BenchProcess } from './processes.js';
import { apiHeaders, requestsFor, type FloorOperation } from './scenarios.js';

const HTTP_FLOOR = path.join(ROOT, 'bench', 'floors', 'http-floor.ts');
/** The floors that do the database work of the guest API, by number: bare node:http, or Fastify with a request log. */
const DB_FLOORS = {
  2: { script: path.join(ROOT, 'bench', 'floors', 'db-floor.ts'), name: 'floor 2' },
  3: { script: path.join(ROOT, 'bench', 'floors', 'framework-floor.ts'), name: 'floor 3' },
} as const;
export type DbFloorNumber = keyof typeof DB_FLOORS;

/** Results by connection count. */
export type ByConnections = Record<number, LoadResult>;

/** Floor 1: req/s and latency of a bare node:http server with a fixed JSON answer. */
export async function measureHttpFloor(context: BenchContext): Promise<ByConnections> {
  const name = 'floor 1 (http)';
  const floor = await startProcess({
    name,
    args: ['--import', 'tsx', HTTP_FLOOR],
    env: {},
    readyPath: '/health/live',
    logFile: logFileFor(context, name),
  });
  try {
    // The same request line and headers as a get of the service.
    const spec = {
      method: 'GET' as const,
      headers: apiHeaders('gst_floor'),
      next: () => ({
        path: '/api/organizations/00000000000000000000000000000000/guests/anna.berg%40northwind-traders.example',
      }),
    };
    await warmUp(context, 'floor 1 http', floor.url, spec);
    const results: ByConnections = {};
    for (const connections of context.settings.connections) {
      results[connections] = await measure(
        context,
        `floor 1 http @${connections}`,
        floor.url,
        { ...spec, connections, durationSec: context.settings.durationSec },
        { server: floor },
      );
    }
    if (!floor.running) throw new BenchError(`floor 1 stopped during the run\n${floor.describe()}`);
    return results;
  } finally {
    await floor.stop();
  }
}

/** Starts floor 2 or floor 3 on `database`, as its own process; the caller stops it. */
export function startDbFloor(
  context: BenchContext,
  database: BenchDatabase,
  number: DbFloorNumber,
  label = '',
): Promise<BenchProcess> {
  const { script, name: floorName } = DB_FLOORS[number];
  const name = `${floorName} (${database.kind})${label}`;
  return startProcess({
    name,
    logFile: logFileFor(context, name),
    args: ['--import', 'tsx', script],
    // The service's default pool size.
    env: { FLOOR_DATABASE_URL: database.url, FLOOR_POOL_SIZE: '10' },
    readyPath: '/health/live',
  });
}

/**
 * Floor 2 (bare node:http) or floor 3 (Fastify and a request log) on one database kind: the
 * minimal insert and select, by connection count.
 */
export async function measureDbFloor(
  context: BenchContext,
  database: BenchDatabase,
  seed: Seed,
  number: DbFloorNumber = 2,
): Promise<Record<FloorOperation, ByConnections>> {
  const floorName = DB_FLOORS[number].name;
  const floor = await startDbFloor(context, database, number);
  try {
    const results: Record<FloorOperation, ByConnections> = { insert: {}, select: {} };
    for (const operation of ['insert', 'select'] as const) {
      const spec = { ...requestsFor(operation, seed), headers: apiHeaders(undefined) };
      await warmUp(context, `${floorName} ${database.kind} ${operation}`, floor.url, spec);
      for (const connections of context.settings.connections) {
        results[operation][connections] = await measure(
          context,
          `${floorName} ${database.kind} ${operation} @${connections}`,
          floor.url,
          {
            ...spec,
            connections,
            durationSec: context.settings.durationSec,
          },
          { server: floor },
        );
      }
    }
    if (!floor.running) throw new BenchError(`${floorName} stopped during the run\n${floor.describe()}`);
    return results;
  } finally {
    await floor.stop();
  }
}
