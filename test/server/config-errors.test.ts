// `guests serve` with a bad setting: the process stops before touching any data, exits non-zero
// and names the variable on stderr. A port already in use also ends the process (no hang).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'guests.js');
/** Every variable loadConfig reads: none may leak in from the environment running the tests. */
const CONFIG_VARS = [
  'HOST', 'PORT', 'DATA_DIR', 'DATABASE_URL', 'DATABASE_POOL_SIZE', 'PUBLIC_BASE_URL', 'REQUIRE_CLIENT_HEADER',
  'BODY_LIMIT_BYTES', 'LOG_LEVEL', 'GUEST_INVITE_LIMIT_PER_HOUR', 'SEED_DEMO', 'EMAIL_DNS_CHECK', 'DNS_SERVERS',
  'DNS_TIMEOUT_MS', 'DNS_CACHE_TTL_SECONDS', 'DNS_CANARY_DOMAIN', 'DNS_CANARY_INTERVAL_SECONDS',
];
const RUN_TIMEOUT_MS = 20_000;

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...CONFIG_VARS, 'NODE_TEST_CONTEXT']) delete env[name];
  return { ...env, ...extra };
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
      // 'close': the process has exited and its output has been read to the end.
      this.child.once('close', (code, signal) => {
        this.exit ??= { code, signal };
        resolve(this.exit);
      });
    }).finally(() => processes.delete(this)) as Promise<Exit>;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  describe(): string {
    return `guests ${this.args.join(' ')}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`;
  }

  /** Waits until `predicate(stdout)` holds; fails if the process exits first or time runs out. */
  async waitForStdout(predicate: (stdout: string) => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.stdout)) {
      if (!this.running) throw new Error(`process exited (${JSON.stringify(this.exit)}) before ${what}\n${this.describe()}`);
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

describe('guests serve refuses a bad configuration', { concurrency: true }, () => {
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-config-errors-'));
  });

  after(async () => {
    for (const proc of [...processes]) proc.child.kill('SIGKILL');
    await Promise.all([...processes].map((proc) => proc.exited));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function serveWith(name: string, env: Record<string, string>, args: string[] = []) {
    const dataDir = path.join(dir, name);
    const proc = new GuestsProcess(['serve', ...args], cleanEnv({ DATA_DIR: dataDir, EMAIL_DNS_CHECK: 'off', ...env }));
    const exit = await proc.waitForExit(RUN_TIMEOUT_MS);
    return { exit, proc, dataDir };
  }

  const cases: Array<{ name: string; env: Record<string, string>; args?: string[]; variable: string }> = [
    { name: 'PORT=abc', env: { PORT: 'abc' }, variable: 'PORT' },
    { name: 'DATABASE_URL=mysql://x', env: { DATABASE_URL: 'mysql://x' }, variable: 'DATABASE_URL' },
    { name: '--port 70000', env: {}, args: ['--port', '70000'], variable: 'PORT' },
    // Port 0 made c-ares abort the whole process (after the demo token had been printed).
    { name: 'DNS_SERVERS=127.0.0.1:0', env: { EMAIL_DNS_CHECK: 'on', DNS_SERVERS: '127.0.0.1:0' }, variable: 'DNS_SERVERS' },
  ];
  for (const { name, env, args, variable } of cases) {
    test(`${name}: exit 1, stderr names ${variable}, nothing created`, { timeout: 30_000 }, async () => {
      const { exit, proc, dataDir } = await serveWith(name.replace(/\W+/g, '_'), env, args);
      assert.deepEqual(exit, { code: 1, signal: null }, proc.describe());
      assert.match(proc.stderr, new RegExp(`^guests: Invalid configuration: ${variable} `), proc.describe());
      assert.equal(proc.stderr.trim().split('\n').length, 1, `one line, no stack trace\n${proc.describe()}`);
      assert.equal(proc.stdout, '', 'no demo data, no token printed');
      assert.equal(fs.existsSync(dataDir), false, 'no database was created');
    });
  }

  test('--json: the configuration error is one JSON object on stderr', { timeout: 30_000 }, async () => {
    const { exit, proc } = await serveWith('json', { LOG_LEVEL: 'loud' }, ['--json']);
    assert.equal(exit.code, 1, proc.describe());
    const body = JSON.parse(proc.stderr.trim()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'CONFIG_INVALID');
    assert.match(body.error.message, /LOG_LEVEL/);
    assert.equal(proc.stdout, '');
  });

  test('a port already in use: exit 1 naming the address, no hang', { timeout: 30_000 }, async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve, reject) => {
      blocker.once('error', reject);
      blocker.listen(0, '127.0.0.1', () => resolve());
    });
    try {
      const { port } = blocker.address() as AddressInfo;
      const { exit, proc } = await serveWith('in-use', {}, ['--port', String(port)]);
      assert.equal(exit.code, 1, proc.describe());
      assert.match(proc.stderr, new RegExp(`EADDRINUSE.*127\\.0\\.0\\.1:${port}`), proc.describe());
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
