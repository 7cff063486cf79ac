/**
 * Real `guests` processes for the tests that only a process can show (the CLI, first run, a bad
 * configuration, signals, two instances, a database going away). Every wait is bounded; `killAll`
 * ends what a test left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: the working directory of every process started here. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The `guests` command (`node bin/guests.js`). */
export const BIN = path.join(ROOT, 'bin', 'guests.js');

/**
 * The guest code key of test apps and processes: on PostgreSQL one is required, and every app and
 * instance of a test sharing a database must use the same one.
 */
export const TEST_GUEST_CODE_KEY = '7e57c0de'.repeat(8);

/** Every variable src/config.ts reads (test/server/config-errors.test.ts checks this against the source). */
export const CONFIG_VARS = [
  'HOST',
  'PORT',
  'DATA_DIR',
  'DATABASE_URL',
  'DATABASE_POOL_SIZE',
  'DATABASE_NAMED_STATEMENTS',
  'PUBLIC_BASE_URL',
  'REQUIRE_CLIENT_HEADER',
  'BODY_LIMIT_BYTES',
  'LOG_LEVEL',
  'GUEST_INVITE_LIMIT_PER_HOUR',
  'SEED_DEMO',
  'EMAIL_DNS_CHECK',
  'DNS_SERVERS',
  'DNS_TIMEOUT_MS',
  'DNS_CACHE_TTL_SECONDS',
  'DNS_CANARY_DOMAIN',
  'DNS_CANARY_INTERVAL_SECONDS',
  'RATE_LIMIT_MAX',
  'RATE_LIMIT_WINDOW_SECONDS',
  'REDIS_URL',
  'REDIS_KEY_PREFIX',
  'TRUST_PROXY',
  'SMTP_URL',
  'MAIL_FROM',
  'MAIL_DIR',
  'OUTBOX_WORKER',
  'OUTBOX_POLL_INTERVAL_MS',
  'OUTBOX_MAX_ATTEMPTS',
  'OUTBOX_CONCURRENCY',
  'GEOIP_DATABASE',
  'ACCESS_EMAIL_LIMIT_PER_IP',
  'ACCESS_EMAIL_LIMIT_PER_EMAIL',
  'UNKNOWN_FIELDS',
  'INVITATION_EXPIRY_DAYS',
  'HEADERS_TIMEOUT_MS',
  'REQUEST_TIMEOUT_MS',
  'KEEP_ALIVE_TIMEOUT_MS',
  'MAX_REQUESTS_PER_SOCKET',
  'MAX_CONNECTIONS',
  'MAX_CONNECTIONS_PER_ADDRESS',
  'EVENT_LOOP_STALL_MS',
  'SHUTDOWN_GRACE_MS',
  'GUEST_CODE_KEY',
  'GUEST_CODE_KEYS_PREVIOUS',
  'SQLITE_BUSY_TIMEOUT_MS',
  'AUTH_CACHE_TTL_MS',
  'LIST_CACHE_MB',
  'SEARCH_CONCURRENCY',
  'SEARCH_WAIT_MS',
  'AUTH_FAILURE_LIMIT',
  'AUTH_FAILURE_WINDOW_SECONDS',
  'HEAVY_REQUESTS_PER_TOKEN',
  'UNPAGINATED_ROWS_PER_MINUTE',
  'BULK_DEADLINE_SECONDS',
  'BULK_DNS_CONCURRENCY',
  'SCHEDULER',
  'SCHEDULER_INTERVAL_MS',
  'NOTIFICATIONS_LEASE_MS',
  'DIGEST_HOUR',
  'REMINDER_LEAD_HOURS',
  'REMINDER_MAX_OVERDUE_DAYS',
  'FILE_MAX_BYTES',
  'TASK_FILES_MAX_BYTES',
  'TASK_FILES_MAX_COUNT',
  'IMPORT_MAX_BYTES',
  'IMPORT_MAX_ROWS',
];

/**
 * This environment minus CONFIG_VARS and node:test's marker, plus `extra`: no setting leaks in from
 * outside. On PostgreSQL the test key is added unless `extra` names GUEST_CODE_KEY itself.
 */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...CONFIG_VARS, 'NODE_TEST_CONTEXT']) delete env[name];
  const postgres = /^postgres(ql)?:/.test(extra.DATABASE_URL ?? '') && !('GUEST_CODE_KEY' in extra);
  return { ...env, ...(postgres && { GUEST_CODE_KEY: TEST_GUEST_CODE_KEY }), ...extra };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
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

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = new Set<GuestsProcess>();

