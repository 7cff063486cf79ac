/**
 * The scheduler (docs/notifications.md): on each instance that runs it (SCHEDULER), every
 * SCHEDULER_INTERVAL_MS it runs each job once, one after the other. Jobs hold their own leases in
 * the database, so with several instances each run of a job happens on one of them; a tick that
 * finds a job held elsewhere skips it. Started and stopped by src/server.ts beside the outbox worker.
 */
import { settlesWithin } from '../core/settle.js';
import type { Job } from './jobs.js';

/** How long `stop()` waits for a run in flight before leaving it to its lease. */
const DEFAULT_STOP_TIMEOUT_MS = 5_000;
/** A failing job (e.g. the database away) is logged at most this often. */
const ERROR_LOG_INTERVAL_MS = 60_000;

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SchedulerOptions {
  jobs: Job[];
  intervalMs: number;
  log: Logger;
  /** The clock each tick runs the jobs at. */
  now?: () => Date;
  stopTimeoutMs?: number;
}

export interface Scheduler {
  start(): void;
  /** Stops ticking, asks a run in flight to stop (it keeps its progress) and waits for it, bounded. */
  stop(): Promise<void>;
  /** One tick: each job once; what each queued. */
  tick(): Promise<Record<string, number>>;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { jobs, intervalMs, log } = options;
  const now = options.now ?? (() => new Date());
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let started = false;
  const lastErrorLog = new Map<string, number>();

  async function tick(): Promise<Record<string, number>> {
    const queued: Record<string, number> = {};
    for (const job of jobs) {
      if (abort.signal.aborted) break;
      try {
        queued[job.name] = await job.run(now(), abort.signal);
        if ((queued[job.name] ?? 0) > 0)
          log.info({ job: job.name, queued: queued[job.name] }, 'scheduled job queued email');
      } catch (error) {
        if (Date.now() - (lastErrorLog.get(job.name) ?? 0) > ERROR_LOG_INTERVAL_MS) {
          lastErrorLog.set(job.name, Date.now());
          log.error(
            { err: error, job: job.name },
            'scheduled job failed; retrying at each tick (logged once a minute)',
          );
        }
      }
    }
    return queued;
  }

  function schedule(ms: number): void {
    timer = setTimeout(() => {
      running = tick().finally(() => {
        running = undefined;
        if (!abort.signal.aborted) schedule(intervalMs);
      });
    }, ms);
  }

  return {
    start() {
      if (started) return;
      started = true;
      log.info({ jobs: jobs.map((j) => j.name), intervalMs }, 'scheduler started');
      schedule(0);
    },
    async stop() {
      if (abort.signal.aborted) return;
      abort.abort();
      clearTimeout(timer);
      if (!running) return;
      if (!(await settlesWithin(running, options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS)))
        log.warn({}, 'scheduler stopped with a run in flight; its lease expires and another run resumes it');
    },
    tick,
  };
}
