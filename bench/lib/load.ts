/**
 * Load generation with autocannon's programmatic API: a fixed number of keep-alive connections,
 * each sending its next request as soon as the previous answer arrived, for a duration or for a
 * fixed number of requests. Each request is made by a generator (unique emails, spread-out
 * pages...). Any connection error, timeout or non-2xx answer is counted and kept: beyond a
 * handful, the case is reported as broken, since the figures would then measure errors.
 */
import autocannon from 'autocannon';

/** One request: where, and the JSON body for POST/PUT. */
export interface NextRequest {
  path: string;
  body?: string;
}

export interface LoadSpec {
  method: 'GET' | 'POST' | 'PUT';
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  durationSec: number;
  /** A fixed number of requests instead of a duration. */
  amount?: number;
  headers: Record<string, string>;
  next: () => NextRequest;
  /** With `amount`: stop after this many seconds whatever is left (the result then shows it). */
  maxSec?: number;
  /** Seconds after which an unanswered request counts as a timeout (default 20). */
  timeoutSec?: number;
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  rps: number;
  /** Connections the load kept open, each with one request in flight. */
  connections: number;
  /** Mean latency of the 2xx answers. */
  meanMs: number;
  /** How many latencies the histogram holds (the 2xx answers). */
  latencyCount: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Answers per status code, e.g. `{"201": 5230}`. */
  statusCodes: Record<string, number>;
  /** Stopped by `maxSec` before every request of `amount` was answered. */
  cut?: boolean;
  /**
   * The server process's CPU time per request of the case, in microseconds (measure() in
   * bench/lib/context.ts): what answering costs it, whatever the load generator beside it leaves.
   */
  serverCpu?: ServerCpu;
}

/** CPU time per request, µs: the server's main thread (its event loop) and all its threads. */
export interface ServerCpu {
  mainUsPerRequest: number;
  allUsPerRequest: number;
}

/** More failed requests than this in one case means the benchmark itself broke. */
export const MAX_FAILED_REQUESTS = 5;

let current: autocannon.Instance | undefined;

/** The parts of autocannon's client (9.x) that `freshQueuePerConnection` relies on. */
interface ClientInternals {
  _connect?: () => void;
  pipelinedRequests?: { clear(): void };
}

/**
 * Each new connection of a client starts with no request waiting for an answer.
 *
 * autocannon keeps its queue of unanswered requests when it connects again. The service closes a
 * connection after its MAX_REQUESTS_PER_SOCKET-th answer (`Connection: close`); the client has
 * already written its next request on that connection by then, and that request is never answered.
 * It stayed first in the queue, and every later answer on that client was timed from it: one more
 * round trip per closed connection, so p50 and p99 grew with the length of the run while the
 * throughput stayed right. Throws if autocannon's client no longer has these parts, rather than
 * measuring wrong again.
 */
export function freshQueuePerConnection(client: autocannon.Client): void {
  const internals = client as unknown as ClientInternals;
  const connect = internals._connect;
  const queue = internals.pipelinedRequests;
  if (typeof connect !== 'function' || typeof queue?.clear !== 'function') {
    throw new Error(
      "autocannon's client changed: it has no _connect or pipelinedRequests.clear (see freshQueuePerConnection)",
    );
  }
  internals._connect = () => {
    queue.clear();
    connect.call(client);
  };
}

/** Stops the load in progress (Ctrl-C). */
export function stopLoad(): void {
  current?.stop();
}