/** Keeps the last `max` characters of a long output. */
function tail(text: string, max = 6000): string {
  return text.length > max ? `...${text.slice(-max)}` : text;
}

/** One `guests ...args` process: what it printed so far, and how and when it ended. */
export class GuestsProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  /** Set once the process has exited and its output has been read to the end. */
  exit: Exit | undefined;
  /** When the process exited (Date.now()), as soon as it did: before its output has been read to the end. */
  exitedAt: number | undefined;
  readonly exited: Promise<Exit>;

  /** `wrapper`: a command that runs the process, e.g. `['prlimit', '--nofile=256']`. */
  constructor(
    readonly args: string[],
    env: NodeJS.ProcessEnv,
    wrapper: string[] = [],
  ) {
    const [command = process.execPath, ...rest] = [...wrapper, process.execPath, BIN, ...args];
    this.child = spawn(command, rest, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(this);
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise<Exit>((resolve) => {
      this.child.once('error', (error) => {
        this.stderr += String(error);
        this.exit ??= { code: null, signal: null };
        resolve(this.exit);
      });
      this.child.once('exit', () => (this.exitedAt ??= Date.now()));
      // 'close': the process has exited and its output has been read to the end.
      this.child.once('close', (code, signal) => {
        this.exitedAt ??= Date.now();
        this.exit ??= { code, signal };
        resolve(this.exit);
      });
    }).finally(() => running.delete(this));
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** The command, how it ended and (the end of) its output: for assertion messages. */
  describe(): string {
    return `guests ${this.args.join(' ')} (exit ${JSON.stringify(this.exit)})\n--- stdout ---\n${tail(this.stdout)}\n--- stderr ---\n${tail(this.stderr)}`;
  }

  /** Waits until `predicate(stdout)` holds; fails if the process exits first or time runs out. */
  async waitForStdout(predicate: (stdout: string) => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.stdout)) {
      if (!this.running)
        throw new Error(`process exited (${JSON.stringify(this.exit)}) before ${what}\n${this.describe()}`);
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.describe()}`);
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

/** A finished `guests` run: how it ended and all it printed, with `describe` for assertion messages. */
export interface RunResult extends Exit {
  stdout: string;
  stderr: string;
  describe: string;
}

/** Runs `guests ...args` in `cleanEnv(env)` to completion; fails (after a SIGKILL) past `timeoutMs`. */
export async function runGuests(args: string[], env: Record<string, string>, timeoutMs = 20_000): Promise<RunResult> {
  const proc = new GuestsProcess(args, cleanEnv(env));
  const exit = await proc.waitForExit(timeoutMs);
  return { ...exit, stdout: proc.stdout, stderr: proc.stderr, describe: proc.describe() };
}

/** Starts `guests serve` in `cleanEnv(env)` on `port` (a free one when not given) and waits for its "listening" line. */
export async function serveUntilListening(
  env: Record<string, string>,
  {
    port,
    timeoutMs = 25_000,
    what = 'the server to listen',
  }: { port?: number; timeoutMs?: number; what?: string } = {},
): Promise<{ process: GuestsProcess; port: number; url: string }> {
  const listenOn = port ?? (await freePort());
  const server = new GuestsProcess(['serve', '--port', String(listenOn)], cleanEnv(env));
  await server.waitForStdout((out) => out.includes('guest service listening'), timeoutMs, what);
  return { process: server, port: listenOn, url: `http://127.0.0.1:${listenOn}` };
}

/** Starts `guests serve` on a free port and waits until `/health/live` answers. */
export async function startServerProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ process: GuestsProcess; url: string }> {
  const port = await freePort();
  const server = new GuestsProcess(['serve', '--port', String(port)], cleanEnv({ LOG_LEVEL: 'info', ...env }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!server.running)
      throw new Error(`server exited (${JSON.stringify(server.exit)}) before listening\n${server.describe()}`);
    if (Date.now() > deadline) {
      await server.stop().catch(() => undefined);
      throw new Error(`server did not answer within ${timeoutMs} ms\n${server.describe()}`);
    }
    const live = await fetch(`${url}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (live) return { process: server, url };
    await delay(100);
  }
}

/** Ends (SIGKILL) every process a test left running, and waits for them. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(async (p) => {
      p.child.kill('SIGKILL');
      await p.exited;
    }),
  );
}
