/**
 * The report: one row per measured case with its ratio to the matching floor and to the HTTP
 * ceiling, the targets (met or missed), and the same as JSON for comparing runs over time.
 * Missing a target is reported, never an error: speed depends on the machine.
 */
import type { ImportCaseResult } from './import-case.js';
import type { DbKind } from './database.js';
import type { ByConnections } from './floors.js';
import type { LoadResult, ServerCpu } from './load.js';
import {
  LIST_PAGE_SIZE,
  LIST_STATS_WITH_TASKS,
  MATCHING_FLOOR,
  RATIO_TARGETS,
  type FloorOperation,
  type Operation,
} from './scenarios.js';
import { pairedRatios, type PairedCase, type PairedRatios } from './paired.js';
import { formatScale, scaleRows, scaleTargets } from './scale-report.js';
import type { ScaleResults } from './scale.js';
import type { BulkResult, DatabaseResults } from './suites.js';
import { BULK_ITEMS, type BulkEndpointResult } from './bulk-endpoint.js';
import { formatEmailDelivery } from './email-delivery.js';

export interface RunResults {
  meta: Record<string, unknown>;
  httpFloor: ByConnections;
  databases: DatabaseResults[];
  bulk: BulkResult | undefined;
  /** The same creates through Bulk create guests (bench/lib/bulk-endpoint.ts). */
  bulkEndpoint: BulkEndpointResult | undefined;
  /** The CSV import by the command line (bench/lib/import-case.ts). */
  importCase: ImportCaseResult | undefined;
  /** Parts not measured, with why. */
  skipped: string[];
}

export interface Row {
  db: DbKind | '-';
  operation: string;
  connections: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  floor?: string;
  floorRps?: number;
  /** rps / the matching floor's rps at the same connection count. */
  ratioToFloor?: number;
  /** rps / floor 1's rps at the same connection count. */
  ratioToHttp?: number;
  /** The server's main-thread CPU time per request, µs (LoadResult.serverCpu). */
  cpuUs?: number;
  /**
   * The matching floor's CPU per request over this case's: the req/s ratio the two would show if
   * each had a core to itself and CPU were all that held them back (the load generator shares
   * this machine, and at times sets the floors' req/s rather than their own cost).
   */
  cpuRatioToFloor?: number;
  /**
   * The median of the alternating rounds' ratios to floor 2 (bench/lib/paired.ts), for the
   * operations with a floor-ratio target: what that target is judged on when measured.
   */
  pairedRatio?: number;
  /** The service's peak RSS during the case, bytes. */
  peakRssBytes?: number;
  targets: string[];
  missed: string[];
}

export interface Target {
  target: string;
  measured: string;
  met: boolean | null;
}

const P99_LIMIT_MS = 25;
const RSS_LIMIT_MB = 200;
/** At 10 connections: a list page of 100 (pages over the range) against get, req/s over req/s. */
const LIST_TO_GET = 0.5;
const BULK_LIMIT_SEC = 20;

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * A figure judged against `limit`, as the verdict lines print it: two decimals, or as many more
 * (up to four) as it takes for a figure that is not the limit not to print as the limit. A miss of
 * 0.697 against 0.7 reads 0.697, never 0.7.
 */