export function runLoad(url: string, spec: LoadSpec): Promise<LoadResult> {
  const options: autocannon.Options = {
    url,
    method: spec.method,
    connections: spec.connections,
    headers: spec.headers,
    // A request not answered in this many seconds counts as a timeout (an error).
    timeout: spec.timeoutSec ?? 20,
    setupClient: freshQueuePerConnection,
    requests: [
      {
        setupRequest: (request) => {
          const next = spec.next();
          request.path = next.path;
          if (next.body !== undefined) request.body = next.body;
          return request;
        },
      },
    ],
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationSec }),
  };
  return new Promise((resolve, reject) => {
    let guard: NodeJS.Timeout | undefined;
    let cut = false;
    current = autocannon(options, (error: unknown, result: autocannon.Result) => {
      current = undefined;
      clearTimeout(guard);
      if (error) return reject(error instanceof Error ? error : new Error(String(error)));
      const statusCodes: Record<string, number> = {};
      for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
      const requests = result.requests.total;
      resolve({
        requests,
        durationSec: result.duration,
        rps: result.duration > 0 ? requests / result.duration : 0,
        connections: spec.connections,
        meanMs: result.latency.mean,
        // autocannon times only the 2xx answers.
        latencyCount: Object.entries(statusCodes).reduce(
          (n, [code, count]) => (code.startsWith('2') ? n + count : n),
          0,
        ),
        p50Ms: result.latency.p50,
        p90Ms: result.latency.p90,
        p99Ms: result.latency.p99,
        maxMs: result.latency.max,
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodes,
        cut,
      });
    });
    const instance = current;
    if (spec.amount && spec.maxSec) {
      guard = setTimeout(() => {
        cut = true;
        instance.stop();
      }, spec.maxSec * 1000);
    }
  });
}

/**
 * A run followed by a short one that sent what the first did not: counts and time added, the
 * latency percentiles kept from the first (which holds all but a handful of the requests), the
 * slowest of both.
 */
export function addLoads(first: LoadResult, second: LoadResult): LoadResult {
  const statusCodes = { ...first.statusCodes };
  for (const [code, count] of Object.entries(second.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  const requests = first.requests + second.requests;
  const durationSec = first.durationSec + second.durationSec;
  return {
    ...first,
    requests,
    durationSec,
    rps: durationSec > 0 ? requests / durationSec : 0,
    maxMs: Math.max(first.maxMs, second.maxMs),
    non2xx: first.non2xx + second.non2xx,
    errors: first.errors + second.errors,
    timeouts: first.timeouts + second.timeouts,
    statusCodes,
    cut: first.cut === true || second.cut === true,
  };
}

/**
 * The time the timed answers took, over the time the connections had: at most 1, since each
 * connection has one request in flight at a time (a little less, as autocannon keeps whole
 * milliseconds). Above it, the latencies were timed from the wrong request.
 */
export function latencyShare(result: LoadResult): number {
  const available = result.connections * result.durationSec * 1000;
  return available > 0 ? (result.meanMs * result.latencyCount) / available : 0;
}

/** A latency share above this means the figures are wrong (see latencyShare). */
const MAX_LATENCY_SHARE = 1.1;

/**
 * Why the result cannot be trusted, or undefined when it can. A warm-up may end before its first
 * answer (a slow operation on a busy machine); a timed case with no answer at all is broken.
 */
export function loadProblem(result: LoadResult, { warmUp = false, shedOk = false } = {}): string | undefined {
  // shedOk: 503s of an overloaded service (its stalled-loop guard, a search that waited its whole
  // SEARCH_WAIT_MS, a request that waited 5 s for a database connection) are its answer to the
  // case, counted apart.
  const failed = result.non2xx - (shedOk ? (result.statusCodes['503'] ?? 0) : 0) + result.errors;
  if (result.requests === 0 && !warmUp) return 'no request was answered';
  if (failed > MAX_FAILED_REQUESTS) {
    return `${result.non2xx} non-2xx answers and ${result.errors} connection errors (${result.timeouts} timeouts); status codes ${JSON.stringify(result.statusCodes)}`;
  }
  const share = latencyShare(result);
  if (share > MAX_LATENCY_SHARE) {
    return `the latencies add up to ${share.toFixed(2)} x the time the ${result.connections} connections had (mean ${result.meanMs} ms over ${result.latencyCount} answers in ${result.durationSec} s): they were timed from the wrong request`;
  }
  return undefined;
}
