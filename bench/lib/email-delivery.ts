/**
 * How far email delivery keeps up with the create-task case. Every task created for a new guest
 * queues an email in the outbox, and the service's own worker sends it while the load goes on: the
 * case's req/s already pays for the sending, but nothing there says whether the sending kept up.
 * This does: the emails queued and sent during the timed case, the backlog left at its end, and
 * how long the worker then took to send that backlog with no load (the service's shipped
 * settings: OUTBOX_CONCURRENCY, and `.eml` files under DATA_DIR, no relay).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/types.js';
import type { BenchContext } from './context.js';
import { openBenchDatabase, type BenchDatabase } from './database.js';
import type { LoadResult } from './load.js';

/** The outbox's messages: all of them, those sent and those given up on. */
export interface OutboxCounts {
  total: number;
  sent: number;
  failed: number;
}

export interface EmailDelivery {
  /** Messages queued during the timed case. */
  queued: number;
  /** Messages sent during it (some may have been queued by the warm-up before it). */
  sentDuring: number;
  /** Given up on during the case and the drain (a broken delivery, not a slow one). */
  failed: number;
  /** Not yet sent nor given up on when the load stopped. */
  backlogAtEnd: number;
  /** Seconds from the end of the load until nothing was left to send, or until the wait gave up. */
  drainSec: number;
  /** Whether the backlog was sent within the wait; otherwise `backlogLeft` is what remained. */
  drained: boolean;
  backlogLeft: number;
  /** Seconds the timed case's load ran. */
  caseSec: number;
}

export async function outboxCounts(db: Kysely<Database>): Promise<OutboxCounts> {
  const row = await db
    .selectFrom('outbox')
    .select([
      sql<number>`count(*)`.as('total'),
      sql<number>`count(sent_at)`.as('sent'),
      sql<number>`count(failed_at)`.as('failed'),
    ])
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), sent: Number(row.sent), failed: Number(row.failed) };
}

const pending = (c: OutboxCounts): number => c.total - c.sent - c.failed;

export interface DrainOptions {
  /** Gives up after this long. */
  maxSec: number;
  /** Looks again this often. */
  pollMs: number;
}

/** Waits (bounded) until `count` says nothing is left to send; the counts last read and the seconds waited. */
export async function waitForDrain(
  count: () => Promise<OutboxCounts>,
  { maxSec, pollMs }: DrainOptions,
): Promise<{ counts: OutboxCounts; seconds: number; drained: boolean }> {
  const start = performance.now();
  for (;;) {
    const counts = await count();
    const seconds = (performance.now() - start) / 1000;
    if (pending(counts) === 0) return { counts, seconds, drained: true };
    if (seconds >= maxSec) return { counts, seconds, drained: false };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** The delivery figures from the counts at the case's start and end and those after the drain. */
export function emailDelivery(
  atStart: OutboxCounts,
  atEnd: OutboxCounts,
  drain: { counts: OutboxCounts; seconds: number; drained: boolean },
  caseSec: number,
): EmailDelivery {
  return {
    queued: atEnd.total - atStart.total,
    sentDuring: atEnd.sent - atStart.sent,
    failed: drain.counts.failed - atStart.failed,
    backlogAtEnd: pending(atEnd),
    drainSec: drain.seconds,
    drained: drain.drained,
    backlogLeft: pending(drain.counts),
    caseSec,
  };
}

/** How long the benchmark waits, after the case, for the service to send what it queued. */
const DRAIN_MAX_SEC = 120;

/**
 * Runs a timed case whose requests queue email, counting the outbox of the service's `database`
 * before and after it, then waits for the backlog to be sent.
 */
export async function withEmailDelivery<T extends { result: LoadResult }>(
  context: BenchContext,
  database: BenchDatabase,
  run: () => Promise<T>,
): Promise<T & { emails: EmailDelivery }> {
  const db = openBenchDatabase(database);
  try {
    const count = () => outboxCounts(db.kysely);
    const atStart = await count();
    const measured = await run();
    const atEnd = await count();
    const drain = await waitForDrain(count, { maxSec: DRAIN_MAX_SEC, pollMs: 100 });
    const emails = emailDelivery(atStart, atEnd, drain, measured.result.durationSec);
    context.log(
      `  emails: ${emails.queued} queued, ${emails.sentDuring} sent during the case, ${emails.backlogAtEnd} left at its end, ${emails.drained ? `sent in ${emails.drainSec.toFixed(1)} s` : `${emails.backlogLeft} still unsent after ${emails.drainSec.toFixed(0)} s`}`,
    );
    return { ...measured, emails };
  } finally {
    await db.close();
  }
}

/** One line of the report. */
export function formatEmailDelivery(kind: string, d: EmailDelivery): string {
  const perSec = (n: number, sec: number) => (sec > 0 ? `${(n / sec).toFixed(0)}/s` : 'n/a');
  const drain = d.drained
    ? d.backlogAtEnd === 0
      ? 'nothing left to send at its end'
      : `a backlog of ${d.backlogAtEnd} at its end, sent in ${d.drainSec.toFixed(1)} s with no load (${perSec(d.backlogAtEnd, d.drainSec)})`
    : `a backlog of ${d.backlogAtEnd} at its end, ${d.backlogLeft} still unsent after ${d.drainSec.toFixed(0)} s (gave up waiting)`;
  return `  ${kind}: ${d.queued} queued (${perSec(d.queued, d.caseSec)}) and ${d.sentDuring} sent (${perSec(d.sentDuring, d.caseSec)}) during the ${d.caseSec.toFixed(0)} s case; ${drain}${d.failed > 0 ? `; ${d.failed} GIVEN UP (delivery failed)` : ''}`;
}
