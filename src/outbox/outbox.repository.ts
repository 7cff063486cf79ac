/**
 * The outbox: emails waiting to be sent, kept in the database. A message is written in the same
 * transaction as the change that causes it, so it exists exactly when the change does; workers
 * (one per instance) claim due messages with a lease, send them, and mark them sent or failed.
 */
import type { Compilable, ExpressionBuilder, Kysely, Selectable } from 'kysely';
import { placeholdersFor, prepared, type Placeholder } from '../db/prepared.js';
import { kindOf } from '../db/database.js';
import type { Database, OutboxTable } from '../db/types.js';
import { randomSecret } from '../core/secrets.js';
import { formatTimestamp, now } from '../core/time.js';

type Q = Kysely<Database>;

export type OutboxRow = Selectable<OutboxTable>;

/** What a caller queues: who gets what. */
export interface OutgoingMessage {
  kind: string;
  recipient: string;
  subject: string;
  text: string;
  html: string | null;
  /** Extra headers sent on every attempt, e.g. `List-Unsubscribe` (docs/notifications.md). */
  headers?: Readonly<Record<string, string>>;
}

/** The longest `last_error` kept: enough to diagnose, bounded whatever a relay answers. */
const MAX_ERROR_LENGTH = 1000;
/** The first retry waits about BASE, each later one twice as long, up to CAP. */
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 15 * 60_000;

/**
 * A new Message-ID under the service's own host name (RFC 5322 `<left@right>`). It is stored
 * with the message and sent on every attempt, so a copy sent twice is recognisable downstream.
 */
export function newMessageId(publicBaseUrl: string): string {
  return `<${randomSecret(18)}@${hostOf(publicBaseUrl)}>`;
}

/** The host name of the last base URL asked for: one URL per service, parsed once, not per email. */
let lastHost: { url: string; host: string } | undefined;

function hostOf(url: string): string {
  if (lastHost?.url !== url) lastHost = { url, host: new URL(url).hostname };
  return lastHost.host;
}

type QueuedValues = ReturnType<typeof outboxValues>;

/** The columns of a queued message, as outboxValues gives them, in the order the inserts name them. */
export const QUEUED_COLUMNS = [
  'kind',
  'recipient',
  'subject',
  'text_body',
  'html_body',
  'headers',
  'message_id',
  'created_at',
  'available_at',
  'locked_until',
  'locked_by',
  'sent_at',
  'failed_at',
  'last_error',
] as const satisfies ReadonlyArray<keyof QueuedValues>;

/**
 * The insert that queues a message, compiled once: Create task queues an email per new guest
 * owner (docs/tasks.md, Create task), and building the insert cost more than running it.
 */
const queueInsert = prepared((db, p: Placeholder<QueuedValues>) =>
  db.insertInto('outbox').values(placeholdersFor(p, QUEUED_COLUMNS)).returning('id'),
);

/** The insert that queues a message, not run: for a WriteBatch to send with other writes. */
export function outboxInsert(db: Q, message: OutgoingMessage, messageId: string): Compilable<{ id: number }> {
  return queueInsert.bind(db, outboxValues(message, messageId));
}

/** A queued message's columns, due now: what outboxInsert writes, and what a statement of its own may. */
export function outboxValues(message: OutgoingMessage, messageId: string) {
  const at = now();
  return {
    kind: message.kind,
    recipient: message.recipient,
    subject: message.subject,
    text_body: message.text,
    html_body: message.html,
    headers: message.headers && Object.keys(message.headers).length > 0 ? JSON.stringify(message.headers) : null,
    message_id: messageId,
    created_at: at,
    available_at: at,
    locked_until: null,
    locked_by: null,
    sent_at: null,
    failed_at: null,
    last_error: null,
  };
}

/** Queues a message; call it inside the transaction of the change that causes it. */
export async function enqueue(
  db: Q,
  message: OutgoingMessage,
  messageId: string,
): Promise<{ id: number; messageId: string }> {
  const row = await queueInsert.first(db, outboxValues(message, messageId));
  if (!row) throw new Error('the outbox insert answered no id');
  return { id: row.id, messageId };
}

/** Not sent, not given up, due, and not claimed by a worker whose lease still runs. */
function isDue(current: string) {
  return (eb: ExpressionBuilder<Database, 'outbox'>) =>
    eb.and([
      eb('sent_at', 'is', null),
      eb('failed_at', 'is', null),
      eb('available_at', '<=', current),
      eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', current)]),
    ]);
}

