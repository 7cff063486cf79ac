/**
 * The scale cases in the report: per database and case, the figures at both organization sizes,
 * the cost ratio (cost = 1 / req/s at 10 connections: how much more service time one request
 * takes at the large size; for a case whose sizes took turns, the median of its rounds', each large
 * round against the small rounds around it), the p50 ratio beside it, and the targets: every list
 * case within 1.5 x its cost at the small size, the `q` search reported, not judged.
 */
import type { DbKind } from './database.js';
import type { LoadResult } from './load.js';
import { bracketedRatios, median } from './paired.js';
import { formatBesideSearches, SCALE_JUDGED, SCALE_ROUNDS, type ScaleCase, type ScaleResults } from './scale.js';

/** A list case at the large size may cost at most this many times what it costs at the small one. */
export const SCALE_COST_LIMIT = 1.5;

export interface ScaleRow {
  db: DbKind;
  case: ScaleCase;
  smallGuests: number;
  largeGuests: number;
  small: LoadResult;
  large: LoadResult;
  /**
   * req/s at the small size over req/s at the large: the large size's cost in units of the
   * small's. The median of `costRounds` when the sizes took turns.
   */
  costRatio: number;
  /** Each large round's cost over the mean cost of the two small rounds around it; empty for a fixed run. */
  costRounds: number[];
  /** p50 at the large size over p50 at the small. */
  p50Ratio: number;
  /** Judged against SCALE_COST_LIMIT (the list cases but q). */
  judged: boolean;
}

export interface ScaleTarget {
  target: string;
  measured: string;
  met: boolean | null;
}

const fixed = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** The rounds' costs, or '' for a case run once at each size. */
const byRound = (r: ScaleRow) => r.costRounds.map((c) => fixed(c)).join(', ');

export function scaleRows(scales: ScaleResults[]): ScaleRow[] {
  const rows: ScaleRow[] = [];
  for (const scale of scales) {
    for (const { case: scaleCase, result: small, rounds: smallRounds } of scale.small.cases) {
      const largeCase = scale.large.cases.find((c) => c.case === scaleCase);
      if (!largeCase) continue;
      const large = largeCase.result;
      const costRounds =
        smallRounds && largeCase.rounds
          ? bracketedRatios(
              smallRounds.map((r) => r.rps),
              largeCase.rounds.map((r) => r.rps),
            ).map((ratio) => 1 / ratio)
          : [];
      rows.push({
        db: scale.kind,
        case: scaleCase,
        smallGuests: scale.small.guests,
        largeGuests: scale.large.guests,
        small,
        large,
        costRatio: costRounds.length > 0 ? median(costRounds) : small.rps / large.rps,
        costRounds,
        p50Ratio: large.p50Ms / Math.max(small.p50Ms, 0.5),
        judged: SCALE_JUDGED.has(scaleCase),
      });
    }
  }
  return rows;
}

export function scaleTargets(rows: ScaleRow[]): ScaleTarget[] {
  return rows
    .filter((r) => r.case !== 'get')
    .map((r) => {
      const figures = `${r.large.rps.toFixed(0)} vs ${r.small.rps.toFixed(0)} req/s; p50 ${r.large.p50Ms} vs ${r.small.p50Ms} ms`;
      if (!r.judged)
        return {
          target: `${r.case} at ${r.largeGuests} guests: reported, not judged (${r.db}, reads every record)`,
          measured: `cost ${fixed(r.costRatio)} x its cost at ${r.smallGuests} (${figures}; p99 ${r.large.p99Ms} ms)`,
          met: null,
        };
      return {
        target: `${r.case} at ${r.largeGuests} guests costs <= ${SCALE_COST_LIMIT} x at ${r.smallGuests} (${r.db}, cost = 1 / req/s, 10 connections)`,
        measured: `${fixed(r.costRatio)} x${r.costRounds.length > 0 ? `, median of rounds ${byRound(r)}` : ''} (${figures})`,
        met: r.costRatio <= SCALE_COST_LIMIT,
      };
    });
}

