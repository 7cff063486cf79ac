/**
 * WAL checkpoints off the request path, for the server on a SQLite file. By default SQLite
 * checkpoints inside the commit that takes the WAL past 1,000 pages: that commit copies every
 * page back to the database file and waits for two fsyncs, and every request behind it waits
 * too (measured on this schema: commits of 50 µs with stalls of 7–9 ms, 613 ms for 5,000 creates
 * against 351 ms without them).
 *
 * A worker thread with its own connection runs a PASSIVE checkpoint every INTERVAL_MS instead:
 * PASSIVE never waits for and never blocks the server's reads and writes, and once it has copied
 * every frame the next write starts the WAL over, so the file stays small. The server's own
 * automatic checkpoint stays on at a higher mark (SAFETY_PAGES) in case the worker falls behind
 * or stops.
 *
 * Under steady writes one PASSIVE checkpoint never copies every frame: it copies those committed
 * before it began, and the server commits more while it runs. The WAL then never started over and
 * grew to SAFETY_PAGES, where the server's own checkpoint ran inside a commit, fsyncs included,
 * and stalled every request (task creates at 2 connections: the slowest commit took 14–17 ms). So
 * the worker checkpoints again at once while the last one saw new frames, up to MAX_ROUNDS times:
 * the later rounds copy only what was committed during the one before, and soon find nothing new
 * (the same load: 4–6 ms). Under saturation the server commits again before any round ends, and
 * the WAL starts over less often; the rounds then run on the worker's thread, not the server's.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

const INTERVAL_MS = 100;
/** Checkpoints in a row at most, each copying what was committed during the one before. */
const MAX_ROUNDS = 20;
/** 40 MB of WAL: reached only when the worker does not keep up. */
const SAFETY_PAGES = 10_000;

// Plain JavaScript (the worker does not go through the TypeScript loader); CommonJS, so require.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
let failures = 0;
const timer = setInterval(() => {
  try {
    // Done when a round finds the WAL as long as the round before copied it: nothing committed
    // since, every frame copied, so the next write starts the WAL over. (log: the frames the round
    // saw, checkpointed: those copied; both -1 on a file not in WAL mode.)
    let before = -2;
    for (let round = 0; round < workerData.maxRounds; round += 1) {
      const [{ busy, log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)');
      if (busy || (log === before && checkpointed === log)) break;
      before = log;
    }
    failures = 0;
  } catch (error) {
    // Reported once per run of failures; the server's own checkpoint covers meanwhile.
    if (failures++ === 0) parentPort.postMessage({ error: String(error && error.message || error) });
  }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Stops the worker and closes its connection; the server's connection closes after. */
  stop(): Promise<void>;
}

export function startCheckpointer(
  connection: SQLite.Database,
  file: string,
  onError: (message: string) => void,
): Checkpointer {
  connection.pragma(`wal_autocheckpoint = ${SAFETY_PAGES}`);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, file, intervalMs: INTERVAL_MS, maxRounds: MAX_ROUNDS },
  });
  worker.on('message', (message: { error?: string }) => {
    if (message.error) onError(message.error);
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', (error) => onError(error.message));
  // Never what keeps the process running (after the listeners, which would otherwise ref it).
  worker.unref();
  return {
    async stop() {
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
