/**
 * Raw TCP clients for the connection tests: requests sent in pieces, or never finished, and what
 * the server wrote back before it closed the connection. Every wait is bounded.
 */
import net from 'node:net';
import type { ResponseLike } from '../../support/problem.js';

/** One raw connection: what it received, and when the server closed it. */
export interface RawConnection {
  socket: net.Socket;
  received: string;
  /** Date.now() when the connection closed, if it did. */
  closedAt: number | undefined;
  /** An error the connection ended with (ECONNRESET, ...). */
  error: string | undefined;
  closed: Promise<void>;
}

/** Connects to 127.0.0.1:`port` (from `localAddress` when given) and writes `text` once connected. */
export async function rawConnect(port: number, text = '', localAddress?: string): Promise<RawConnection> {
  const socket = net.connect({ host: '127.0.0.1', port, ...(localAddress && { localAddress }) });
  const connection: RawConnection = {
    socket,
    received: '',
    closedAt: undefined,
    error: undefined,
    closed: Promise.resolve(),
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (connection.received += chunk));
  socket.on('error', (error: NodeJS.ErrnoException) => (connection.error = error.code ?? error.message));
  connection.closed = new Promise((resolve) =>
    socket.once('close', () => {
      connection.closedAt = Date.now();
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  if (text) socket.write(text);
  return connection;
}

/** Waits until `predicate` holds for the connection, or `timeoutMs` passes. */
export async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** The first HTTP/1.1 answer in `text`, as assertProblem takes it (header names lower-cased). */
export function parseRaw(text: string): ResponseLike & { headers: Record<string, string> } {
  const end = text.indexOf('\r\n\r\n');
  if (!text.startsWith('HTTP/1.1 ') || end < 0)
    throw new Error(`not an HTTP answer: ${JSON.stringify(text.slice(0, 200))}`);
  const [status, ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  return { statusCode: Number(status?.split(' ')[1]), headers, body: text.slice(end + 4, end + 4 + length) };
}

/** The start of a JSON POST whose body never comes whole: the headers promise 1 KB, 10 bytes follow. */
export function unfinishedPost(path: string, headers: Record<string, string> = {}): string {
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1024\r\n${extra}\r\n{"email":"`;
}
