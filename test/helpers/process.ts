/**
 * Real `guests` processes for the tests that only a process can show (first run, signals, two
 * instances, a database going away). Every wait is bounded; `killAll` ends what a test left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'guests.js');

/** Every variable the service reads: none may leak in from the environment running the tests. */
export const CONFIG_VARS = [
  'HOST', 'PORT', 'DATA_DIR', 'DATABASE_URL', 'DATABASE_POOL_SIZE', 'PUBLIC_BASE_URL', 'REQUIRE_CLIENT_HEADER',
  'BODY_LIMIT_BYTES', 'LOG_LEVEL', 'GUEST_INVITE_LIMIT_PER_HOUR', 'SEED_DEMO', 'EMAIL_DNS_CHECK', 'DNS_SERVERS',
  'DNS_TIMEOUT_MS', 'DNS_CACHE_TTL_SECONDS', 'DNS_CANARY_DOMAIN', 'DNS_CANARY_INTERVAL_SECONDS', 'RATE_LIMIT_MAX',
  'RATE_LIMIT_WINDOW_SECONDS', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'TRUST_PROXY',
];

export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...CONFIG_VARS, 'NODE_TEST_CONTEXT']) delete env[name];
  return { ...env, ...extra };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = new Set<GuestsProcess>();

export class GuestsProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  exit: Exit | undefined;
  readonly exited: Promise<Exit>;

  constructor(readonly args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this);
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise<Exit>((resolve) => {
      this.child.once('error', (error) => {
        this.stderr += String(error);
        this.exit ??= { code: null, signal: null };
        resolve(this.exit);
      });
      this.child.once('close', (code, signal) => {
        this.exit ??= { code, signal };
        resolve(this.exit);
      });
    }).finally(() => running.delete(this));
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  describe(): string {
    return `guests ${this.args.join(' ')}\n--- stdout ---\n${this.stdout.slice(-4000)}\n--- stderr ---\n${this.stderr.slice(-4000)}`;
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

  /** SIGTERM, then the exit (bounded). */
  async stop(timeoutMs = 10_000): Promise<Exit> {
    if (this.running) this.child.kill('SIGTERM');
    return this.waitForExit(timeoutMs);
  }
}

/** Starts `guests serve` on a free port and waits until `/health/live` answers. */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<{ process: GuestsProcess; url: string }> {
  const port = await freePort();
  const server = new GuestsProcess(['serve', '--port', String(port)], cleanEnv({ LOG_LEVEL: 'info', ...env }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!server.running) throw new Error(`server exited (${JSON.stringify(server.exit)}) before listening\n${server.describe()}`);
    if (Date.now() > deadline) {
      await server.stop().catch(() => undefined);
      throw new Error(`server did not answer within ${timeoutMs} ms\n${server.describe()}`);
    }
    const live = await fetch(`${url}/health/live`).then((r) => r.ok, () => false);
    if (live) return { process: server, url };
    await delay(100);
  }
}

/** Ends every process a test left running. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map(async (p) => {
    p.child.kill('SIGKILL');
    await p.exited;
  }));
}
