/**
 * The scale cases judged on alternating rounds (bench/lib/scale.ts): the small and the large
 * organization take turns, each large round is set against the small rounds around it, and the
 * median of those costs is what the target judges; a case run once at each size (the search)
 * keeps its one ratio.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadResult } from '../../bench/lib/load.js';
import { bracketedRatios } from '../../bench/lib/paired.js';
import { formatScale, scaleRows, scaleTargets } from '../../bench/lib/scale-report.js';
import {
  combineRounds,
  scaleSchedule,
  type ScaleCase,
  type ScaleOrgResult,
  type ScaleResults,
} from '../../bench/lib/scale.js';
import { loadResult } from './report-fixtures.js';

const rounded = (values: number[]) => values.map((v) => Math.round(v * 1000) / 1000);

/** A case's entry at one size: its rounds combined as the benchmark combines them, or one fixed run. */
function caseAt(scaleCase: ScaleCase, rounds: LoadResult[]): ScaleOrgResult['cases'][number] {
  const fixed = rounds.length === 1;
  return {
    case: scaleCase,
    result: combineRounds(rounds),
    ...(!fixed && { rounds }),
    peakRssBytes: undefined,
    fixedRequests: fixed ? 20 : undefined,
    shed: 0,
  };
}

function results(cases: Array<{ scaleCase: ScaleCase; small: number[]; large: number[] }>): ScaleResults {
  const org = (guests: number, size: 'small' | 'large'): ScaleOrgResult => ({
    guests,
    seedSec: 1,
    middlePage: 2,
    firstMiddleMs: 3,
    lastPage: 4,
    cases: cases.map((c) =>
      caseAt(
        c.scaleCase,
        c[size].map((rps) => loadResult(rps)),
      ),
    ),
  });
  return {
    kind: 'sqlite',
    connections: 10,
    searchTerm: 'lindqvist',
    small: org(10_000, 'small'),
    large: org(1_000_000, 'large'),
  };
}

describe('bench: scale cases in alternating rounds', () => {
  it('takes turns: small, large, ..., and the small size once more at the end', () => {
    assert.deepEqual(scaleSchedule(2), ['small', 'large', 'small', 'large', 'small']);
    const turns = scaleSchedule(3);
    assert.equal(turns.filter((t) => t === 'small').length, 4);
    assert.equal(turns.filter((t) => t === 'large').length, 3);
  });

  it('sets each round against the mean of the two reference rounds around it', () => {
    assert.deepEqual(rounded(bracketedRatios([1000, 800, 600], [450, 350])), [0.5, 0.5]);
    assert.throws(() => bracketedRatios([1000, 800], [450, 350]), /2 reference rounds do not bracket 2 rounds/);
    assert.deepEqual(bracketedRatios([1000], []), []);
    assert.throws(() => bracketedRatios([], []));
  });

  it('combines rounds: requests and time added, req/s over the whole time, percentiles the rounds’ medians', () => {
    const rounds = [
      { ...loadResult(500), p50Ms: 10, p99Ms: 30, maxMs: 40 },
      { ...loadResult(700), p50Ms: 8, p99Ms: 90, maxMs: 120, durationSec: 5, requests: 3500, latencyCount: 3500 },
      { ...loadResult(600), p50Ms: 9, p99Ms: 25, maxMs: 33 },
    ];
    const combined = combineRounds(rounds);
    assert.equal(combined.requests, 5000 + 3500 + 6000);
    assert.equal(combined.durationSec, 25);
    assert.equal(Math.round(combined.rps), Math.round((500 * 10 + 700 * 5 + 600 * 10) / 25));
    assert.equal(combined.p50Ms, 9);
    assert.equal(combined.p99Ms, 30);
    assert.equal(combined.maxMs, 120);
    assert.deepEqual(combined.statusCodes, { '200': 5000 + 7000 + 6000 });
    assert.throws(() => combineRounds([]));
  });

  it('judges the median round: one disturbed large round does not decide, a steady growth does', () => {
    const scale = results([
      // The machine stalled during the second large round: 1.9 x there, about 1 x in the others.
      { scaleCase: 'list last page', small: [800, 800, 800, 800], large: [800, 420, 790] },
      // The machine slowed down steadily: the small rounds around each large round follow it.
      { scaleCase: 'list page 1', small: [1000, 800, 600, 400], large: [900, 700, 500] },
      // Twice the cost in every round: a real growth with the organization.
      { scaleCase: 'list middle page (cursor)', small: [800, 800, 820, 780], large: [400, 410, 390] },
      // Run once at each size: the one ratio, not judged.
      { scaleCase: 'list q search', small: [100], large: [8] },
    ]);
    const rows = scaleRows([scale]);
    const row = (c: ScaleCase) => rows.find((r) => r.case === c);
    assert.deepEqual(rounded(row('list last page')?.costRounds ?? []), [1, 1.905, 1.013]);
    assert.equal(Math.round((row('list last page')?.costRatio ?? 0) * 1000) / 1000, 1.013);
    assert.deepEqual(rounded(row('list page 1')?.costRounds ?? []), [1, 1, 1]);
    assert.equal(Math.round((row('list middle page (cursor)')?.costRatio ?? 0) * 100) / 100, 2);
    assert.deepEqual(row('list q search')?.costRounds, []);
    assert.equal(row('list q search')?.costRatio, 100 / 8);

    const verdicts = new Map(scaleTargets(rows).map((t) => [t.target.split(' at ')[0], t]));
    assert.equal(verdicts.get('list last page')?.met, true);
    assert.match(verdicts.get('list last page')?.measured ?? '', /^1\.01 x, median of rounds 1\.00, 1\.90, 1\.01 \(/);
    assert.equal(verdicts.get('list page 1')?.met, true);
    assert.equal(verdicts.get('list middle page (cursor)')?.met, false);
    assert.equal(verdicts.get('list q search')?.met, null);

    const table = (headers: string[], body: string[][]) => [headers, ...body].map((r) => r.join(' | ')).join('\n');
    const printed = formatScale([scale], rows, table).join('\n');
    assert.match(printed, /list last page \| sqlite \| 800 \| .* \| 1\.01 \| 1\.00, 1\.90, 1\.01 \| .* \| pass/);
    assert.match(printed, /list middle page \(cursor\) \| sqlite \| .* \| 2\.00 \| .* \| MISS/);
    assert.match(printed, /list q search \| sqlite \| 100 \| .* \| 12\.50 \| {2}\|/);
  });
});
