// Graceful shutdown of the real server process (`node bin/guests.js serve`, SQLite): a request in
// flight when SIGTERM arrives still gets its normal answer, new connections are turned away, and
// the process exits 0 within the grace period. SIGINT (Ctrl-C) stops it the same way. An upload
// that never finishes is cut at the end of the grace period (SHUTDOWN_GRACE_MS) and the process
// still exits 0; a request arriving while it closes gets 503 with Retry-After in the error body.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { seedOrganization } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { delay, killAll, serveUntilListening, type GuestsProcess } from '../../support/process.js';
import { parseRaw, rawConnect, unfinishedPost, waitFor } from './raw-http.js';

/** The server's own grace period is 10 s; a clean stop must come well within it. */
const EXIT_WITHIN_MS = 10_000;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  at: number;
}

/** What a new request gets: an answer, or the connection refused / closed (with the error code). */
async function probe(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health/live', agent: false, timeout: 3_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(`answered ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('probe timed out')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(`failed ${error.code ?? error.message}`));
  });
}

describe('graceful shutdown of `guests serve`', () => {
  let dir: string;
  let env: Record<string, string>;
  let orgId: string;
  let token: string;
  const timeline: string[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-shutdown-'));
    env = { DATA_DIR: path.join(dir, 'data'), EMAIL_DNS_CHECK: 'off', SEED_DEMO: 'false', LOG_LEVEL: 'info' };
    ({ orgId, token } = await seedOrganization(
      { kind: 'sqlite', file: path.join(dir, 'data', 'guests.sqlite') },
      'Shutdown Org',
      'shutdown-admin@example.org',
    ));
  });

  after(async () => {
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
    if (timeline.length > 0) console.log(`observed:\n  ${timeline.join('\n  ')}`);
  });

  interface SlowRequestRun {
    server: GuestsProcess;
    /** What a new connection got while the server was closing. */
    during: string;
    answered: Answer | undefined;
    requestError: Error | undefined;
    signalledAt: number;
  }

  /**
   * Starts a server and sends a guest create whose body comes in two parts: half, a pause, SIGTERM
   * to the server, a new connection attempt, then the rest. Returns once the request is answered
   * (or has failed, or `EXIT_WITHIN_MS` passed).
   */
  async function sigtermDuringSlowRequest(agent: http.Agent | false, email: string): Promise<SlowRequestRun> {
    const { process: server, port } = await serveUntilListening(env);
    const body = JSON.stringify({ email, first_name: 'Slow', last_name: 'Request' });
    const half = Math.floor(body.length / 2);
    let answered: Answer | undefined;
    let requestError: Error | undefined;
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: `/api/organizations/${orgId}/guests`,
      agent,
      headers: {
        Authorization: `Bearer ${token}`,
        'X-Tallyfy-Client': 'APIClient',
        Accept: 'application/json',
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
      },
    });
    const response = new Promise<void>((resolve) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          answered = { status: res.statusCode ?? 0, headers: res.headers, text, at: Date.now() };
          resolve();
        });
        res.on('error', (error) => resolve(void (requestError = error)));
      });
      req.on('error', (error) => resolve(void (requestError = error)));
    });

    req.write(body.slice(0, half));
    await delay(500);
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    // Let the signal land: the server is now closing while the request waits for the rest of its body.
    await delay(500);
    assert.ok(server.running, `the server waits for the request in flight\n${server.describe()}`);
    const during = await probe(port);
    req.end(body.slice(half));
    await Promise.race([response, delay(EXIT_WITHIN_MS)]);
    return { server, during, answered, requestError, signalledAt };
  }

  /** The request in flight got its 201 and the server exited 0 within `withinMs` of the signal. */
  async function assertCleanStop(run: SlowRequestRun, label: string, email: string, withinMs: number): Promise<void> {
    const { server, answered, signalledAt } = run;
    timeline.push(`${label}: a new connection ~500 ms after SIGTERM: ${run.during}`);
    assert.match(
      run.during,
      /^failed ECONNREFUSED$|^failed ECONNRESET$|^answered 503$/,
      `a new request after SIGTERM is refused or answered 503 (${run.during})`,
    );
    assert.ok(
      answered,
      `the request in flight was answered within ${EXIT_WITHIN_MS} ms, not ${String(run.requestError)}\n${server.describe()}`,
    );
    timeline.push(
      `${label}: the request in flight answered ${answered.status} ${answered.at - signalledAt} ms after SIGTERM (Connection: ${answered.headers.connection})`,
    );
    assert.equal(answered.status, 201, answered.text);
    assert.equal((JSON.parse(answered.text) as { data: { email: string } }).data.email, email);

    // Wait past the server's own 10 s grace period, so that a timed-out stop shows as exit 1, not as a SIGKILL here.
    const exit = await server.waitForExit(EXIT_WITHIN_MS + 3_000);
    const took = (server.exitedAt ?? Date.now()) - signalledAt;
    timeline.push(`${label}: exit ${JSON.stringify(exit)} ${took} ms after SIGTERM`);
    assert.deepEqual(exit, { code: 0, signal: null }, `exit after SIGTERM (${took} ms)\n${server.describe()}`);
    assert.ok(took < withinMs, `exited ${took} ms after SIGTERM (limit ${withinMs} ms)`);
    assert.doesNotMatch(server.stderr, /longer than|shutdown failed/, server.describe());
  }

  test(
    'SIGTERM during a slow request: the request completes (201), new connections are refused, exit 0',
    { timeout: 40_000 },
    async () => {
      // `agent: false`: one connection per request, closed after the answer (as curl does).
      const run = await sigtermDuringSlowRequest(false, 'slow.request@example.org');
      await assertCleanStop(run, 'SIGTERM (Connection: close client)', 'slow.request@example.org', EXIT_WITHIN_MS);

      // The guest created by the request in flight was kept.
      const { process: again, port } = await serveUntilListening(env);
      const list = await fetch(`http://127.0.0.1:${port}/api/organizations/${orgId}/guests`, {
        headers: { Authorization: `Bearer ${token}`, 'X-Tallyfy-Client': 'APIClient', Accept: 'application/json' },
        signal: AbortSignal.timeout(5_000),
      });
      assert.equal(list.status, 200);
      const emails = ((await list.json()) as { data: Array<{ email: string }> }).data.map((g) => g.email);
      assert.ok(emails.includes('slow.request@example.org'), emails.join(', '));
      assert.deepEqual(await again.stop(EXIT_WITHIN_MS), { code: 0, signal: null }, again.describe());
      assert.match(await probe(port), /^failed ECONNREFUSED$/, 'nothing listens after the exit');
    },
  );

  test(
    'SIGTERM during a slow request from a keep-alive client: the server closes the connection after the answer and exits 0 promptly',
    {
      timeout: 40_000,
    },
    async () => {
      // A keep-alive client, like a load balancer's connection pool or Node's own default agent.
      const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000, timeout: 60_000 });
      try {
        const run = await sigtermDuringSlowRequest(agent, 'keep.alive@example.org');
        await assertCleanStop(run, 'SIGTERM (keep-alive client)', 'keep.alive@example.org', 5_000);
      } finally {
        agent.destroy();
      }
    },
  );

  test(
    'SIGTERM with an upload that never finishes: cut at the end of the grace period (503), exit 0 just after it; a request arriving meanwhile gets 503 + Retry-After',
    {
      timeout: 40_000,
    },
    async () => {
      const graceMs = 2500;
      const { process: server, port } = await serveUntilListening({ ...env, SHUTDOWN_GRACE_MS: String(graceMs) });
      const stuck = await rawConnect(
        port,
        unfinishedPost(`/api/organizations/${orgId}/guests`, { Authorization: `Bearer ${token}` }),
      );
      // A request whose headers are on their way when the signal comes.
      const late = await rawConnect(port, 'POST /public/guests/access HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      await delay(300);
      const signalledAt = Date.now();
      server.child.kill('SIGTERM');
      await delay(300);
      const body = JSON.stringify({ email: 'late@example.org' });
      late.socket.write(`Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      assert.ok(
        await waitFor(() => late.closedAt !== undefined, 3000),
        `the late request was answered and closed\n${server.describe()}`,
      );
      const answer = parseRaw(late.received);
      const problem = assertProblem(answer, 503, 'SERVICE_UNAVAILABLE', 'a request arriving while closing');
      assert.match(problem.message, /shutting down/);
      assert.equal(answer.headers['retry-after'], '1');
      assert.equal(answer.headers.connection, 'close');
      timeline.push(
        `stuck upload: a request arriving ${Date.now() - signalledAt} ms after SIGTERM: ${answer.statusCode} ${problem.code}, Retry-After ${answer.headers['retry-after']}`,
      );

      const exit = await server.waitForExit(graceMs + 8_000);
      const took = (server.exitedAt ?? Date.now()) - signalledAt;
      timeline.push(
        `stuck upload: exit ${JSON.stringify(exit)} ${took} ms after SIGTERM (grace ${graceMs} ms); the upload got ${parseRaw(stuck.received).statusCode}`,
      );
      assert.deepEqual(exit, { code: 0, signal: null }, server.describe());
      assert.ok(
        took >= graceMs - 100 && took < graceMs + 1500,
        `exited ${took} ms after SIGTERM (grace ${graceMs} ms)`,
      );
      assert.ok(stuck.closedAt !== undefined, 'the stuck upload was cut');
      assert.match(
        assertProblem(parseRaw(stuck.received), 503, 'SERVICE_UNAVAILABLE', 'the stuck upload').message,
        /shutting down/,
      );
      assert.match(server.stdout, /connections still open after the grace period were closed/);
      assert.doesNotMatch(server.stderr, /longer than|shutdown failed/, server.describe());
    },
  );

  test('SIGINT stops an idle server with exit code 0', { timeout: 40_000 }, async () => {
    const { process: server, port } = await serveUntilListening(env);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(5_000) });
    assert.equal(ready.status, 200);
    const signalledAt = Date.now();
    server.child.kill('SIGINT');
    const exit = await server.waitForExit(EXIT_WITHIN_MS);
    const took = (server.exitedAt ?? Date.now()) - signalledAt;
    timeline.push(`SIGINT: exit ${JSON.stringify(exit)} ${took} ms after the signal`);
    assert.deepEqual(exit, { code: 0, signal: null }, server.describe());
    assert.ok(took < EXIT_WITHIN_MS, `exited ${took} ms after SIGINT`);
    assert.match(await probe(port), /^failed ECONNREFUSED$/, 'nothing listens after the exit');
  });
});