export function beside(value: number, limit: number): string {
  let digits = 2;
  while (digits < 4 && value !== limit && round(value, digits) === limit) digits += 1;
  return String(round(value, digits));
}
const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(0)} MB`);

/** The floor's main-thread CPU per request over the case's; undefined without both, or a case that cost none. */
function cpuRatio(floor: ServerCpu | undefined, service: ServerCpu | undefined): number | undefined {
  if (!floor || !service || service.mainUsPerRequest <= 0) return undefined;
  return floor.mainUsPerRequest / service.mainUsPerRequest;
}

/** A measured server's figures, and its ratios to its floor 2 (`floor`, of `floorOperation`) and to floor 1 (`http`). */
function againstFloors(
  result: LoadResult,
  floorOperation: FloorOperation,
  floor: LoadResult | undefined,
  http: LoadResult | undefined,
): Pick<
  Row,
  'rps' | 'p50Ms' | 'p99Ms' | 'floor' | 'floorRps' | 'ratioToFloor' | 'ratioToHttp' | 'cpuUs' | 'cpuRatioToFloor'
> {
  return {
    rps: result.rps,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    floor: floorOperation,
    floorRps: floor?.rps,
    ratioToFloor: floor ? result.rps / floor.rps : undefined,
    ratioToHttp: http ? result.rps / http.rps : undefined,
    cpuUs: result.serverCpu?.mainUsPerRequest,
    cpuRatioToFloor: cpuRatio(floor?.serverCpu, result.serverCpu),
  };
}

export function buildRows(results: RunResults): Row[] {
  const http = results.httpFloor;
  const rows: Row[] = [];
  for (const [c, r] of Object.entries(http)) {
    rows.push({
      db: '-',
      operation: 'floor 1: node:http, fixed JSON',
      connections: Number(c),
      rps: r.rps,
      p50Ms: r.p50Ms,
      p99Ms: r.p99Ms,
      cpuUs: r.serverCpu?.mainUsPerRequest,
      targets: [],
      missed: [],
    });
  }
  for (const db of results.databases) {
    for (const operation of ['insert', 'select'] as const) {
      for (const [c, r] of Object.entries(db.floor[operation])) {
        const ratioToHttp = http[Number(c)] ? r.rps / (http[Number(c)]?.rps ?? 1) : undefined;
        rows.push({
          db: db.kind,
          operation: `floor 2: ${operation}`,
          connections: Number(c),
          rps: r.rps,
          p50Ms: r.p50Ms,
          p99Ms: r.p99Ms,
          ratioToHttp,
          cpuUs: r.serverCpu?.mainUsPerRequest,
          targets: [],
          missed: [],
        });
      }
    }
    for (const operation of ['insert', 'select'] as const) {
      for (const [c, r] of Object.entries(db.frameworkFloor?.[operation] ?? {})) {
        rows.push({
          db: db.kind,
          operation: `floor 3: ${operation}, Fastify + request log`,
          connections: Number(c),
          ...againstFloors(r, operation, db.floor[operation][Number(c)], http[Number(c)]),
          targets: [],
          missed: [],
        });
      }
    }
    for (const { operation, connections, result, peakRssBytes } of db.cases) {
      const floorOperation = MATCHING_FLOOR[operation];
      const row: Row = {
        db: db.kind,
        operation,
        connections,
        ...againstFloors(result, floorOperation, db.floor[floorOperation][connections], http[connections]),
        peakRssBytes,
        targets: [],
        missed: [],
      };
      const paired = pairedOf(db, operation, connections);
      if (paired) row.pairedRatio = paired.ratios.median;
      const ratioTarget = RATIO_TARGETS[db.kind][operation];
      if (connections === 10 && ratioTarget !== undefined) {
        row.targets.push(`x${floorOperation}>=${ratioTarget}`);
        if ((row.pairedRatio ?? row.ratioToFloor ?? 0) < ratioTarget) row.missed.push(`x${floorOperation}`);
      }
      if (connections === 10) {
        row.targets.push(`p99<${P99_LIMIT_MS}ms`);
        if (result.p99Ms >= P99_LIMIT_MS) row.missed.push('p99');
      }
      rows.push(row);
    }
  }
  return rows;
}

/** The alternating rounds of an operation at a connection count, and their ratios; undefined when not run. */
function pairedOf(
  db: DatabaseResults,
  operation: string,
  connections: number,
): { rounds: PairedCase; ratios: PairedRatios } | undefined {
  const rounds = db.paired?.find((p) => p.operation === operation && p.connections === connections);
  return rounds && { rounds, ratios: pairedRatios(rounds) };
}

const span = (results: LoadResult[]) => {
  const rps = results.map((r) => r.rps);
  return `${Math.min(...rps).toFixed(0)}–${Math.max(...rps).toFixed(0)}`;
};

/** A floor-ratio target's measured text when judged on alternating rounds: the rounds, then the one pass beside them. */
function pairedMeasure(
  row: Row,
  limit: number,
  { rounds, ratios }: { rounds: PairedCase; ratios: PairedRatios },
): string {
  const framework = ratios.frameworkMedian === undefined ? '' : `; floor 3 reaches ${round(ratios.frameworkMedian)}`;
  const cpu = ratios.cpuMedian === undefined ? '' : `, ${round(ratios.cpuMedian)} by CPU`;
  const onePass =
    row.ratioToFloor === undefined
      ? ''
      : `; the table's one pass: ${round(row.ratioToFloor)} (${row.rps.toFixed(0)} vs ${row.floorRps?.toFixed(0)} req/s)`;
  return `${beside(ratios.median, limit)}${cpu} (median of ${ratios.rounds.length} alternating rounds: ${ratios.rounds.map((r) => round(r)).join(', ')}; floor 2 ${span(rounds.floor2)} req/s, the service ${span(rounds.service)})${framework}${onePass}`;
}

