/**
 * The outbox worker: claims due messages, sends them (SMTP, or .eml files without a relay), and
 * records the outcome; failed attempts come back after a growing backoff, until the last one.
 *
 * Delivery is at least once. A message is marked sent only after the relay accepted it (or the
 * file is on disk); the message row itself was committed with the change that caused it. So a
 * crash anywhere loses no message, and under normal operation none is sent twice. The one window
 * for a duplicate is a crash (or a lost database) between the relay's acceptance and its record
 * (`markSent`, which waits at most for the record before it): the claim then expires and the
 * message is sent again, with the same Message-ID, which lets mail systems and people recognise
 * the copy. Without a relay the .eml file name is unique to the message, so the file is never
 * written twice.
 */
import os from 'node:os';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/types.js';
import { redactText } from '../core/log-redaction.js';
import { randomSecret } from '../core/secrets.js';
import { coalesce } from '../core/coalesce.js';
import { settlesWithin } from '../core/settle.js';
import { inSharedCommit } from '../db/group-commit.js';
import { formatTimestamp } from '../core/time.js';
import { createDelivery, type Delivery } from './delivery.js';
import { onOutboxQueued } from './outbox-signal.js';
import * as repo from './outbox.repository.js';

/**
 * Longer than the slowest send (three 10 s SMTP timeouts), so a live worker never loses its claim:
 * every message of a claim is sent at once, so none waits for the others before its own send.
 */
const DEFAULT_LEASE_MS = 120_000;
/** How long `stop()` waits for a send in flight before leaving it to the lease. */
const DEFAULT_STOP_TIMEOUT_MS = 5_000;
const HOUSEKEEPING_INTERVAL_MS = 3_600_000;
/** Sent and given-up messages are kept this long (to diagnose), then deleted: they hold live links. */
const KEEP_FINISHED_MS = 7 * 86_400_000;
/** A database outage is logged at most this often, not at every poll. */
const ERROR_LOG_INTERVAL_MS = 60_000;

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * What the senders of queued messages add to the worker, given by whoever builds it (server.ts,
 * from public/access.resolve.ts): the outbox knows no sender.
 */
export interface OutboxHandlers {
  /**
   * Turns a claimed row into the message to send, just before it is sent: rows queued as a
   * request are written out now, off the request path. Undefined drops the row (it is deleted or
   * taken by someone else); rows it does not know come back as they are.
   */
  prepare(db: Kysely<Database>, row: repo.OutboxRow): Promise<repo.OutboxRow | undefined>;
  /** The senders' own old rows (e.g. throttle counters), deleted at each housekeeping: how many. */
  prune(db: Kysely<Database>, now: number): Promise<number>;
}

export interface OutboxWorkerOptions {
  db: Kysely<Database>;
  config: Pick<Config, 'database' | 'mail' | 'outbox' | 'publicBaseUrl'>;
  log: Logger;
  /** Names this worker's claims; unique per process by default. */
  workerId?: string;
  leaseMs?: number;
  /** Messages claimed, and sent at once, per pass (default: OUTBOX_CONCURRENCY). */
  batchSize?: number;
  /** The wait before the next attempt after `attempts` failed ones (default: exponential, jittered). */
  backoffMs?: (attempts: number) => number;
  stopTimeoutMs?: number;
  /** What the senders of queued messages add: see OutboxHandlers. */
  handlers: OutboxHandlers;
}

/** What one pass did. */
export interface PassResult {
  /** Access requests dropped for an address with no active guest record count here only. */
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

export interface OutboxWorker {
  readonly id: string;
  /** Polls every OUTBOX_POLL_INTERVAL_MS, and at once when this process queues a message. */
  start(): void;
  /** Stops polling and waits (bounded) for the sends in flight; unused claims are given back. */
  stop(): Promise<void>;
  /** One pass: claim a batch, send its messages at once, record each outcome. */
  runOnce(): Promise<PassResult>;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { db, config, log, handlers } = options;
  const id = options.workerId ?? `${os.hostname()}:${process.pid}:${randomSecret(4)}`;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const batchSize = options.batchSize ?? config.outbox.concurrency;
  const backoff = options.backoffMs ?? ((attempts: number) => repo.backoffMs(attempts));
  const delivery: Delivery = createDelivery(config.mail, batchSize);
  // The sends of a pass end at different times: each is recorded at once, or with those that
  // ended while the record before it was written (one statement, not one per message).
  const recordSent = coalesce((ids: number[]) => inSharedCommit(db, (q) => repo.markSent(q, ids)));

  let started = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let wakeAgain = false;
  let unsubscribe: (() => void) | undefined;
  let lastHousekeeping = 0;
  let lastErrorLog = 0;

