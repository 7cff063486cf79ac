/**
 * The benchmark's own processes: the service and the floors each run as a separate `node`
 * process, so what is measured is a process answering over TCP, as in production. Every process
 * started here, and every clean-up registered here, is run however the benchmark ends (done,
 * failed, Ctrl-C): nothing is left running and no temporary file is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, freePort } from '../../support/process.js';

/** The repository's root: the working directory of every process started here. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The `guests` command. */
export const GUESTS_BIN = path.join(ROOT, 'bin', 'guests.js');

/**
 * The node options `guests` runs with as a program (`npm start`, `npx guests`): those of its
 * `#!/usr/bin/env -S node …` line, so that the benchmark measures the service as it is run.
 */
export function guestsNodeOptions(bin = GUESTS_BIN): string[] {
  const first = fs.readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\/usr\/bin\/env(?: -S)? node((?: +\S+)*)\s*$/.exec(first);
  if (!match) throw new Error(`${bin}: expected a first line "#!/usr/bin/env [-S] node [options]", got "${first}"`);
  return (match[1] ?? '').trim().split(/ +/).filter(Boolean);
}

const OUTPUT_TAIL = 6000;
const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void> | void> = [];
const syncCleanups: Array<() => void> = [];

let closing = false;

/**
 * Registers an async clean-up (dropping a schema) run by {@link runCleanups}, last registered
 * first; once the clean-up has begun (Ctrl-C while a step was still starting), runs it at once.
 */
export function onCleanup(task: () => Promise<void> | void): void {
  if (closing)
    void Promise.resolve()
      .then(task)
      .catch(() => undefined);
  else cleanups.push(task);
}

/** Runs every registered clean-up once, each bounded to `timeoutMs`; never rejects. */
export async function runCleanups(timeoutMs = 10_000): Promise<void> {
  closing = true;
  for (const child of children) child.kill('SIGKILL');
  while (cleanups.length > 0) {
    const task = cleanups.pop() as () => Promise<void> | void;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.resolve()
        .then(task)
        .catch((error: unknown) => process.stderr.write(`bench: clean-up failed: ${String(error)}\n`)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }
  for (const task of syncCleanups.splice(0)) task();
}

// On any exit, even an uncaught error: no child outlives the benchmark, no temp dir stays.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  for (const task of syncCleanups.splice(0)) task();
});

/** A new directory under the OS temp dir, removed when the benchmark ends. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-bench-'));
  syncCleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Peak resident set size (VmHWM) of a running process in bytes; undefined where /proc has none. */
export function peakRssBytes(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU time a process has used so far, in milliseconds: its main thread's (the event loop, which
 * answers every request) and all its threads' (the main thread, libuv's pool, V8's collector and
 * compiler threads, the service's workers).
 */
export interface CpuTime {
  mainMs: number;
  allMs: number;
}

/** Kernel clock ticks per second, the unit of /proc/PID/stat's times (USER_HZ: 100 on Linux). */
const CLOCK_TICKS_PER_SEC = 100;

/**
 * The main thread's time from the scheduler's own accounting (`/proc/PID/task/PID/schedstat`, in
 * nanoseconds); all threads' from `/proc/PID/stat` (user + system, clock ticks), which also keeps
 * the time of threads that have ended. Undefined where /proc has neither (not Linux, process gone).
 */
export function cpuTime(pid: number): CpuTime | undefined {
  try {
    const schedstat = fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8');
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return parseCpuTime(schedstat, stat);
  } catch {
    return undefined;
  }
}

/** {@link cpuTime} from the two files' text; undefined when either is not what Linux writes. */
export function parseCpuTime(schedstat: string, stat: string): CpuTime | undefined {
  const runNs = /^(\d+) \d+ \d+\s*$/.exec(schedstat)?.[1];
  // The command name, in parentheses, may hold spaces and parentheses: the fields follow the last `)`.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state (field 3 of proc(5)) is fields[0], utime (14) fields[11], stime (15) fields[12].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (runNs === undefined || !Number.isInteger(utime) || !Number.isInteger(stime)) return undefined;
  return { mainMs: Number(runNs) / 1e6, allMs: ((utime + stime) * 1000) / CLOCK_TICKS_PER_SEC };
}