/**
 * Claims up to `limit` due messages for `workerId` until `leaseMs` from now, counting the attempt,
 * in one statement. Two workers never hold the same message: on PostgreSQL the candidates are
 * locked with `FOR UPDATE SKIP LOCKED`, so concurrent claims pass over each other's rows; on SQLite
 * the statement runs under the database's single write lock, so no other writer comes between
 * picking the candidates and taking them. A worker that dies holding a claim delays its messages
 * by the lease, after which any worker takes them again.
 *
 * The candidates are picked once, in a materialized CTE. Written as `id in (subquery)`,
 * PostgreSQL's planner may run the locking subquery again for each row of the outer scan (a
 * nested-loop semi join), each run passing over the rows the runs before it locked: the claim then
 * took more than `limit` messages (seen: all 4 due messages for a limit of 3).
 */
export async function claimBatch(db: Q, workerId: string, leaseMs: number, limit: number): Promise<OutboxRow[]> {
  const rows = await claimStatement(db, workerId, leaseMs, limit).execute();
  return rows.sort((a, b) => a.id - b.id);
}

/**
 * The statement of claimBatch. Its candidates are read by the index of pending messages in the
 * claim's order (migration 019_outbox_due_index): a claim reads its few rows, however many wait.
 */
export function claimStatement(db: Q, workerId: string, leaseMs: number, limit: number) {
  const at = new Date();
  const current = formatTimestamp(at);
  const claim = { locked_by: workerId, locked_until: formatTimestamp(new Date(at.getTime() + leaseMs)) };
  const postgres = kindOf(db) === 'postgres';
  const claiming = db
    .with(
      (cte) => cte('picked').materialized(),
      (q) =>
        q
          .selectFrom('outbox')
          .select('id')
          .where(isDue(current))
          .orderBy('available_at')
          .orderBy('id')
          .limit(limit)
          .$if(postgres, (locking) => locking.forUpdate().skipLocked()),
    )
    .updateTable('outbox')
    .from('picked')
    .set((eb) => ({ ...claim, attempts: eb('outbox.attempts', '+', 1) }))
    .whereRef('outbox.id', '=', 'picked.id')
    .where(isDue(current));
  // SQLite's RETURNING names only the updated table's columns, and refuses `outbox.*`.
  return postgres ? claiming.returningAll('outbox') : claiming.returningAll();
}

/**
 * The bodies of a message that will not be sent again: emptied. They hold secrets (a guest's link,
 * an invitation's accept link) that the database keeps nowhere else in clear.
 */
const NO_BODY = { text_body: '', html_body: null };

/** Records successful sends, in one statement; their claims end with it, and the bodies go. */
export async function markSent(db: Q, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set({ sent_at: now(), locked_until: null, locked_by: null, last_error: null, ...NO_BODY })
    .where('id', 'in', ids)
    .where('sent_at', 'is', null)
    .execute();
}

/**
 * Records a failed attempt: the message is due again at `retryAt`, or, when that is null, given
 * up (`failed_at`, and the bodies go). The claim ends either way.
 */
export async function markFailed(db: Q, id: number, error: string, retryAt: Date | null): Promise<void> {
  const at = now();
  await db
    .updateTable('outbox')
    .set({
      last_error: error.slice(0, MAX_ERROR_LENGTH),
      locked_until: null,
      locked_by: null,
      ...(retryAt === null ? { failed_at: at, ...NO_BODY } : { available_at: formatTimestamp(retryAt) }),
    })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .execute();
}

/** Gives back claims this worker will not use (it is stopping), so others need not wait the lease. */
export async function release(db: Q, ids: number[], workerId: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('outbox')
    .set((eb) => ({ locked_until: null, locked_by: null, attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', ids)
    .where('locked_by', '=', workerId)
    .where('sent_at', 'is', null)
    .execute();
}

/**
 * The wait before the attempt after `attempts` failed ones: about 2^attempts seconds, capped at 15
 * minutes, with "equal jitter" (half fixed, half random) so that messages that failed together
 * (a relay outage) do not all come back in the same second.
 */
export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

/** Deletes messages sent or given up before `before` (their bodies hold live guest links). */
export async function pruneFinished(db: Q, before: string): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where((eb) => eb.or([eb('sent_at', '<', before), eb('failed_at', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
