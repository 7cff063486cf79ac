/** The report's line for the gets sent beside the searches of the large organization. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatScale, scaleRows } from '../../bench/lib/scale-report.js';
import type { ScaleOrgResult, ScaleResults } from '../../bench/lib/scale.js';
import { loadResult } from './report-fixtures.js';

function org(guests: number): ScaleOrgResult {
  return { guests, seedSec: 1, middlePage: 2, firstMiddleMs: 3, lastPage: 4, cases: [] };
}

function scale(besideSearches?: ScaleResults['besideSearches']): ScaleResults {
  return {
    kind: 'postgres',
    connections: 10,
    searchTerm: 'lindqvist',
    small: org(10_000),
    large: org(1_000_000),
    ...(besideSearches && { besideSearches }),
  };
}

const table = (headers: string[], body: string[][]) => [headers, ...body].map((r) => r.join(' ')).join('\n');

describe('bench report: gets beside searches', () => {
  it('prints the gets with their statuses and the searches they ran beside', () => {
    const gets = { ...loadResult(1586), connections: 2, p99Ms: 10, maxMs: 82 };
    const searches = {
      ...loadResult(2),
      requests: 20,
      durationSec: 11,
      p50Ms: 6459,
      p99Ms: 10667,
      statusCodes: { '200': 18, '503': 2 },
    };
    const scales = [scale({ guests: 1_000_000, gets, searches })];
    const lines = formatScale(scales, scaleRows(scales), table);
    const line = lines.find((l) => l.includes('get beside searches'));
    assert.equal(
      line,
      '  postgres: get beside searches @1000000: 15860 gets on 2 connections in 10.0 s (1586/s), p50 1 ms, p99 10 ms, max 82 ms {"200":15860}, while 20 q searches over 10 connections ran, p50 6459 ms, p99 10667 ms {"200":18,"503":2}',
    );
  });

  it('prints nothing for a run without them', () => {
    const scales = [scale()];
    assert.equal(
      formatScale(scales, scaleRows(scales), table).some((l) => l.includes('beside')),
      false,
    );
  });
});
