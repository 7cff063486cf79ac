// A stalled event loop, in process: requests that queued up while the loop was blocked are
// answered 503 with Retry-After at once, /health/live still answers 200, and once the loop
// turns on time again requests are served as usual.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { parseRaw, rawConnect, waitFor, type RawConnection } from './raw-http.js';

/** Blocks the event loop for `ms` milliseconds. */
function blockLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // spin
  }
}

const get = (url: string, headers = '') => `GET ${url} HTTP/1.1\r\nHost: x\r\n${headers}\r\n`;

describe('event-loop stalls', () => {
  let ctx: TestContext;
  let port: number;

  before(async () => {
    ctx = await buildTestApp({ env: { EVENT_LOOP_STALL_MS: '300' } });
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    port = (ctx.app.server.address() as AddressInfo).port;
  });

  after(async () => {
    await ctx?.close();
  });

  test('requests that arrived during a stall get 503 + Retry-After at once; /health/live answers; then service resumes', async () => {
    const auth = `Authorization: Bearer ${ctx.tokens.admin}\r\n`;
    const connections: RawConnection[] = [];
    for (let i = 0; i < 6; i += 1) connections.push(await rawConnect(port));
    // Let the monitor see a few beats on time first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The requests reach the server's socket buffers at once; the server reads them only after the stall.
    connections.forEach((c, i) =>
      c.socket.write(i === 0 ? get('/health/live') : get(`/api/organizations/${ctx.orgId}/guests`, auth)),
    );
    blockLoop(800);
    const startedAfterStall = Date.now();
    assert.ok(
      await waitFor(() => connections.every((c) => c.received.includes('\r\n\r\n') && c.received.endsWith('}')), 5000),
      'every request was answered',
    );
    const elapsed = Date.now() - startedAfterStall;

    const [health, ...api] = connections.map((c) => parseRaw(c.received));
    assert.equal(health?.statusCode, 200, health?.body);
    for (const answer of api) {
      const problem = assertProblem(answer, 503, 'SERVICE_UNAVAILABLE');
      assert.match(problem.message, /overloaded/);
      assert.equal(answer.headers['retry-after'], '1');
    }
    assert.ok(elapsed < 2000, `answered ${elapsed} ms after the stall`);
    assert.ok(
      ctx.logs.some(
        (line) =>
          line.msg === 'event loop stalled: new requests are answered 503 until it catches up' &&
          Number(line.delayMs) >= 300,
      ),
      'the stall is logged with its length',
    );

    // The loop turns on time again and the shedding after the stall (at most EVENT_LOOP_STALL_MS) is over: the same request is served.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const list = await fetch(`http://127.0.0.1:${port}/api/organizations/${ctx.orgId}/guests`, {
      headers: { Authorization: `Bearer ${ctx.tokens.admin}` },
    });
    assert.equal(list.status, 200, await list.text());
    for (const c of connections) c.socket.destroy();
  });

  test('a loop busy but under the threshold sheds nothing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const pending = fetch(`http://127.0.0.1:${port}/api/organizations/${ctx.orgId}/guests`, {
        headers: { Authorization: `Bearer ${ctx.tokens.admin}` },
      });
      blockLoop(100);
      statuses.push((await pending).status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
  });
});
