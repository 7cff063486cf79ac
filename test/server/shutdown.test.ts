// Graceful shutdown of the real server process (`node bin/guests.js serve`, SQLite): a request in
// flight when SIGTERM arrives still gets its normal answer, new connections are turned away, and
// the process exits 0 within the grace period. SIGINT (Ctrl-C) stops it the same way.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createAdminService } from '../../src/organizations/admin.service.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'guests.js');
/** The server's own grace period is 10 s; a clean stop must come well within it. */
const EXIT_WITHIN_MS = 10_000;

/** Only what node needs: no configuration variable leaks in from the environment running the tests. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SystemRoot']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return { ...env, ...extra };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const processes = new Set<GuestsProcess>();

class GuestsProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  exit: Exit | undefined;
  exitedAt: number | undefined;
  readonly exited: Promise<Exit>;

  constructor(readonly args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    processes.add(this);
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.stderr += String(error);
        this.exit ??= { code: null, signal: null };
        resolve(this.exit);
      });
      this.child.once('exit', () => (this.exitedAt ??= Date.now()));
      this.child.once('close', (code, signal) => {
        this.exitedAt ??= Date.now();
        this.exit ??= { code, signal };
        resolve(this.exit);
      });
    }).finally(() => processes.delete(this)) as Promise<Exit>;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  describe(): string {
    return `guests ${this.args.join(' ')} (exit ${JSON.stringify(this.exit)})\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`;
  }

  async waitForStdout(predicate: (stdout: string) => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.stdout)) {
      if (!this.running) throw new Error(`process exited before ${what}\n${this.describe()}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.describe()}`);
      await delay(25);
    }
  }

  /** Waits for the exit, killing the process (SIGKILL) and failing when it takes longer than `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
      throw new Error(`process did not exit within ${timeoutMs} ms\n${this.describe()}`);
    }
    return result;
  }
}

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

  async function start(): Promise<{ server: GuestsProcess; port: number }> {
    const port = await freePort();
    const server = new GuestsProcess(['serve', '--port', String(port)], cleanEnv(env));
    await server.waitForStdout((out) => out.includes('guest service listening'), 25_000, 'the server to listen');
    return { server, port };
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-shutdown-'));
    env = { DATA_DIR: path.join(dir, 'data'), EMAIL_DNS_CHECK: 'off', SEED_DEMO: 'false', LOG_LEVEL: 'info' };
    const db = openDatabase({ kind: 'sqlite', file: path.join(dir, 'data', 'guests.sqlite') });
    try {
      await migrateToLatest(db);
      const admin = createAdminService(db.kysely);
      const org = await admin.createOrganization({ name: 'Shutdown Org' });
      const member = await admin.addMember({ organizationId: org.id, email: 'shutdown-admin@example.org', role: 'admin' });
      orgId = org.id;
      token = (await admin.createToken({ email: member.email, name: 'shutdown test' })).token;
    } finally {
      await db.close();
    }
  });

  after(async () => {
    for (const proc of [...processes]) proc.child.kill('SIGKILL');
    await Promise.all([...processes].map((proc) => proc.exited));
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
    const { server, port } = await start();
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
    assert.match(run.during, /^failed ECONNREFUSED$|^failed ECONNRESET$|^answered 503$/, `a new request after SIGTERM is refused or answered 503 (${run.during})`);
    assert.ok(answered, `the request in flight was answered within ${EXIT_WITHIN_MS} ms, not ${String(run.requestError)}\n${server.describe()}`);
    timeline.push(`${label}: the request in flight answered ${answered.status} ${answered.at - signalledAt} ms after SIGTERM (Connection: ${answered.headers.connection})`);
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

  test('SIGTERM during a slow request: the request completes (201), new connections are refused, exit 0', { timeout: 40_000 }, async () => {
    // `agent: false`: one connection per request, closed after the answer (as curl does).
    const run = await sigtermDuringSlowRequest(false, 'slow.request@example.org');
    await assertCleanStop(run, 'SIGTERM (Connection: close client)', 'slow.request@example.org', EXIT_WITHIN_MS);

    // The guest created by the request in flight was kept.
    const { server: again, port } = await start();
    const list = await fetch(`http://127.0.0.1:${port}/api/organizations/${orgId}/guests`, {
      headers: { Authorization: `Bearer ${token}`, 'X-Tallyfy-Client': 'APIClient', Accept: 'application/json' },
      signal: AbortSignal.timeout(5_000),
    });
    assert.equal(list.status, 200);
    const emails = ((await list.json()) as { data: Array<{ email: string }> }).data.map((g) => g.email);
    assert.ok(emails.includes('slow.request@example.org'), emails.join(', '));
    again.child.kill('SIGTERM');
    assert.deepEqual(await again.waitForExit(EXIT_WITHIN_MS), { code: 0, signal: null }, again.describe());
    assert.match(await probe(port), /^failed ECONNREFUSED$/, 'nothing listens after the exit');
  });

  test('SIGTERM during a slow request from a keep-alive client: the server closes the connection after the answer and exits 0 promptly', {
    timeout: 40_000,
  }, async () => {
    // A keep-alive client, like a load balancer's connection pool or Node's own default agent.
    const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000, timeout: 60_000 });
    try {
      const run = await sigtermDuringSlowRequest(agent, 'keep.alive@example.org');
      await assertCleanStop(run, 'SIGTERM (keep-alive client)', 'keep.alive@example.org', 5_000);
    } finally {
      agent.destroy();
    }
  });

  test('SIGINT stops an idle server with exit code 0', { timeout: 40_000 }, async () => {
    const { server, port } = await start();
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
