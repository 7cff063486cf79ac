import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { freshQueuePerConnection, latencyShare, loadProblem, runLoad, type LoadResult } from '../../bench/lib/load.js';

/** Answers after about 1 ms, and closes each connection after its 20th answer, as the service does after its MAX_REQUESTS_PER_SOCKET-th. */
const ANSWERS_PER_CONNECTION = 20;
let server: http.Server;
let url: string;
let connectionsOpened = 0;

before(async () => {
  const answered = new WeakMap<object, number>();
  server = http.createServer((request, response) => {
    const n = (answered.get(request.socket) ?? 0) + 1;
    answered.set(request.socket, n);
    setTimeout(() => {
      if (n >= ANSWERS_PER_CONNECTION) response.setHeader('connection', 'close');
      response.setHeader('content-type', 'application/json');
      response.end('{"ok":true}');
    }, 1);
  });
  server.on('connection', () => (connectionsOpened += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('latencies stay right when the server closes connections as it goes', async () => {
  const result = await runLoad(url, {
    method: 'GET',
    connections: 4,
    durationSec: 2,
    headers: {},
    next: () => ({ path: '/' }),
  });
  // The server closed connections many times over during the run...
  assert.ok(connectionsOpened > 4 * 10, `only ${connectionsOpened} connections were opened`);
  assert.equal(loadProblem(result), undefined);
  // ...and each answer was timed from its own request: the latencies fit in the time the four
  // connections had. Timed from a request the closed connection never answered, each answer
  // would carry one more round trip per reconnection, far above 1.
  assert.ok(latencyShare(result) <= 1.1, `latency share ${latencyShare(result)}`);
  assert.ok(result.meanMs < 20, `mean ${result.meanMs} ms for a 1 ms answer`);
});

function result(overrides: Partial<LoadResult>): LoadResult {
  return {
    requests: 10_000,
    durationSec: 10,
    rps: 1000,
    connections: 10,
    meanMs: 9,
    latencyCount: 10_000,
    p50Ms: 9,
    p90Ms: 12,
    p99Ms: 20,
    maxMs: 30,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    statusCodes: { 200: 10_000 },
    ...overrides,
  };
}

test('latencies that add up to more time than the connections had make the result untrusted', () => {
  // 10 connections for 10 s: 100 s of time in all. 10,000 answers of 9 ms take 90 s of it.
  assert.equal(latencyShare(result({})), 0.9);
  assert.equal(loadProblem(result({})), undefined);
  // Of 12 ms, 120 s: more than the connections had.
  assert.match(loadProblem(result({ meanMs: 12 })) ?? '', /1\.20 x the time the 10 connections had/);
  assert.equal(latencyShare(result({ durationSec: 0 })), 0);
});

test('a client without the parts the fresh queue relies on stops the load instead of measuring wrong', () => {
  const client = { pipelinedRequests: { clear() {} } } as unknown as Parameters<typeof freshQueuePerConnection>[0];
  assert.throws(() => freshQueuePerConnection(client), /autocannon's client changed/);
  const noQueue = { _connect() {} } as unknown as Parameters<typeof freshQueuePerConnection>[0];
  assert.throws(() => freshQueuePerConnection(noQueue), /autocannon's client changed/);
});
