/**
 * What every part of a benchmark run shares: its settings, where its temporary files go, the DNS
 * server behind the service's email checks, and how a case is measured and checked.
 */
import path from 'node:path';
import { loadProblem, runLoad, type LoadResult, type LoadSpec, type ServerCpu } from './load.js';
import type { BenchProcess, CpuTime } from './processes.js';

export interface BenchSettings {
  quick: boolean;
  /** Seconds of load per timed case. */
  durationSec: number;
  /** Seconds of load before an operation's first timed case (JIT, caches, connections). */
  warmupSec: number;
  connections: number[];
  /** Guests in the list organization. */
  listGuests: number;
  /**
   * Guests of the large organization of the scale cases, seeded into each database beside one of
   * `listGuests` (bench/lib/scale.ts); undefined = no scale cases (--no-million).
   */
  largeGuests: number | undefined;
  /** Guests in the tasks organization, each owning 1 to 5 tasks (list with stats). */
  tasksGuests: number;
  /** Guests created through the API in the bulk case. */
  bulkGuests: number;
  /** Rows of the CSV imported by the command line in the import case. */
  importRows: number;
  /** The PostgreSQL server (a database on it) to make fresh schemas on; undefined = skipped. */
  postgresUrl: string | undefined;
  /** Where to write CPU profiles of the timed service processes; undefined = not profiled. */
  cpuProfDir: string | undefined;
  /** The service's LOG_LEVEL (default `info`, as deployed: one line per request, to a file). */
  logLevel: string;
}

export interface BenchContext {
  settings: BenchSettings;
  /** A directory removed at the end. */
  tmp: string;
  /** `127.0.0.1:port` of the benchmark's DNS server. */
  dnsAddress: string;
  /** Progress lines (stderr, so the report on stdout stays clean). */
  log(line: string): void;
}

/** Where a process of the run writes its output: a file in the run's temp dir. */
export function logFileFor(context: BenchContext, name: string): string {
  return path.join(context.tmp, `${name.replace(/\W+/g, '-')}.log`);
}

/** The benchmark itself failed (a server did not start, answers were errors, a count is wrong). */
export class BenchError extends Error {
  override name = 'BenchError';
}

function figures(result: LoadResult): string {
  const cpu = result.serverCpu ? `; server CPU ${result.serverCpu.mainUsPerRequest.toFixed(0)} µs/request` : '';
  return `${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (${result.requests} requests${cpu})`;
}

/** One more request like the failing ones, to show what the server answers. */
async function sampleAnswer(url: string, spec: Pick<LoadSpec, 'method' | 'headers' | 'next'>): Promise<string> {
  const request = spec.next();
  try {
    const response = await fetch(`${url}${request.path}`, {
      method: spec.method,
      headers: spec.headers,
      body: request.body,
      signal: AbortSignal.timeout(10_000),
    });
    return `a sample ${spec.method} ${request.path} answered ${response.status}: ${(await response.text()).slice(0, 600)}`;
  } catch (error) {
    return `a sample ${spec.method} ${request.path} failed: ${String(error)}`;
  }
}

/** The server's CPU time per request between two readings; undefined without both readings or requests. */
export function serverCpuPerRequest(
  before: CpuTime | undefined,
  after: CpuTime | undefined,
  requests: number,
): ServerCpu | undefined {
  if (!before || !after || requests <= 0) return undefined;
  return {
    mainUsPerRequest: ((after.mainMs - before.mainMs) * 1000) / requests,
    allUsPerRequest: ((after.allMs - before.allMs) * 1000) / requests,
  };
}

/**
 * Runs one case against `url`; a case with errors is a broken benchmark, not a slow one. With the
 * server's process, the result also says what CPU time each request cost it.
 */
export async function measure(
  context: BenchContext,
  label: string,
  url: string,
  spec: LoadSpec,
  options: { shedOk?: boolean; server?: Pick<BenchProcess, 'cpuTime'> } = {},
): Promise<LoadResult> {
  const before = options.server?.cpuTime();
  const result = await runLoad(url, spec);
  const serverCpu = serverCpuPerRequest(before, options.server?.cpuTime(), result.requests);
  if (serverCpu) result.serverCpu = serverCpu;
  const problem = loadProblem(result, options);
  if (problem) throw new BenchError(`${label}: ${problem}\n  ${await sampleAnswer(url, spec)}`);
  const shed = result.statusCodes['503'] ?? 0;
  context.log(`  ${label}: ${figures(result)}${shed > 0 ? `, ${shed} answered 503 (overloaded)` : ''}`);
  return result;
}

/** A short untimed load before the timed cases of one operation. */
export async function warmUp(
  context: BenchContext,
  label: string,
  url: string,
  spec: Omit<LoadSpec, 'durationSec' | 'connections'>,
): Promise<void> {
  const result = await runLoad(url, { ...spec, connections: 10, durationSec: context.settings.warmupSec });
  const problem = loadProblem(result, { warmUp: true });
  if (problem) throw new BenchError(`${label} (warm-up): ${problem}\n  ${await sampleAnswer(url, spec)}`);
}
