/** What the report's tests build their runs from. */
import type { LoadResult } from '../../bench/lib/load.js';
import type { RunResults } from '../../bench/lib/report.js';
import type { DatabaseResults } from '../../bench/lib/suites.js';

/** A load generator's result: `rps` for 10 s at 10 connections, all 200s. */
export function loadResult(rps: number, mainUsPerRequest?: number): LoadResult {
  return {
    requests: rps * 10,
    durationSec: 10,
    rps,
    connections: 10,
    meanMs: 1,
    latencyCount: rps * 10,
    p50Ms: 1,
    p90Ms: 2,
    p99Ms: 3,
    maxMs: 4,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    statusCodes: { '200': rps * 10 },
    ...(mainUsPerRequest !== undefined && { serverCpu: { mainUsPerRequest, allUsPerRequest: mainUsPerRequest } }),
  };
}

/** A run of these database suites beside floor 1 at 28,000 req/s (25 µs per request), with nothing else. */
export function runOf(databases: DatabaseResults[], meta: Record<string, unknown> = {}): RunResults {
  return {
    meta,
    httpFloor: { 10: loadResult(28_000, 25) },
    databases,
    bulk: undefined,
    bulkEndpoint: undefined,
    importCase: undefined,
    skipped: [],
  };
}