  async function housekeeping(): Promise<void> {
    if (Date.now() - lastHousekeeping < HOUSEKEEPING_INTERVAL_MS) return;
    lastHousekeeping = Date.now();
    const messages = await repo.pruneFinished(db, formatTimestamp(new Date(Date.now() - KEEP_FINISHED_MS)));
    const windows = await handlers.prune(db, Date.now());
    if (messages + windows > 0) log.info({ messages, windows }, 'outbox: deleted old messages and throttle counters');
  }

  async function attempt(claimed: repo.OutboxRow): Promise<'sent' | 'retried' | 'failed' | 'dropped'> {
    // An access request is looked up only now, off the request path (src/public/access.resolve.ts).
    const row = await handlers.prepare(db, claimed);
    if (!row) return 'dropped';
    const about = { outboxId: row.id, messageId: row.message_id, kind: row.kind, attempt: row.attempts };
    let where: string;
    try {
      where = await delivery.deliver(row);
    } catch (error) {
      const text = errorText(error);
      // A 5xx answer (e.g. no such mailbox) would come back the same on every retry.
      const permanent = (error as { permanent?: unknown }).permanent === true;
      if (permanent || row.attempts >= config.outbox.maxAttempts) {
        await repo.markFailed(db, row.id, text, null);
        log.error({ ...about, error: redactText(text), permanent }, 'email given up');
        return 'failed';
      }
      const retryAt = new Date(Date.now() + backoff(row.attempts));
      await repo.markFailed(db, row.id, text, retryAt);
      log.warn({ ...about, error: redactText(text), retryAt: formatTimestamp(retryAt) }, 'email not sent; will retry');
      return 'retried';
    }
    // Sent: from here a failure to record it (the database gone) means the claim runs out and the
    // message goes again, the at-least-once window described above.
    await recordSent(row.id);
    log.info(
      { ...about, via: delivery.kind, to: redactText(where) },
      delivery.kind === 'file' ? 'email written to file' : 'email sent',
    );
    return 'sent';
  }

  /**
   * The messages of a batch are sent at once, not one after another: a send mostly waits (for the
   * relay, the disk, or turns of an event loop busy with requests), and one after another a busy
   * instance sent 8 emails a second while it queued 900. Each is recorded as soon as it is done,
   * and the pass ends when all are, so a failure to record one (the database gone) is reported
   * after the others were recorded.
   */
  async function runOnce(): Promise<PassResult> {
    await housekeeping();
    const rows = await inSharedCommit(db, (q) => repo.claimBatch(q, id, leaseMs, batchSize));
    const result: PassResult = { claimed: rows.length, sent: 0, retried: 0, failed: 0 };
    if (stopping) {
      await repo.release(
        db,
        rows.map((r) => r.id),
        id,
      );
      return result;
    }
    const outcomes = await Promise.allSettled(rows.map((row) => attempt(row)));
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') throw outcome.reason;
      if (outcome.value !== 'dropped') result[outcome.value] += 1;
    }
    return result;
  }

  function schedule(ms: number): void {
    clearTimeout(timer);
    timer = setTimeout(() => void pass(), ms);
  }

  /** Passes back to back while there is more to do, then waits for the next poll or nudge. */
  async function pass(): Promise<void> {
    timer = undefined;
    if (stopping || running) return;
    running = (async () => {
      do {
        wakeAgain = false;
        try {
          const result = await runOnce();
          if (result.claimed === batchSize) wakeAgain = true;
        } catch (error) {
          if (Date.now() - lastErrorLog > ERROR_LOG_INTERVAL_MS) {
            lastErrorLog = Date.now();
            log.error({ err: error }, 'outbox pass failed; retrying at each poll (logged once a minute)');
          }
          wakeAgain = false;
          break;
        }
      } while (wakeAgain && !stopping);
    })();
    await running;
    running = undefined;
    // A nudge that came as the last pass ended still gets its immediate pass.
    if (!stopping) schedule(wakeAgain ? 0 : config.outbox.pollIntervalMs);
  }

  function nudge(): void {
    if (stopping) return;
    if (running) wakeAgain = true;
    else schedule(0);
  }

  return {
    id,
    start() {
      if (started) return;
      started = true;
      unsubscribe = onOutboxQueued(db, nudge);
      log.info(
        { workerId: id, via: delivery.kind, ...(delivery.kind === 'file' && { dir: config.mail.dir }) },
        'outbox worker started',
      );
      schedule(0);
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      clearTimeout(timer);
      unsubscribe?.();
      if (running) {
        if (!(await settlesWithin(running, options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS)))
          log.warn(
            { workerId: id },
            'outbox worker stopped with a send in flight; its claim expires and another attempt follows',
          );
      }
      delivery.close();
    },
    runOnce,
  };
}
