/**
 * Connections: how long a client may take to send its request, how many connections stay open,
 * and which one goes when there are too many (docs/conventions.md, "Timeouts and overload").
 *
 * - A request whose headers or body do not arrive within HEADERS_TIMEOUT_MS / REQUEST_TIMEOUT_MS
 *   is answered 408 with the error body and its connection closed; malformed HTTP gets 400 (431
 *   for oversized headers), in the same body.
 * - Open connections are capped in total (always below the process's open-file limit, so that
 *   accepting never fails and health checks keep answering) and per client address. When a cap
 *   is reached, the new connection takes the place of the least recently active connection that
 *   is idle or still sending its request (a client that never finishes its upload); a connection
 *   whose answer is being prepared or written is never cut. Only when none can go is the new
 *   connection answered 503 and closed.
 */
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import type { ConnectionError, FastifyBaseLogger, FastifyHttpOptions, FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { AppError, problemBody } from '../core/errors.js';
import { requestIdOf } from './request-id.js';

/** Open connections when MAX_CONNECTIONS is not set (still kept below the open-file limit). */
export const DEFAULT_MAX_CONNECTIONS = 10_000;
/** Seconds a client is told to wait when it was turned away for lack of room. */
const RETRY_AFTER_SECONDS = '1';
/** Evictions and refusals are logged as one summary line at most this often. */
const SUMMARY_EVERY_MS = 10_000;

/**
 * The error body (docs/conventions.md, Errors) as a whole raw HTTP/1.1 answer that closes the
 * connection, with the request's id (a new one when no request was read).
 */
export function rawProblemResponse(baseUrl: string, error: AppError, requestId: string): string {
  const body = JSON.stringify(problemBody(baseUrl, error, requestId));
  const lines = [
    `HTTP/1.1 ${error.status} ${http.STATUS_CODES[error.status] ?? 'Error'}`,
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    `X-Request-Id: ${requestId}`,
    'Connection: close',
    ...Object.entries(error.options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Writes `error` as the answer (unless an answer has already started on the socket) and closes the
 * connection. `_httpMessage` is the answer Node has attached to the socket, as Node's own
 * 'clientError' default reads it.
 */
export function answerAndClose(
  socket: net.Socket,
  baseUrl: string,
  error: AppError,
  requestId: string = requestIdOf(undefined),
): void {
  const answer = (socket as net.Socket & { _httpMessage?: http.ServerResponse | null })._httpMessage;
  if (socket.writable && !answer?.headersSent) socket.write(rawProblemResponse(baseUrl, error, requestId));
  socket.destroy();
}

/** Errors Node reports on a connection before any route sees a request, answered in the error body. */
function clientErrorHandler(baseUrl: string) {
  return function onClientError(this: FastifyInstance, error: ConnectionError, socket: net.Socket): void {
    // A reset connection has no one left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const problem =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError(
            'REQUEST_TIMEOUT',
            'The request did not arrive in time; send the headers and the body without pausing.',
          )
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? new AppError('REQUEST_HEADERS_TOO_LARGE', 'The request headers are larger than the server accepts.')
          : new AppError('BAD_REQUEST', 'The request is not valid HTTP.');
    const reqId = requestIdOf(undefined);
    this.log.debug({ err: error, code: problem.code, reqId }, 'connection answered and closed before routing');
    answerAndClose(socket, baseUrl, problem, reqId);
  };
}

/**
 * Fastify's server options for the timeouts and for answers given outside any route. Node checks
 * the request timeouts every `connectionsCheckingInterval`, 30 s by default: far too coarse for
 * a 10 s headers timeout.
 */
export function serverOptions(config: Config): Partial<FastifyHttpOptions<http.Server>> {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = config.connections;
  return {
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    http: {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
    },
    // While closing, the app answers 503 itself, in the error body and with Retry-After (src/app.ts).
    return503OnClosing: false,
    clientErrorHandler: clientErrorHandler(config.publicBaseUrl),
  };
}

/** The soft limit on open files of this process (Linux), or undefined where it cannot be read. */
export function readOpenFileLimit(file = '/proc/self/limits'): number | undefined {
  try {
    const match = /^Max open files\s+(\d+)\s/m.exec(fs.readFileSync(file, 'utf8'));
    return match?.[1] ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface ConnectionLimits {
  /** Open connections at most. */
  max: number;
  /** Open connections per client address at most; 0: no per-address cap. */
  perAddress: number;
  /** Requests per connection; the answer to the last one closes it. 0: no limit. */
  maxRequestsPerSocket: number;
  /** The MAX_CONNECTIONS asked for, when the open-file limit made it lower. */
  lowered?: { wanted: number; fileLimit: number };
}

/**
 * The caps in force: MAX_CONNECTIONS (or the default), lowered to leave room below the open-file
 * limit for what is not a client connection: the database and its pool, logs, DNS, SMTP, Redis.
 */
export function connectionLimits(config: Config, fileLimit: number | undefined): ConnectionLimits {
  const reserved = 64 + (config.database.kind === 'postgres' ? config.database.poolSize : 0);
  const room = fileLimit === undefined ? Number.POSITIVE_INFINITY : Math.max(16, fileLimit - reserved);
  const wanted = config.connections.max ?? DEFAULT_MAX_CONNECTIONS;
  const max = Math.min(wanted, room);
  return {
    max,
    perAddress: config.connections.maxPerAddress ?? Math.max(1, Math.floor(max / 2)),
    maxRequestsPerSocket: config.connections.maxRequestsPerSocket,
    ...(wanted > room && fileLimit !== undefined && { lowered: { wanted, fileLimit } }),
  };
}

interface Connection {
  socket: net.Socket;
  address: string;
  /** Requests received on it whose answer has not finished. */
  inFlight: number;
  /** The latest request and its answer. */
  request: http.IncomingMessage | undefined;
  answer: http.ServerResponse | undefined;
  requests: number;
}

/** The latest request has arrived in part only, and nothing has been answered to it yet. */
function stillSending(connection: Connection): boolean {
  return (
    connection.inFlight === 1 && connection.request?.complete === false && connection.answer?.headersSent === false
  );
}

/** Idle (between requests, or nothing sent yet) or still sending its request: it may be cut. */
function evictable(connection: Connection): boolean {
  return connection.inFlight === 0 || stillSending(connection);
}

export class ConnectionGuard {
  /** Every open connection, least recently active first. */
  readonly #all = new Map<net.Socket, Connection>();
  /** The same, per client address. */
  readonly #byAddress = new Map<string, Set<Connection>>();
  /** Since the start: connections cut to make room, and new ones turned away. */
  evicted = 0;
  refused = 0;
  #unreported = { evicted: 0, refused: 0 };
  #summary: NodeJS.Timeout | undefined;

  constructor(
    server: http.Server,
    readonly limits: ConnectionLimits,
    private readonly baseUrl: string,
    private readonly log: FastifyBaseLogger,
  ) {
    // After Node's own listener, so that a refused socket is already an HTTP connection.
    server.on('connection', (socket: net.Socket) => this.#accept(socket));
    // Before the app's listener, so that the count is right before anything is answered.
    server.prependListener('request', (request: http.IncomingMessage, answer: http.ServerResponse) =>
      this.#onRequest(request, answer),
    );
  }

  /** Open connections now. */
  get open(): number {
    return this.#all.size;
  }

  #accept(socket: net.Socket): void {
    const address = socket.remoteAddress;
    if (address === undefined || socket.destroyed) {
      socket.destroy();
      return;
    }
    const peers = this.#byAddress.get(address);
    const { max, perAddress } = this.limits;
    // An address at its cap makes room among its own connections; otherwise, at the total cap,
    // the least recently active connection that may go, whoever's it is, makes room.
    const room =
      perAddress > 0 && peers !== undefined && peers.size >= perAddress
        ? this.#evictOne(peers.values())
        : this.#all.size >= max
          ? this.#evictOne(this.#all.values())
          : true;
    if (!room) {
      this.refused += 1;
      this.#note('refused');
      answerAndClose(
        socket,
        this.baseUrl,
        new AppError('SERVICE_UNAVAILABLE', 'The server is at its connection limit; retry shortly.', {
          headers: { 'retry-after': RETRY_AFTER_SECONDS },
        }),
      );
      return;
    }
    const connection: Connection = { socket, address, inFlight: 0, request: undefined, answer: undefined, requests: 0 };
    this.#all.set(socket, connection);
    if (peers) peers.add(connection);
    else this.#byAddress.set(address, new Set([connection]));
    socket.once('close', () => this.#forget(connection));
  }

  #onRequest(request: http.IncomingMessage, answer: http.ServerResponse): void {
    const connection = this.#all.get(request.socket);
    if (!connection) return;
    connection.inFlight += 1;
    connection.request = request;
    connection.answer = answer;
    connection.requests += 1;
    const { maxRequestsPerSocket } = this.limits;
    if (maxRequestsPerSocket > 0 && connection.requests >= maxRequestsPerSocket)
      answer.setHeader('connection', 'close');
    answer.once('close', () => {
      connection.inFlight -= 1;
      this.#touch(connection);
    });
  }

  /** Cuts the first connection that may go; false when none may. */
  #evictOne(candidates: Iterable<Connection>): boolean {
    for (const connection of candidates) {
      if (!evictable(connection)) continue;
      this.evicted += 1;
      this.#note('evicted');
      this.#cut(
        connection,
        new AppError(
          'SERVICE_UNAVAILABLE',
          'The server needed this connection for another client: the request was not complete. Retry, sending it whole.',
          {
            headers: { 'retry-after': RETRY_AFTER_SECONDS },
          },
        ),
      );
      return true;
    }
    return false;
  }

  /**
   * Closes the connection now, and forgets it at once (its 'close' event comes later): a client
   * waiting for an answer to a request it has started gets `error`; an idle one is just closed.
   */
  #cut(connection: Connection, error: AppError): void {
    this.#forget(connection);
    if (stillSending(connection))
      answerAndClose(connection.socket, this.baseUrl, error, requestIdOf(connection.request));
    else connection.socket.destroy();
  }

  /**
   * Closes every connection (the end of the shutdown grace period): requests still arriving are
   * answered 503; answers still being prepared or written are cut off.
   */
  closeAll(): number {
    const connections = [...this.#all.values()];
    for (const connection of connections) {
      this.#cut(
        connection,
        new AppError('SERVICE_UNAVAILABLE', 'The server is shutting down; retry on another instance or in a moment.', {
          headers: { 'retry-after': RETRY_AFTER_SECONDS },
        }),
      );
    }
    return connections.length;
  }

  /** Moves the connection to the most recently active end. */
  #touch(connection: Connection): void {
    if (!this.#all.delete(connection.socket)) return;
    this.#all.set(connection.socket, connection);
    const peers = this.#byAddress.get(connection.address);
    peers?.delete(connection);
    peers?.add(connection);
  }

  #forget(connection: Connection): void {
    if (!this.#all.delete(connection.socket)) return;
    const peers = this.#byAddress.get(connection.address);
    peers?.delete(connection);
    if (peers?.size === 0) this.#byAddress.delete(connection.address);
  }

  /** Under attack there are thousands of these: one summary line per period, not one per connection. */
  #note(kind: 'evicted' | 'refused'): void {
    this.#unreported[kind] += 1;
    if (this.#summary !== undefined) return;
    this.#summary = setTimeout(() => {
      this.#summary = undefined;
      this.log.warn(
        {
          ...this.#unreported,
          open: this.#all.size,
          limits: { max: this.limits.max, perAddress: this.limits.perAddress },
        },
        'connection cap reached: connections idle or still sending their request were closed to make room (evicted); new ones were turned away when none could go (refused)',
      );
      this.#unreported = { evicted: 0, refused: 0 };
    }, SUMMARY_EVERY_MS).unref();
  }
}