/**
 * What floor 3 (the same work served by Fastify with a request log) reaches against floor 2, by
 * req/s and by CPU, for the operation and connection count of a row: the framework's own share of
 * the ratio, which no service built on it can better. Undefined without floor 3.
 */
function frameworkShare(results: RunResults, row: Row): string | undefined {
  const db = results.databases.find((d) => d.kind === row.db);
  const operation = row.floor as FloorOperation | undefined;
  if (!db || !operation) return undefined;
  const floor2 = db.floor[operation][row.connections];
  const floor3 = db.frameworkFloor?.[operation][row.connections];
  if (!floor2 || !floor3) return undefined;
  const byCpu = cpuRatio(floor2.serverCpu, floor3.serverCpu);
  const cpu = byCpu === undefined ? '' : `, ${round(byCpu)} by CPU`;
  return `floor 3 (Fastify + request log) reaches ${round(floor3.rps / floor2.rps)}${cpu}`;
}

export function evaluateTargets(results: RunResults, rows: Row[]): Target[] {
  const targets: Target[] = [];
  for (const row of rows) {
    const ratioTarget = row.db === '-' ? undefined : RATIO_TARGETS[row.db][row.operation as Operation];
    if (row.connections !== 10 || ratioTarget === undefined) continue;
    const target = `${row.operation} >= ${ratioTarget} x floor 2 ${row.floor} (${row.db}, 10 connections)`;
    const db = results.databases.find((d) => d.kind === row.db);
    const paired = db && pairedOf(db, row.operation, row.connections);
    if (paired) {
      targets.push({
        target,
        measured: pairedMeasure(row, ratioTarget, paired),
        met: paired.ratios.median >= ratioTarget,
      });
    } else if (row.ratioToFloor !== undefined) {
      const framework = frameworkShare(results, row);
      targets.push({
        target,
        measured: `${beside(row.ratioToFloor, ratioTarget)} (${row.rps.toFixed(0)} vs ${row.floorRps?.toFixed(0)} req/s)${framework ? `; ${framework}` : ''}`,
        met: row.ratioToFloor >= ratioTarget,
      });
    }
  }
  for (const db of results.databases) {
    const list = db.cases.find((c) => c.operation === 'list' && c.connections === 10);
    const get = db.cases.find((c) => c.operation === 'get' && c.connections === 10);
    if (list && get) {
      const ratio = list.result.rps / get.result.rps;
      targets.push({
        target: `list (pages of ${LIST_PAGE_SIZE} over the range) >= ${LIST_TO_GET} x get's req/s and p99 < ${P99_LIMIT_MS} ms (${db.kind}, 10 connections)`,
        measured: `${beside(ratio, LIST_TO_GET)} x (${list.result.rps.toFixed(0)} vs ${get.result.rps.toFixed(0)} req/s), p99 ${list.result.p99Ms} ms`,
        met: ratio >= LIST_TO_GET && list.result.p99Ms < P99_LIMIT_MS,
      });
    }
    const first = db.cases.find((c) => c.operation === 'list page 1');
    const last = db.cases.find((c) => c.operation === 'list last page');
    if (first && last) {
      const ratio = first.result.rps / last.result.rps;
      targets.push({
        target: `list: last page costs <= 1.5 x the first (${db.kind}, ${LIST_PAGE_SIZE} per page, 10 connections)`,
        measured: `${beside(ratio, 1.5)} x (${first.result.rps.toFixed(0)} vs ${last.result.rps.toFixed(0)} req/s; p50 ${first.result.p50Ms} vs ${last.result.p50Ms} ms)`,
        met: ratio <= 1.5,
      });
    }
    const listCounts = db.queries.counts.filter((c) => /^list per_page=\d+$/.test(c.probe));
    if (listCounts.length > 0) {
      const perPage = listCounts.map((c) => `${c.probe.replace('list ', '')}: ${c.perRequest}`).join(', ');
      const constant = listCounts.every((c) => c.perRequest === listCounts[0]?.perRequest);
      targets.push({
        target: `list: the same number of statements per page whatever its size (${db.kind})`,
        measured: perPage,
        met: constant,
      });
    }
    const statsCounts = db.queries.counts.filter((c) => c.probe.startsWith(LIST_STATS_WITH_TASKS));
    if (statsCounts.length > 1) {
      targets.push({
        target: `${LIST_STATS_WITH_TASKS}: the same number of statements per page whatever its size (${db.kind})`,
        measured: statsCounts
          .map((c) => `${c.probe.slice(LIST_STATS_WITH_TASKS.length + 2)}: ${c.perRequest}`)
          .join(', '),
        met: statsCounts.every((c) => c.perRequest === statsCounts[0]?.perRequest),
      });
    }
    const slow = db.cases.filter((c) => c.connections === 10 && c.result.p99Ms >= P99_LIMIT_MS);
    const tenConnections = db.cases.filter((c) => c.connections === 10);
    if (tenConnections.length > 0) {
      const worst = tenConnections.reduce((a, b) => (b.result.p99Ms > a.result.p99Ms ? b : a));
      targets.push({
        target: `p99 < ${P99_LIMIT_MS} ms for every operation at 10 connections (${db.kind})`,
        measured:
          slow.length === 0
            ? `worst ${worst.operation} ${worst.result.p99Ms} ms`
            : slow.map((c) => `${c.operation} ${c.result.p99Ms} ms`).join(', '),
        met: slow.length === 0,
      });
    }
  }
  targets.push(...scaleTargets(scaleRows(scalesOf(results))));
  // The statement-counting process runs from the TypeScript sources with an instrumentation
  // loader (not the compiled service) and is reported beside the others, not judged.
  const phases = rssPhases(results).filter((p) => p.bytes !== undefined && !p.instrumented);
  const worst = phases.reduce<RssPhase | undefined>(
    (a, p) => (!a || (p.bytes ?? 0) > (a.bytes ?? 0) ? p : a),
    undefined,
  );
  targets.push({
    target: `peak RSS of the service < ${RSS_LIMIT_MB} MB in every phase of the benchmark (the statement-counting process excepted)`,
    measured: worst ? `${mb(worst.bytes)} (${worst.phase}, during ${worst.drivenBy})` : 'n/a (no /proc)',
    met: worst ? (worst.bytes ?? 0) < RSS_LIMIT_MB * 1024 * 1024 : null,
  });
  if (results.bulk) {
    // What the bare floor's own insert allows at the same connections: the bound under the target.
    const floorInsert = results.databases.find((d) => d.kind === 'sqlite')?.floor.insert[results.bulk.connections];
    targets.push(bulkTarget('the API', '50 connections', results.bulk, floorInsert?.rps));
  }
  const endpoint = results.bulkEndpoint;
  if (endpoint)
    targets.push(
      bulkTarget(
        'Bulk create guests',
        `${BULK_ITEMS.toLocaleString('en-US')} per request, ${endpoint.inFlight} at once`,
        endpoint,
      ),
    );
  return targets;
}

