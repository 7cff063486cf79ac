/**
 * The client's automatic retry (README, TypeScript client), against a small local HTTP server that
 * answers from a script: 429 and 503 are retried after the `Retry-After` they name, within the
 * attempts and the total wait allowed; a wait past the budget fails at once with the ApiError; a
 * POST is retried only with an `Idempotency-Key`.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, createClient } from '../../packages/client/src/index.js';

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const ORG = 'a'.repeat(32);
const GUEST = {
  data: { id: 7, email: 'ada@partner.test', first_name: 'Ada', last_name: null, link: null },
};

function problem(status: number, code: string) {
  return { type: 'about:blank', title: code, status, code, message: `${code} now`, detail: `${code} now` };
}

describe('client retry of 429 and 503', () => {
  let server: http.Server;
  let baseUrl: string;
  let script: Scripted[] = [];
  let seen: Array<{ method: string; url: string; at: number; headers: http.IncomingHttpHeaders }> = [];

  before(async () => {
    server = http.createServer((request, response) => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', at: Date.now(), headers: request.headers });
      request.resume();
      const next = script.shift() ?? { status: 500, body: problem(500, 'INTERNAL') };
      const type = next.status >= 400 ? 'application/problem+json' : 'application/json';
      response.writeHead(next.status, { 'content-type': type, ...next.headers });
      response.end(JSON.stringify(next.body ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    script = [];
    seen = [];
  });

  const get = (retry = { maxAttempts: 3, maxWaitMs: 5_000 }) =>
    createClient({ baseUrl, token: 'secret', retry }).getGuest({
      params: { org_id: ORG, guest_email: 'ada@partner.test' },
    });

  it('retries a 429 once after its Retry-After of 1 s, then answers the 200', async () => {
    script = [
      { status: 429, headers: { 'retry-after': '1' }, body: problem(429, 'RATE_LIMIT_EXCEEDED') },
      { status: 200, body: GUEST },
    ];
    const started = Date.now();
    const answer = await get();
    assert.equal(answer.status, 200);
    assert.equal(answer.data.data.email, 'ada@partner.test');
    assert.equal(seen.length, 2, 'one retry');
    const [first, second] = seen;
    assert.ok(second!.at - first!.at >= 1_000, `waited ${second!.at - first!.at} ms`);
    assert.ok(Date.now() - started < 4_000);
    assert.equal(second!.url, `/api/organizations/${ORG}/guests/ada%40partner.test`);
    assert.equal(second!.headers.authorization, 'Bearer secret');
  });

  it('reads Retry-After as an HTTP date too', async () => {
    // Two seconds ahead, at a whole second (HTTP dates have no fractions): a wait of 1 to 2 s.
    const date = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2_000).toUTCString();
    script = [
      { status: 503, headers: { 'retry-after': date }, body: problem(503, 'SERVICE_UNAVAILABLE') },
      { status: 200, body: GUEST },
    ];
    const answer = await get();
    assert.equal(answer.status, 200);
    assert.equal(seen.length, 2);
    assert.ok(seen[1]!.at - seen[0]!.at >= 900, `waited ${seen[1]!.at - seen[0]!.at} ms`);
  });

  for (const [status, code] of [
    [429, 'RATE_LIMIT_EXCEEDED'],
    [503, 'SERVICE_UNAVAILABLE'],
  ] as const) {
    it(`fails a ${status} whose Retry-After is past the budget at once, with the ApiError`, async () => {
      script = [{ status, headers: { 'retry-after': '30' }, body: problem(status, code) }];
      const started = Date.now();
      const error = await get({ maxAttempts: 5, maxWaitMs: 10_000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof ApiError, String(error));
      assert.equal(error.status, status);
      assert.equal(error.code, code);
      assert.equal(error.headers.get('retry-after'), '30');
      assert.equal(seen.length, 1, 'no retry');
      assert.ok(Date.now() - started < 1_000, `answered after ${Date.now() - started} ms`);
    });
  }

  it('stops after maxAttempts and counts the waits already made against the budget', async () => {
    const busy = { status: 503, headers: { 'retry-after': '0' }, body: problem(503, 'SERVICE_UNAVAILABLE') };
    script = [busy, busy, busy, { status: 200, body: GUEST }];
    const error = await get({ maxAttempts: 3, maxWaitMs: 5_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 503);
    assert.equal(seen.length, 3, 'three attempts in all');

    // 600 ms each: the second wait would make 1 200 ms, past a budget of 1 000.
    const slow = { ...busy, headers: { 'retry-after': '' } };
    script = [slow, slow, { status: 200, body: GUEST }];
    seen = [];
    const client = createClient({ baseUrl, retry: { maxAttempts: 5, maxWaitMs: 1_000, defaultDelayMs: 600 } });
    const late = await client.getGuest({ params: { org_id: ORG, guest_email: 'ada@partner.test' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(late instanceof ApiError);
    assert.equal(seen.length, 2, 'one wait fits the budget, the second does not');
  });

  it('retries a POST only when it carries an Idempotency-Key', async () => {
    const client = createClient({ baseUrl, token: 'secret', retry: { maxAttempts: 3, maxWaitMs: 5_000 } });
    const limited = { status: 429, headers: { 'retry-after': '0' }, body: problem(429, 'RATE_LIMIT_EXCEEDED') };
    script = [limited, { status: 201, body: GUEST }];
    const error = await client.createGuest({ params: { org_id: ORG }, body: { email: 'ada@partner.test' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 429);
    assert.equal(seen.length, 1, 'a POST without a key is not sent twice');

    script = [limited, { status: 201, body: GUEST }];
    seen = [];
    const answer = await client.createGuest({
      params: { org_id: ORG },
      body: { email: 'ada@partner.test' },
      headers: { 'Idempotency-Key': 'create-ada-1' },
    });
    assert.equal(answer.status, 201);
    assert.equal(seen.length, 2);
    assert.equal(seen[1]!.headers['idempotency-key'], 'create-ada-1');
    assert.equal(seen[1]!.headers['content-type'], 'application/json');
  });

  it('never retries other errors, and makes a problem body of an answer that has none', async () => {
    script = [{ status: 502, headers: { 'content-type': 'text/html' }, body: '<h1>Bad gateway</h1>' }];
    const error = await get().then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 502);
    assert.equal(error.code, 'INTERNAL');
    assert.match(error.message, /getGuest answered 502/);
    assert.equal(seen.length, 1);
  });
});