type Table = (headers: string[], body: string[][]) => string;

/** The seed times, the table of the scale cases, and the gets beside searches. */
export function formatScale(scales: ScaleResults[], rows: ScaleRow[], table: Table): string[] {
  if (scales.length === 0) return [];
  const out: string[] = [];
  const first = scales[0] as ScaleResults;
  out.push(
    `Scale (${first.connections} connections, 100 per page, default order; cost = 1 / req/s; the sizes take turns, ${SCALE_ROUNDS} rounds at the large size between ${SCALE_ROUNDS + 1} at the small, cost x = the median of each large round's cost over the small rounds' around it, req/s over all rounds, p50 and p99 the rounds' medians; q = "${first.searchTerm}", matching 5 guests at either size, compared with every record's email, names and company):`,
  );
  for (const s of scales) {
    out.push(
      `  ${s.kind}: seeded ${s.small.guests} guests in ${s.small.seedSec.toFixed(1)} s and ${s.large.guests} in ${s.large.seedSec.toFixed(1)} s; middle page ${s.small.middlePage} and ${s.large.middlePage} (the cursor case reads the same rows), last page ${s.small.lastPage} and ${s.large.lastPage}`,
    );
  }
  for (const s of scales) {
    out.push(
      `  ${s.kind}: the middle page by number, first read (alone, no start of a deep page known yet): ${s.small.firstMiddleMs.toFixed(1)} ms at ${s.small.guests}, ${s.large.firstMiddleMs.toFixed(1)} ms at ${s.large.guests}; the timed requests start from the start that read learned`,
    );
  }
  const body = rows.map((r) => [
    r.case,
    r.db,
    r.small.rps.toFixed(0),
    r.small.p50Ms.toFixed(1),
    r.small.p99Ms.toFixed(1),
    r.large.rps.toFixed(0),
    r.large.p50Ms.toFixed(1),
    r.large.p99Ms.toFixed(1),
    fixed(r.costRatio),
    byRound(r),
    fixed(r.p50Ratio),
    r.judged ? `<=${SCALE_COST_LIMIT}` : '',
    r.judged ? (r.costRatio <= SCALE_COST_LIMIT ? 'pass' : 'MISS') : '',
  ]);
  const fixedRuns = scales.flatMap((s) =>
    [s.small, s.large].flatMap((org) =>
      org.cases
        .filter((c) => c.fixedRequests !== undefined)
        .map((c) => `${c.case} @${org.guests} (${s.kind}): ${c.fixedRequests} requests`),
    ),
  );
  const shedRuns = scales.flatMap((s) =>
    [s.small, s.large].flatMap((org) =>
      org.cases.filter((c) => c.shed > 0).map((c) => `${c.case} @${org.guests} (${s.kind}): ${c.shed}`),
    ),
  );
  if (shedRuns.length > 0)
    out.push(
      `  answered 503, overloaded (the stalled-loop guard: a request held the process longer than EVENT_LOOP_STALL_MS; or a wait for a search's turn or a database connection that ran out; req/s counts 200s only, latencies include the 503s): ${shedRuns.join('; ')}`,
    );
  if (fixedRuns.length > 0)
    out.push(
      `  run as a fixed number of requests, one request alone being too slow for the case's duration: ${fixedRuns.join('; ')}`,
    );
  const small = first.small.guests;
  const large = first.large.guests;
  out.push(
    table(
      [
        'case',
        'db',
        `${small} req/s`,
        'p50 ms',
        'p99 ms',
        `${large} req/s`,
        'p50 ms',
        'p99 ms',
        'cost x',
        'by round',
        'p50 x',
        'target',
        'result',
      ],
      body,
    ),
  );
  for (const s of scales) if (s.besideSearches) out.push(`  ${s.kind}: ${formatBesideSearches(s.besideSearches)}`);
  return out;
}