/**
 * A bulk case's target: 100,000 guests created in under BULK_LIMIT_SEC, judged only on a run of
 * that many. `floorRps`: floor 2's insert at the case's connections, when measured, to say how long
 * the bare floor itself would take.
 */
function bulkTarget(
  way: string,
  how: string,
  run: { guests: number; created: number; finished: boolean; wallSec: number },
  floorRps?: number,
): Target {
  const full = run.guests >= 100_000;
  const rate = run.created / run.wallSec;
  const done = run.finished
    ? `${run.created} in ${run.wallSec.toFixed(1)} s`
    : `only ${run.created} of ${run.guests} in ${run.wallSec.toFixed(0)} s (cut)`;
  return {
    target: `100,000 guests created through ${way} in one organization in < ${BULK_LIMIT_SEC} s (sqlite, ${how})`,
    measured: `${done} (${rate.toFixed(0)}/s)${full ? '' : `; at that rate 100,000 would take ${(100_000 / rate).toFixed(0)} s (not evaluated: fewer guests than the target's)`}${floorRps ? `; floor 2's insert ran ${floorRps.toFixed(0)}/s, at which 100,000 would take ${(100_000 / floorRps).toFixed(1)} s` : ''}`,
    met: full ? run.finished && run.created >= 100_000 && run.wallSec < BULK_LIMIT_SEC : null,
  };
}

const scalesOf = (results: RunResults): ScaleResults[] => results.databases.flatMap((d) => (d.scale ? [d.scale] : []));

/** A phase of the benchmark (a service process, or its part) and its peak RSS. */
export interface RssPhase {
  phase: string;
  bytes: number | undefined;
  /** The case during which the peak was reached. */
  drivenBy: string;
  /** A process run with instrumentation (the statement counter): shown, not held to the target. */
  instrumented?: boolean;
}

/** The highest of the cases' peaks, and its case. */
function worstOf(phase: string, cases: Array<{ label: string; bytes: number | undefined }>): RssPhase {
  return cases.reduce<RssPhase>(
    (a, c) =>
      c.bytes !== undefined && (a.bytes === undefined || c.bytes > a.bytes) ? { ...a, ...c, drivenBy: c.label } : a,
    { phase, bytes: undefined, drivenBy: 'n/a' },
  );
}

/**
 * The service's peak RSS per phase, each with the case that drove it: a case's peak is read after
 * it with the high-water mark set back before it (BenchProcess.resetPeakRss), so a rise is
 * pinned on the case that made it, not on whatever ran first.
 */
export function rssPhases(results: RunResults): RssPhase[] {
  const phases: RssPhase[] = [];
  for (const db of results.databases) {
    phases.push(
      worstOf(
        `service (${db.kind})`,
        db.cases.map((c) => ({ label: `${c.operation} @${c.connections}`, bytes: c.peakRssBytes })),
      ),
    );
    phases.push({
      phase: `service (${db.kind}, counting statements)`,
      bytes: db.queries.peakRssBytes,
      drivenBy: 'the statement probes, one request at a time',
      instrumented: true,
    });
    if (db.scale) {
      const scale = db.scale;
      phases.push(
        worstOf(
          `service (${db.kind}, scale)`,
          [scale.small, scale.large].flatMap((org) =>
            org.cases.map((c) => ({ label: `${c.case} @${org.guests} guests`, bytes: c.peakRssBytes })),
          ),
        ),
      );
    }
  }
  if (results.bulk)
    phases.push({
      phase: 'service (sqlite, bulk)',
      bytes: results.bulk.peakRssBytes,
      drivenBy: `${results.bulk.guests} creates`,
    });
  if (results.bulkEndpoint)
    phases.push({
      phase: 'service (sqlite, bulk endpoint)',
      bytes: results.bulkEndpoint.peakRssBytes,
      drivenBy: `${results.bulkEndpoint.guests} creates in ${results.bulkEndpoint.requests} requests`,
    });
  return phases;
}

/** Columns padded to their widest cell; the first `textColumns` left-aligned, the numbers right. */
function table(headers: string[], body: string[][], textColumns = 3): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < textColumns ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function formatReport(results: RunResults, rows: Row[], targets: Target[]): string {
  const fmt = (n: number | undefined, digits = 2) => (n === undefined ? '' : n.toFixed(digits));
  const body = rows.map((r) => [
    r.operation,
    r.db,
    String(r.connections),
    r.rps.toFixed(0),
    fmt(r.p50Ms, 1),
    fmt(r.p99Ms, 1),
    r.floor ? `${r.floor} ${fmt(r.floorRps, 0)}` : '',
    fmt(r.ratioToFloor),
    fmt(r.pairedRatio),
    fmt(r.ratioToHttp),
    fmt(r.cpuUs, 0),
    fmt(r.cpuRatioToFloor),
    r.peakRssBytes === undefined ? '' : (r.peakRssBytes / 1024 / 1024).toFixed(0),
    r.targets.join(' '),
    r.targets.length === 0 ? '' : r.missed.length === 0 ? 'pass' : `MISS ${r.missed.join(',')}`,
  ]);
  const out: string[] = [];
  const meta = results.meta;
  const source = meta.source as { commit: string; modified: boolean };
  out.push(
    `Guest API benchmark of ${source.commit.slice(0, 12)}${source.modified ? ' (with uncommitted changes)' : ''}: ${meta.cores} cores (${meta.cpuModel}), Node ${meta.node}, ${meta.platform}; load average ${meta.loadAverageAtStart} at start, ${meta.loadAverageAtEnd} at end`,
  );
  out.push(
    `${meta.quick ? 'quick run' : 'full run'}: ${meta.durationSec} s per case after ${meta.warmupSec} s warm-up per operation; list organization of ${meta.listGuests} guests; large organization of the scale cases: ${meta.largeGuests}; service LOG_LEVEL=${meta.serviceLogLevel} (to a file); list pages kept by the service: ${process.env.LIST_CACHE_MB === undefined ? 'as shipped (LIST_CACHE_MB default)' : `LIST_CACHE_MB=${process.env.LIST_CACHE_MB}`}, none in the scale cases and statement counts; email DNS check on, against a local DNS server (cached after each domain's first look-up)`,
  );
  for (const skipped of results.skipped) out.push(`SKIPPED: ${skipped}`);
  out.push('');
  out.push(
    table(
      [
        'operation',
        'db',
        'conns',
        'req/s',
        'p50 ms',
        'p99 ms',
        'floor 2 (req/s)',
        'x floor 2',
        'x floor 2 alt.',
        'x floor 1',
        'CPU µs/req',
        'x floor 2 CPU',
        'RSS MB',
        'target',
        'result',
      ],
      body,
    ),
  );
  out.push(
    "CPU µs/req: the server process's main-thread CPU time per request of the case (/proc schedstat); x floor 2 CPU: the floor's over the case's, the req/s ratio if CPU alone set both (the load generator runs on the same cores).",
  );
  out.push(
    'x floor 2 alt.: for the operations with a floor-ratio target, the median ratio of alternating rounds (floor 2, floor 3 and the service taking turns with the same requests, each service round against the two floor-2 rounds around it); the target is judged on it, since a floor measured minutes apart moves with the machine.',
  );
  out.push(
    "Floor 3: floor 2's database work served by Fastify with one request-log line per request, as the service logs; its x floor 2 is what the framework and the log leave of floor 2 before the service does any work of its own.",
  );
  out.push('');
  out.push(
    "Statements per request (counted in the driver, one request at a time, after one of each kind: the token's look-up, once per AUTH_CACHE_TTL_MS, not counted):",
  );
  for (const db of results.databases) {
    out.push(
      `  ${db.kind}: ${db.queries.counts.map((c) => `${c.probe} ${c.perRequest}`).join('; ')}${db.queries.idleStatements ? ` (with ${db.queries.idleStatements} background statements seen while idle)` : ''}`,
    );
  }
  const deliveries = results.databases.flatMap((db) =>
    db.cases.flatMap((c) => (c.emails ? [{ kind: db.kind, operation: c.operation, emails: c.emails }] : [])),
  );
  if (deliveries.length > 0) {
    out.push(
      `Email delivery beside ${[...new Set(deliveries.map((d) => d.operation))].join(', ')} (the service's own outbox worker, as shipped; written as .eml files):`,
    );
    for (const d of deliveries) out.push(formatEmailDelivery(d.kind, d.emails));
  }
  const scales = scalesOf(results);
  const scaled = scaleRows(scales);
  if (scales.length > 0) out.push('', ...formatScale(scales, scaled, (headers, body) => table(headers, body, 2)), '');
  out.push(
    'Peak RSS (VmHWM) of the service per phase, with the case that drove it (RSS MB above: the peak of each case):',
  );
  for (const p of rssPhases(results))
    out.push(
      `  ${p.phase}: ${mb(p.bytes)}, during ${p.drivenBy}${p.instrumented ? ' (instrumented: not held to the target)' : ''}`,
    );
  if (results.bulk) {
    const b = results.bulk;
    out.push(
      `Bulk: ${b.created}${b.finished ? '' : ` of ${b.guests} (cut short)`} guests through the API at ${b.connections} connections in ${b.wallSec.toFixed(1)} s (${(b.created / b.wallSec).toFixed(0)} creates/s, p50 ${b.result.p50Ms} ms, p99 ${b.result.p99Ms} ms); ${b.countInDatabase} in the database`,
    );
  }
  if (results.bulkEndpoint) {
    const b = results.bulkEndpoint;
    out.push(
      `Bulk endpoint: ${b.created}${b.finished ? '' : ` of ${b.guests} (cut short)`} guests through Bulk create guests in ${b.requests} requests, ${b.inFlight} at once, in ${b.wallSec.toFixed(1)} s (${(b.created / b.wallSec).toFixed(0)} creates/s, slowest request ${b.slowestMs.toFixed(0)} ms); ${b.countInDatabase} in the database`,
    );
  }
  out.push('');
  const met = targets.filter((t) => t.met === true).length;
  const missed = targets.filter((t) => t.met === false);
  out.push(
    `Targets: ${met} met, ${missed.length} missed${targets.some((t) => t.met === null) ? `, ${targets.filter((t) => t.met === null).length} not evaluated` : ''}`,
  );
  for (const t of targets)
    out.push(`  [${t.met === null ? 'n/a ' : t.met ? 'met ' : 'MISS'}] ${t.target}: ${t.measured}`);
  return out.join('\n');
}

/** Everything, for `--json FILE`: settings, machine, raw results, rows and targets. */
export function reportJson(results: RunResults, rows: Row[], targets: Target[]): string {
  const clean = rows.map((r) => ({
    ...r,
    ratioToFloor: r.ratioToFloor === undefined ? undefined : round(r.ratioToFloor, 3),
    ratioToHttp: r.ratioToHttp === undefined ? undefined : round(r.ratioToHttp, 3),
    cpuUs: r.cpuUs === undefined ? undefined : round(r.cpuUs, 1),
    cpuRatioToFloor: r.cpuRatioToFloor === undefined ? undefined : round(r.cpuRatioToFloor, 3),
  }));
  return `${JSON.stringify({ meta: results.meta, skipped: results.skipped, rows: clean, targets, peakRssByPhase: rssPhases(results), scale: scaleRows(scalesOf(results)), statementsPerRequest: Object.fromEntries(results.databases.map((d) => [d.kind, d.queries])), emailDelivery: Object.fromEntries(results.databases.map((d) => [d.kind, d.cases.find((c) => c.emails)?.emails])), bulk: results.bulk, bulkEndpoint: results.bulkEndpoint, importCase: results.importCase, raw: { httpFloor: results.httpFloor, databases: results.databases } }, null, 2)}\n`;
}
