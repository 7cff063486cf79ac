/**
 * The report: one row per measured case with its ratio to the matching floor and to the HTTP
 * ceiling, the targets (met or missed), and the same as JSON for comparing runs over time.
 * Missing a target is reported, never an error: speed depends on the machine.
 */
import type { DbKind } from './database.js';
import type { ByConnections } from './floors.js';
import { LIST_PAGE_SIZE, LIST_STATS_WITH_TASKS, MATCHING_FLOOR } from './scenarios.js';
import type { BulkResult, DatabaseResults } from './suites.js';

export interface RunResults {
  meta: Record<string, unknown>;
  httpFloor: ByConnections;
  databases: DatabaseResults[];
  bulk: BulkResult | undefined;
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
  targets: string[];
  missed: string[];
}

export interface Target {
  target: string;
  measured: string;
  met: boolean | null;
}

const P99_LIMIT_MS = 25;
const RSS_LIMIT_BYTES = 250 * 1024 * 1024;
const RATIO_TARGETS: Partial<Record<string, number>> = { create: 0.7, get: 0.6, update: 0.6 };

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(0)} MB`);

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
          targets: [],
          missed: [],
        });
      }
    }
    for (const { operation, connections, result } of db.cases) {
      const floorOperation = MATCHING_FLOOR[operation];
      const floor = db.floor[floorOperation][connections];
      const row: Row = {
        db: db.kind,
        operation,
        connections,
        rps: result.rps,
        p50Ms: result.p50Ms,
        p99Ms: result.p99Ms,
        floor: floorOperation,
        floorRps: floor?.rps,
        ratioToFloor: floor ? result.rps / floor.rps : undefined,
        ratioToHttp: http[connections] ? result.rps / (http[connections]?.rps ?? 1) : undefined,
        targets: [],
        missed: [],
      };
      const ratioTarget = RATIO_TARGETS[operation];
      if (db.kind === 'sqlite' && connections === 10 && ratioTarget !== undefined) {
        row.targets.push(`x${floorOperation}>=${ratioTarget}`);
        if ((row.ratioToFloor ?? 0) < ratioTarget) row.missed.push(`x${floorOperation}`);
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

export function evaluateTargets(results: RunResults, rows: Row[]): Target[] {
  const targets: Target[] = [];
  for (const row of rows) {
    const ratioTarget = RATIO_TARGETS[row.operation];
    if (row.db === 'sqlite' && row.connections === 10 && ratioTarget !== undefined && row.ratioToFloor !== undefined) {
      targets.push({
        target: `${row.operation} >= ${ratioTarget} x floor 2 ${row.floor} (sqlite, 10 connections)`,
        measured: `${round(row.ratioToFloor)} (${row.rps.toFixed(0)} vs ${row.floorRps?.toFixed(0)} req/s)`,
        met: row.ratioToFloor >= ratioTarget,
      });
    }
  }
  for (const db of results.databases) {
    const first = db.cases.find((c) => c.operation === 'list page 1');
    const last = db.cases.find((c) => c.operation === 'list last page');
    if (first && last) {
      const ratio = first.result.rps / last.result.rps;
      targets.push({
        target: `list: last page costs <= 1.5 x the first (${db.kind}, ${LIST_PAGE_SIZE} per page, 10 connections)`,
        measured: `${round(ratio)} x (${first.result.rps.toFixed(0)} vs ${last.result.rps.toFixed(0)} req/s; p50 ${first.result.p50Ms} vs ${last.result.p50Ms} ms)`,
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
  const rss = peakRss(results);
  const worst = Object.entries(rss).reduce<[string, number] | undefined>(
    (a, [name, bytes]) => (bytes !== undefined && (!a || bytes > a[1]) ? [name, bytes] : a),
    undefined,
  );
  targets.push({
    target: 'peak RSS of the service < 250 MB during the whole benchmark',
    measured: worst ? `${mb(worst[1])} (${worst[0]})` : 'n/a (no /proc)',
    met: worst ? worst[1] < RSS_LIMIT_BYTES : null,
  });
  const bulk = results.bulk;
  if (bulk) {
    const full = bulk.guests >= 100_000;
    const rate = bulk.created / bulk.wallSec;
    const done = bulk.finished
      ? `${bulk.guests} in ${bulk.wallSec.toFixed(1)} s`
      : `only ${bulk.created} of ${bulk.guests} in ${bulk.wallSec.toFixed(0)} s (cut)`;
    targets.push({
      target: '100,000 guests created through the API in one organization in < 60 s (sqlite, 50 connections)',
      measured: `${done} (${rate.toFixed(0)}/s)${full ? '' : `; at that rate 100,000 would take ${(100_000 / rate).toFixed(0)} s (not evaluated: fewer guests than the target's)`}`,
      met: full ? bulk.created >= 100_000 && bulk.wallSec < 60 : null,
    });
  }
  return targets;
}

export function peakRss(results: RunResults): Record<string, number | undefined> {
  const all: Record<string, number | undefined> = {};
  for (const db of results.databases) Object.assign(all, db.peakRss);
  if (results.bulk) all['service (sqlite, bulk)'] = results.bulk.peakRssBytes;
  return all;
}

function table(headers: string[], body: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 3 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
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
    fmt(r.ratioToHttp),
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
    `${meta.quick ? 'quick run' : 'full run'}: ${meta.durationSec} s per case after ${meta.warmupSec} s warm-up per operation; list organization of ${meta.listGuests} guests; service LOG_LEVEL=${meta.serviceLogLevel} (to a file); email DNS check on, against a local DNS server (cached after each domain's first look-up)`,
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
        'x floor 1',
        'target',
        'result',
      ],
      body,
    ),
  );
  out.push('');
  out.push('Statements per request (counted in the driver, one request at a time):');
  for (const db of results.databases) {
    out.push(
      `  ${db.kind}: ${db.queries.counts.map((c) => `${c.probe} ${c.perRequest}`).join('; ')}${db.queries.idleStatements ? ` (with ${db.queries.idleStatements} background statements seen while idle)` : ''}`,
    );
  }
  out.push(
    `Peak RSS (VmHWM) per service process: ${Object.entries(peakRss(results))
      .map(([n, b]) => `${n} ${mb(b)}`)
      .join('; ')}`,
  );
  if (results.bulk) {
    const b = results.bulk;
    out.push(
      `Bulk: ${b.created}${b.finished ? '' : ` of ${b.guests} (cut short)`} guests through the API at ${b.connections} connections in ${b.wallSec.toFixed(1)} s (${(b.created / b.wallSec).toFixed(0)} creates/s, p50 ${b.result.p50Ms} ms, p99 ${b.result.p99Ms} ms); ${b.countInDatabase} in the database`,
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
  }));
  return `${JSON.stringify({ meta: results.meta, skipped: results.skipped, rows: clean, targets, peakRssBytes: peakRss(results), statementsPerRequest: Object.fromEntries(results.databases.map((d) => [d.kind, d.queries])), bulk: results.bulk, raw: { httpFloor: results.httpFloor, databases: results.databases } }, null, 2)}\n`;
}
