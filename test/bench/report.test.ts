/**
 * The benchmark's verdict on the bulk creates through Bulk create guests: judged only on a run of
 * at least 100,000 guests that finished, and under the limit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BulkEndpointResult } from '../../bench/lib/bulk-endpoint.js';
import type { LoadResult } from '../../bench/lib/load.js';
import { evaluateTargets, rssPhases, type RunResults } from '../../bench/lib/report.js';
import type { DatabaseResults } from '../../bench/lib/suites.js';

function run(endpoint: Partial<BulkEndpointResult>): RunResults {
  const bulkEndpoint: BulkEndpointResult = {
    guests: 100_000,
    created: 100_000,
    requests: 100,
    inFlight: 2,
    finished: true,
    wallSec: 19,
    slowestMs: 900,
    countInDatabase: 100_000,
    peakRssBytes: 150 * 1024 * 1024,
    ...endpoint,
  };
  return { meta: {}, httpFloor: {}, databases: [], bulk: undefined, bulkEndpoint, importCase: undefined, skipped: [] };
}

const verdict = (results: RunResults) => {
  const target = evaluateTargets(results, []).find((t) => t.target.includes('Bulk create guests'));
  assert.ok(target, 'the bulk endpoint has its target');
  return target;
};

test('100,000 guests through Bulk create guests: met under 20 s, missed over it or when cut, not judged on fewer', () => {
  assert.equal(verdict(run({})).met, true);
  assert.match(verdict(run({})).measured, /^100000 in 19\.0 s \(5263\/s\)$/);
  assert.equal(verdict(run({ wallSec: 23.2 })).met, false);
  assert.equal(verdict(run({ finished: false, created: 60_000, wallSec: 600 })).met, false);
  const small = verdict(run({ guests: 2000, created: 2000, wallSec: 0.5 }));
  assert.equal(small.met, null);
  assert.match(small.measured, /at that rate 100,000 would take 25 s/);
});

test("the bulk endpoint's peak RSS is a phase of its own, held to the RSS target", () => {
  const phase = rssPhases(run({})).find((p) => p.phase === 'service (sqlite, bulk endpoint)');
  assert.deepEqual(phase, {
    phase: 'service (sqlite, bulk endpoint)',
    bytes: 150 * 1024 * 1024,
    drivenBy: '100000 creates in 100 requests',
  });
  const rss = evaluateTargets(run({ peakRssBytes: 210 * 1024 * 1024 }), []).find((t) =>
    t.target.startsWith('peak RSS'),
  );
  assert.equal(rss?.met, false);
});

test('one request per guest keeps its own target, with its own words', () => {
  const results = run({});
  results.bulk = { guests: 100_000, created: 100_000, finished: true, wallSec: 50.1 } as RunResults['bulk'];
  const target = evaluateTargets(results, []).find((t) => t.target.includes('through the API'));
  assert.deepEqual(target, {
    target: '100,000 guests created through the API in one organization in < 20 s (sqlite, 50 connections)',
    measured: '100000 in 50.1 s (1996/s)',
    met: false,
  });
});

test("one request per guest names the time floor 2's insert at the same connections would take", () => {
  const results = run({});
  results.bulk = {
    guests: 100_000,
    created: 100_000,
    finished: true,
    wallSec: 34.1,
    connections: 50,
  } as RunResults['bulk'];
  const insert = (rps: number) => ({ rps }) as LoadResult;
  results.databases = [
    {
      kind: 'sqlite',
      floor: { insert: { 10: insert(4351), 50: insert(4517) } },
      cases: [],
      queries: { counts: [] },
    } as unknown as DatabaseResults,
  ];
  const target = evaluateTargets(results, []).find((t) => t.target.includes('through the API'));
  assert.equal(
    target?.measured,
    "100000 in 34.1 s (2933/s); floor 2's insert ran 4517/s, at which 100,000 would take 22.1 s",
  );
  assert.equal(target?.met, false);
});