export interface StartOptions {
  /** For messages: "service (sqlite)", "floor 1", ... */
  name: string;
  /** Arguments after `node`: node options, the script, its arguments. `{port}` is replaced. */
  args: string[];
  /** Settings; the service's own variables from the caller's environment never leak in. */
  env: Record<string, string>;
  /** A path answering 200 once the process is ready. */
  readyPath: string;
  /**
   * Where its stdout and stderr go. A file, not a pipe: the service's request log (one line per
   * request at the default level) costs the service what it costs in production, and nothing
   * in the benchmark's own process, which generates the load.
   */
  logFile: string;
  timeoutMs?: number;
}

/** The last `max` characters of a file, or why it cannot be read. */
function fileTail(file: string, max = OUTPUT_TAIL): string {
  try {
    const size = fs.statSync(file).size;
    const fd = fs.openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(size, max));
      fs.readSync(fd, buffer, 0, buffer.length, size - buffer.length);
      return buffer.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    return `(${String(error)})`;
  }
}

/** One running process of the benchmark. */
export class BenchProcess {
  private exitInfo: string | undefined;
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly url: string,
    readonly logFile: string,
  ) {
    children.add(child);
    this.exited = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        this.exitInfo ??= `failed to start: ${error.message}`;
        resolve();
      });
      child.once('close', (code, signal) => {
        this.exitInfo ??= `exit code ${code}, signal ${signal}`;
        resolve();
      });
    }).finally(() => children.delete(child));
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** How it ended (if it did) and the end of what it printed: for error messages. */
  describe(): string {
    return `${this.name} (${this.exitInfo ?? 'running'})\n--- output (end of ${this.logFile}) ---\n${fileTail(this.logFile)}`;
  }

  /** The peak RSS so far: read while the process runs, since it is gone after the stop. */
  peakRssBytes(): number | undefined {
    return this.child.pid === undefined || !this.running ? undefined : peakRssBytes(this.child.pid);
  }

  /** The CPU time it has used so far; undefined once it has stopped, or without /proc. */
  cpuTime(): CpuTime | undefined {
    return this.child.pid === undefined || !this.running ? undefined : cpuTime(this.child.pid);
  }

  /**
   * Sets the peak RSS back to the current RSS (Linux: `5` into /proc/PID/clear_refs), so that the
   * next reading is the peak of what ran since: the peak of one case, not of the process's life.
   * False where that is not possible (no /proc, an older kernel): readings are then lifetime peaks.
   */
  resetPeakRss(): boolean {
    if (this.child.pid === undefined || !this.running) return false;
    try {
      fs.writeFileSync(`/proc/${this.child.pid}/clear_refs`, '5');
      return true;
    } catch {
      return false;
    }
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`. Resolves once the process is gone. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const late = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (late) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** Starts `node ...args` on a free port and waits (bounded) until `readyPath` answers 200. */
export async function startProcess(options: StartOptions): Promise<BenchProcess> {
  if (closing) throw new Error(`not starting ${options.name}: the benchmark is stopping`);
  const port = await freePort();
  const args = options.args.map((arg) => arg.replaceAll('{port}', String(port)));
  const out = fs.openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: cleanEnv({ PORT: String(port), ...options.env }),
      stdio: ['ignore', out, out],
    });
  } finally {
    // The child has its own copy of the descriptor.
    fs.closeSync(out);
  }
  const proc = new BenchProcess(options.name, child, `http://127.0.0.1:${port}`, options.logFile);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (!proc.running) throw new Error(`${options.name} exited before it was ready\n${proc.describe()}`);
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`${options.name} was not ready within ${options.timeoutMs ?? 60_000} ms\n${proc.describe()}`);
    }
    const ready = await fetch(`${proc.url}${options.readyPath}`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return proc;
    await delay(100);
  }
}

export { freePort };
