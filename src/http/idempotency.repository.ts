/**
 * The rows behind Idempotency-Key (docs/conventions.md, Idempotency). Every step that decides who
 * runs a request is one statement the database settles, so instances racing on one key cannot
 * both win: the insert that claims it, the take-over of an expired key or lease, and the store.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { formatTimestamp } from '../core/time.js';

type Db = Kysely<Database>;

export interface KeyRequest {
  scope: string;
  key: string;
  method: string;
  route: string;
  path: string;
  fingerprint: string;
}

export interface StoredKey {
  fingerprint: string;
  state: 'in_flight' | 'done';
  status: number | null;
  headers: string | null;
  body: string | null;
  lockedUntil: string | null;
}

/** How long a key is kept, and how long a request in flight holds it before a retry may take it over. */
export interface KeyTimes {
  keepMs: number;
  leaseMs: number;
}

const at = (from: Date, ms: number) => formatTimestamp(new Date(from.getTime() + ms));

/** Inserts the key in flight; false when the caller already has a row for it. */
export async function insertKey(db: Db, request: KeyRequest, times: KeyTimes, clock: Date): Promise<boolean> {
  const result = await db
    .insertInto('idempotency_keys')
    .values({
      ...request,
      state: 'in_flight',
      status: null,
      headers: null,
      body: null,
      created_at: formatTimestamp(clock),
      expires_at: at(clock, times.keepMs),
      locked_until: at(clock, times.leaseMs),
    })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * Takes the key over when its 24 hours are over (for any request), or when the same request's
 * lease ran out without an answer (its instance crashed or lost the database). The conditions are
 * checked by the update itself, so of two retries only one takes it.
 */
export async function takeOverKey(db: Db, request: KeyRequest, times: KeyTimes, clock: Date): Promise<boolean> {
  const current = formatTimestamp(clock);
  const result = await db
    .updateTable('idempotency_keys')
    .set({
      method: request.method,
      route: request.route,
      path: request.path,
      fingerprint: request.fingerprint,
      state: 'in_flight',
      status: null,
      headers: null,
      body: null,
      created_at: current,
      expires_at: at(clock, times.keepMs),
      locked_until: at(clock, times.leaseMs),
    })
    .where('scope', '=', request.scope)
    .where('key', '=', request.key)
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', current),
        eb.and([
          eb('state', '=', 'in_flight'),
          eb('locked_until', '<=', current),
          eb('fingerprint', '=', request.fingerprint),
        ]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findKey(db: Db, scope: string, key: string): Promise<StoredKey | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .select(['fingerprint', 'state', 'status', 'headers', 'body', 'locked_until as lockedUntil'])
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
}

/** Keeps the answer for replay. Only the request holding the key stores (its fingerprint). */
export async function storeAnswer(
  db: Db,
  request: Pick<KeyRequest, 'scope' | 'key' | 'fingerprint'>,
  answer: { status: number; headers: Record<string, string>; body: string },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({
      state: 'done',
      status: answer.status,
      headers: JSON.stringify(answer.headers),
      body: answer.body,
      locked_until: null,
    })
    .where('scope', '=', request.scope)
    .where('key', '=', request.key)
    .where('fingerprint', '=', request.fingerprint)
    .where('state', '=', 'in_flight')
    .execute();
}

/** Frees the key (an answer not kept, such as a 500): a retry runs the request again. */
export async function releaseKey(db: Db, request: Pick<KeyRequest, 'scope' | 'key' | 'fingerprint'>): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('scope', '=', request.scope)
    .where('key', '=', request.key)
    .where('fingerprint', '=', request.fingerprint)
    .where('state', '=', 'in_flight')
    .execute();
}

/** Deletes keys past their 24 hours; returns how many. */
export async function purgeExpiredKeys(db: Db, clock: Date): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('expires_at', '<=', formatTimestamp(clock))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
