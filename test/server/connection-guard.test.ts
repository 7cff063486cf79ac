// Connections in process: the caps and which connection makes room (a plain node:http server
// behind the guard), and the timeouts and pre-routing errors of the app, answered in the error body.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import {
  ConnectionGuard,
  connectionLimits,
  readOpenFileLimit,
  type ConnectionLimits,
} from '../../src/http/connection-guard.js';
import { buildTestApp, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { parseRaw, rawConnect, unfinishedPost, waitFor, type RawConnection } from './raw-http.js';

const BASE = 'http://guests.test';

/** A plain server behind the guard: `/hold` answers only when released; anything else answers at once. */
async function guardedServer(limits: ConnectionLimits) {
  const held: http.ServerResponse[] = [];
  const server = http.createServer((request, answer) => {
    request.resume();
    if (request.url === '/hold') held.push(answer);
    else request.on('end', () => answer.end('ok'));
  });
  const guard = new ConnectionGuard(server, limits, BASE, pino({ level: 'silent' }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    guard,
    release: () => held.splice(0).forEach((answer) => answer.end('released')),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const get = (url: string) => `GET ${url} HTTP/1.1\r\nHost: x\r\n\r\n`;
const answered = (c: RawConnection) => () => c.received.includes('\r\n\r\n');
const closed = (c: RawConnection) => () => c.closedAt !== undefined;

describe('the connection guard', () => {
  test('at the total cap a new connection takes the place of the least recently active idle or still-sending one, never one being answered', async () => {
    const s = await guardedServer({ max: 3, perAddress: 0, maxRequestsPerSocket: 0 });
    try {
      const answering = await rawConnect(s.port, get('/hold'));
      const sending = await rawConnect(s.port, unfinishedPost('/upload'));
      const idle = await rawConnect(s.port, get('/'));
      assert.ok(await waitFor(answered(idle), 2000), 'the keep-alive client got its answer');
      assert.ok(await waitFor(() => s.guard.open === 3, 2000));

      // The oldest connection is being answered: it stays; the still-sending one goes, with the error body.
      const fourth = await rawConnect(s.port);
      assert.ok(await waitFor(closed(sending), 2000), 'the still-sending connection was closed');
      const problem = assertProblem(parseRaw(sending.received), 503, 'SERVICE_UNAVAILABLE');
      assert.match(problem.message, /not complete/);
      assert.equal(parseRaw(sending.received).headers['retry-after'], '1');
      assert.equal(answering.closedAt, undefined, 'the connection being answered was not touched');

      // Next: the idle keep-alive connection (its answer came before the fourth connected); nothing is written to it.
      const fifth = await rawConnect(s.port);
      assert.ok(await waitFor(closed(idle), 2000), 'the idle connection was closed');
      assert.match(idle.received, /^HTTP\/1\.1 200 OK[\s\S]*ok$/, 'only its own answer, no error after it');
      assert.equal(s.guard.evicted, 2);
      assert.equal(s.guard.open, 3);

      s.release();
      assert.ok(
        await waitFor(() => answering.received.endsWith('released'), 2000),
        'the held answer was delivered whole',
      );
      assert.equal(fourth.closedAt, undefined);
      assert.equal(fifth.closedAt, undefined);
    } finally {
      await s.close();
    }
  });

  test('when every connection is being answered, the new one is answered 503 with Retry-After and closed', async () => {
    const s = await guardedServer({ max: 2, perAddress: 0, maxRequestsPerSocket: 0 });
    try {
      const busy = [await rawConnect(s.port, get('/hold')), await rawConnect(s.port, get('/hold'))];
      assert.ok(await waitFor(() => s.guard.open === 2, 2000));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const turnedAway = await rawConnect(s.port);
      assert.ok(await waitFor(closed(turnedAway), 2000));
      assertProblem(parseRaw(turnedAway.received), 503, 'SERVICE_UNAVAILABLE');
      assert.equal(parseRaw(turnedAway.received).headers['retry-after'], '1');
      assert.equal(s.guard.refused, 1);
      s.release();
      for (const c of busy) assert.ok(await waitFor(() => c.received.endsWith('released'), 2000));
    } finally {
      await s.close();
    }
  });

  test('an address at its cap makes room among its own connections; other addresses keep theirs', async () => {
    const s = await guardedServer({ max: 100, perAddress: 2, maxRequestsPerSocket: 0 });
    try {
      const a1 = await rawConnect(s.port, unfinishedPost('/upload'), '127.0.0.2');
      const b1 = await rawConnect(s.port, unfinishedPost('/upload'), '127.0.0.3');
      const a2 = await rawConnect(s.port, unfinishedPost('/upload'), '127.0.0.2');
      const b2 = await rawConnect(s.port, unfinishedPost('/upload'), '127.0.0.3');
      assert.ok(await waitFor(() => s.guard.open === 4, 2000));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const a3 = await rawConnect(s.port, get('/'), '127.0.0.2');
      assert.ok(await waitFor(closed(a1), 2000), "the address's oldest connection made room");
      assertProblem(parseRaw(a1.received), 503, 'SERVICE_UNAVAILABLE');
      assert.ok(await waitFor(answered(a3), 2000), 'the new connection is served');
      assert.match(a3.received, /^HTTP\/1\.1 200/);
      for (const c of [a2, b1, b2]) assert.equal(c.closedAt, undefined);
      assert.equal(s.guard.evicted, 1);
    } finally {
      await s.close();
    }
  });

  test('MAX_REQUESTS_PER_SOCKET: the answer to the last request allowed closes the connection', async () => {
    const s = await guardedServer({ max: 100, perAddress: 0, maxRequestsPerSocket: 2 });
    try {
      const c = await rawConnect(s.port, get('/'));
      assert.ok(await waitFor(() => c.received.endsWith('ok'), 2000));
      assert.doesNotMatch(c.received, /connection: close/i);
      c.socket.write(get('/'));
      assert.ok(await waitFor(closed(c), 2000), 'closed after the second answer');
      assert.equal(c.received.match(/HTTP\/1\.1 200/g)?.length, 2);
      assert.match(c.received.slice(c.received.lastIndexOf('HTTP/1.1')), /connection: close/i);
    } finally {
      await s.close();
    }
  });
});

describe('connection limits', () => {
  const config = (env: Record<string, string> = {}) => loadConfig(env);

  test('the total cap stays below the open-file limit, leaving room for the database pool', () => {
    assert.deepEqual(connectionLimits(config(), undefined), {
      max: 10_000,
      perAddress: 5000,
      maxRequestsPerSocket: 1000,
    });
    assert.deepEqual(connectionLimits(config(), 1024), {
      max: 960,
      perAddress: 480,
      maxRequestsPerSocket: 1000,
      lowered: { wanted: 10_000, fileLimit: 1024 },
    });
    const pg = config({
      DATABASE_URL: 'postgres://db/x',
      GUEST_CODE_KEY: 'ab'.repeat(32),
      DATABASE_POOL_SIZE: '40',
      MAX_CONNECTIONS: '5000',
    });
    assert.equal(connectionLimits(pg, 1024).max, 1024 - 64 - 40);
    assert.deepEqual(connectionLimits(config({ MAX_CONNECTIONS: '300', MAX_CONNECTIONS_PER_ADDRESS: '0' }), 20_000), {
      max: 300,
      perAddress: 0,
      maxRequestsPerSocket: 1000,
    });
  });

  test('the open-file limit is read from /proc/self/limits', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'limits-'));
    try {
      const file = path.join(dir, 'limits');
      fs.writeFileSync(
        file,
        'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 4096                 files\n',
      );
      assert.equal(readOpenFileLimit(file), 1024);
      fs.writeFileSync(file, 'Max open files            unlimited            unlimited            files\n');
      assert.equal(readOpenFileLimit(file), undefined);
      assert.equal(readOpenFileLimit(path.join(dir, 'missing')), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('timeouts and malformed requests answer the error body before any route', () => {
  let ctx: TestContext;
  let port: number;

  after(async () => {
    await ctx?.close();
  });

  async function start() {
    ctx = await buildTestApp({ env: { HEADERS_TIMEOUT_MS: '300', REQUEST_TIMEOUT_MS: '800' } });
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    port = (ctx.app.server.address() as AddressInfo).port;
  }

  test('headers that never finish: 408 REQUEST_TIMEOUT, then the connection closes', async () => {
    await start();
    const c = await rawConnect(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\n');
    const started = Date.now();
    assert.ok(await waitFor(closed(c), 3000), 'closed');
    assertProblem(parseRaw(c.received), 408, 'REQUEST_TIMEOUT');
    assert.ok(c.closedAt! - started >= 250, `not before the headers timeout (${c.closedAt! - started} ms)`);
  });

  test('a body that never finishes: 408 REQUEST_TIMEOUT, on the public endpoint and on a bearer route', async () => {
    const pub = await rawConnect(port, unfinishedPost('/public/guests/access'));
    const bearer = await rawConnect(
      port,
      unfinishedPost(`/api/organizations/${ctx.orgId}/guests`, { Authorization: `Bearer ${ctx.tokens.admin}` }),
    );
    for (const c of [pub, bearer]) {
      assert.ok(await waitFor(closed(c), 3000), 'closed');
      assertProblem(parseRaw(c.received), 408, 'REQUEST_TIMEOUT');
    }
    const list = await fetch(`http://127.0.0.1:${port}/api/organizations/${ctx.orgId}/guests`, {
      headers: { Authorization: `Bearer ${ctx.tokens.admin}` },
    });
    assert.equal(list.status, 200);
    assert.deepEqual(((await list.json()) as { data: unknown[] }).data, [], 'nothing was written');
  });

  test('malformed HTTP: 400 BAD_REQUEST; oversized headers: 431 REQUEST_HEADERS_TOO_LARGE', async () => {
    const garbage = await rawConnect(port, 'NOT HTTP AT ALL\r\n\r\n');
    assert.ok(await waitFor(closed(garbage), 3000));
    assertProblem(parseRaw(garbage.received), 400, 'BAD_REQUEST');
    const huge = await rawConnect(port, `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.ok(await waitFor(closed(huge), 3000));
    assertProblem(parseRaw(huge.received), 431, 'REQUEST_HEADERS_TOO_LARGE');
  });

  test('a request sent whole is not affected', async () => {
    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    assert.equal(live.status, 200);
  });
});
