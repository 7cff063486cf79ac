/**
 * Guest queries. Plain functions taking the database (or a transaction) first; column names stay
 * here and in the mapper, never in the API.
 */
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Database, NewOrganizationGuest, OrganizationGuestRow, OrganizationGuestUpdate } from '../db/types.js';
import type { SortKey } from './guest.schemas.js';
import { placeholdersFor, prepared, selectRows, type Placeholder, type Prepared } from '../db/prepared.js';
import { kindOf, sqliteConnectionOf, type DatabaseKind } from '../db/database.js';
import { randomId } from '../core/ids.js';
import { RecentMap } from '../core/recent-map.js';
import { escapeLike } from '../db/like.js';

type Q = Kysely<Database>;

/** Every column a new record is written with (the id is generated). */
export const RECORD_COLUMNS = [
  'organization_id',
  'guest_id',
  'first_name',
  'last_name',
  'phone_1',
  'phone_2',
  'company_name',
  'company_url',
  'contact_url',
  'image_url',
  'opportunity_url',
  'opportunity_name',
  'timezone',
  'status',
  'external_sync_source',
  'external_date_creation',
  'cadence_days',
  'associated_members',
  'guest_code',
  'guest_code_hash',
  'guest_code_encrypted',
  'guest_code_key_id',
  'disabled_at',
  'disabled_by',
  'reactivated_at',
  'reactivated_by',
  'last_accessed_at',
  'last_known_ip',
  'last_known_country',
  'last_city',
  'created_at',
  'updated_at',
  'deleted_at',
] as const satisfies ReadonlyArray<keyof NewOrganizationGuest>;

/**
 * The columns of a record that are read: what the guest object (guest.mapper.ts), and so its
 * ETag, is made of, the record's keys, and `updated_at`, a sort key whose value a list cursor
 * holds (guest-keyset.ts). Not the plain code of old, always null (see guest-code.store.ts).
 */
export const RECORD_READ_COLUMNS = [
  'id',
  ...RECORD_COLUMNS.filter((c): c is Exclude<(typeof RECORD_COLUMNS)[number], 'guest_code'> => c !== 'guest_code'),
] as const;

/** An organization's record of a guest as it is read, with the guest's global email. */
export type GuestRecord = Pick<OrganizationGuestRow, (typeof RECORD_READ_COLUMNS)[number]> & { email: string };

/** A record as it is read, without the email (what inserts and updates return). */
export type RecordRow = Omit<GuestRecord, 'email'>;

const readColumns = RECORD_READ_COLUMNS.map((column) => `organization_guests.${column}` as const);

/**
 * How the reads of whole records are prepared: on PostgreSQL each record comes as one JSON array
 * (prepared.ts, rowsAsJson); its columns are text and integers.
 */
export const RECORDS_AS_JSON = { rowsAsJson: true } as const;

export function records(db: Q) {
  return db
    .selectFrom('organization_guests')
    .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
    .select(readColumns)
    .select('guests.email');
}

const globalGuestByEmail = prepared((db, p: Placeholder<{ email: string }>) =>
  db.selectFrom('guests').selectAll().where('email', '=', p('email')),
);

export async function findGlobalGuest(db: Q, email: string) {
  return globalGuestByEmail.first(db, { email });
}

/**
 * Inserts the global guest with a random id (src/core/ids.ts); no row when the email, or the id,
 * is taken already.
 */
const insertGlobalGuest = prepared((db, p: Placeholder<{ id: number; email: string; at: string }>) =>
  db
    .insertInto('guests')
    .values({ id: p('id'), email: p('email'), created_at: p('at'), deleted_at: null })
    .onConflict((oc) => oc.doNothing())
    .returningAll(),
);

/**
 * Locks the global guest row until the transaction ends, and reads it as it is now. Joining and
 * removing both take this lock before they touch an organization's record, so one waits for the
 * other: a removal's "does any organization still have the guest" count then sees a join that
 * committed first, and a join sees (and clears) a removal that committed first. On SQLite,
 * transactions run one at a time (BEGIN IMMEDIATE), so the plain read is enough.
 */
export async function lockGlobalGuest(db: Q, guestId: number) {
  const query = db.selectFrom('guests').selectAll().where('id', '=', guestId);
  return (sqliteConnectionOf(db) ? query : query.forUpdate()).executeTakeFirst();
}

/**
 * The global guest for `email`, created if missing and active again if it was removed; safe
 * against a concurrent create, and locked (see lockGlobalGuest) until the transaction ends.
 */
export async function ensureGlobalGuest(db: Q, email: string, at: string) {
  // A taken id, or a permanent delete erasing the row between the steps, sends the loop round again.
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const created = await insertGlobalGuest.first(db, { id: randomId(), email, at });
    if (created) return created;
    const found = await findGlobalGuest(db, email);
    const guest = found && (await lockGlobalGuest(db, found.id));
    if (!guest) continue;
    if (guest.deleted_at !== null) {
      await db.updateTable('guests').set({ deleted_at: null }).where('id', '=', guest.id).execute();
      guest.deleted_at = null;
    }
    return guest;
  }
  throw new Error(`global guest ${email} vanished after insert`);
}

/**
 * The id of the global guest with `email`, as a subquery: an organization's record of a guest
 * found by email is looked up as `guest_id = (this)` with its organization, on the
 * (organization, guest) key. Not as a join on the email: PostgreSQL estimates an organization
 * that its statistics do not know yet (one created or grown since the table was last analyzed)
 * at about one record, and then walks every record of the organization, checking each one's email
 * (measured: 17 ms for an organization of 7,000 guests, and growing with it, instead of well
 * under 1 ms). A subquery that gives one id runs first, whatever the estimates.
 */
function guestIdOfEmail(db: Q, email: string) {
  return db.selectFrom('guests as by_email').select('by_email.id').where('by_email.email', '=', email);
}

/**
 * The organization's active records of the guests with these emails: `id` and `email`. Each
 * guest is found by its email's index, then its record by the (organization, guest) key, one
 * guest at a time, for the reason given at guestIdOfEmail: a join would let PostgreSQL walk the
 * organization's records instead.
 */
export async function activeRecordIdsByEmail(
  db: Q,
  organizationId: string,
  emails: string[],
): Promise<Array<{ id: number; email: string }>> {
  if (emails.length === 0) return [];
  const rows = await db
    .selectFrom('guests')
    .select((eb) => [
      'guests.email',
      eb
        .selectFrom('organization_guests')
        .select('organization_guests.id')
        .whereRef('organization_guests.guest_id', '=', 'guests.id')
        .where('organization_guests.organization_id', '=', organizationId)
        .where('organization_guests.deleted_at', 'is', null)
        .as('id'),
    ])
    .where('guests.email', 'in', emails)
    .execute();
  return rows.flatMap((row) => (row.id === null ? [] : [{ id: row.id, email: row.email }]));
}

/** The organization's record of the guest with this email, removed ones included. */
const recordByEmail = prepared(
  (db, p: Placeholder<{ organizationId: string; email: string }>) =>
    records(db)
      .where('organization_guests.organization_id', '=', p('organizationId'))
      .where('organization_guests.guest_id', '=', guestIdOfEmail(db, p('email'))),
  RECORDS_AS_JSON,
);

export async function findRecordByEmail(
  db: Q,
  organizationId: string,
  email: string,
): Promise<GuestRecord | undefined> {
  return recordByEmail.first(db, { organizationId, email });
}

/** A new record's values, every column given (null where the record has no value). */
export type RecordValues = { [C in (typeof RECORD_COLUMNS)[number]]-?: Exclude<NewOrganizationGuest[C], undefined> };

const insertRecordQuery = prepared((db, p: Placeholder<RecordValues>) =>
  db
    .insertInto('organization_guests')
    .values(placeholdersFor(p, RECORD_COLUMNS))
    .onConflict((oc) => oc.columns(['organization_id', 'guest_id']).doNothing())
    .returning(RECORD_READ_COLUMNS),
);

/** Inserts the record unless one exists for this guest and organization; undefined when it did. */
export async function insertRecord(db: Q, values: NewOrganizationGuest): Promise<RecordRow | undefined> {
  const params: Record<string, unknown> = {};
  for (const column of RECORD_COLUMNS) params[column] = values[column] ?? null;
  // Every column of RECORD_COLUMNS is set just above, each to its value or null.
  return insertRecordQuery.first(db, params as RecordValues);
}

/**
 * Updates the record only while it is in `state`: `active` (not removed) for an update or removal,
 * `removed` to re-join it fresh. Undefined when it is not (any more): the check and the write are
 * one statement, so a concurrent change cannot slip between them.
 */
export async function updateRecordIn(db: Q, state: 'active' | 'removed', id: number, changes: OrganizationGuestUpdate) {
  const params: UpdateParams = { id };
  const values: Record<string, unknown> = params;
  const columns: UpdateColumn[] = [];
  for (const [column, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    columns.push(column as UpdateColumn);
    values[column] = value;
  }
  return updateQueryFor(state, columns.sort()).first(db, params);
}

// One compiled update per set of columns; updates name a few fixed sets (an update's profile
// fields, a removal, a re-join), and the map is bounded all the same.
type UpdateColumn = keyof OrganizationGuestUpdate & string;
type UpdateParams = OrganizationGuestUpdate & { id: number };
const updateQueries = new RecentMap<string, Prepared<UpdateParams, RecordRow>>(512);

function updateQueryFor(state: 'active' | 'removed', columns: UpdateColumn[]): Prepared<UpdateParams, RecordRow> {
  const key = `${state}:${columns.join(',')}`;
  let query = updateQueries.get(key);
  if (!query) {
    query = prepared((db, p: Placeholder<UpdateParams>) =>
      db
        .updateTable('organization_guests')
        .set(placeholdersFor(p, columns))
        .where('id', '=', p('id'))
        .where('deleted_at', state === 'active' ? 'is' : 'is not', null)
        .returning(RECORD_READ_COLUMNS),
    );
    updateQueries.set(key, query);
  }
  return query;
}

export async function countActiveRecordsOfGuest(db: Q, guestId: number): Promise<number> {
  const row = await db
    .selectFrom('organization_guests')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('guest_id', '=', guestId)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Takes the organization's record of a guest out of every group (a removed guest leaves them). */
export async function leaveGroups(db: Q, recordId: number): Promise<void> {
  await db.deleteFrom('group_guests').where('organization_guest_id', '=', recordId).execute();
}

export async function softDeleteGlobalGuest(db: Q, guestId: number, at: string): Promise<void> {
  await db
    .updateTable('guests')
    .set({ deleted_at: at })
    .where('id', '=', guestId)
    .where('deleted_at', 'is', null)
    .execute();
}

/**
 * Counts one invite against the organization's hourly cap, atomically: the conditional UPDATE
 * lets through at most `cap` increments per window whatever runs concurrently. Returns false when
 * the cap is reached. Runs inside the caller's transaction, so a failed create gives it back.
 */
const countInvite = prepared((db, p: Placeholder<{ organizationId: string; windowStart: string; cap: number }>) =>
  db
    .insertInto('invite_windows')
    .values({ organization_id: p('organizationId'), window_start: p('windowStart'), count: 1 })
    .onConflict((oc) =>
      oc
        .columns(['organization_id', 'window_start'])
        .doUpdateSet((eb) => ({ count: eb('invite_windows.count', '+', 1) }))
        .where('invite_windows.count', '<', p('cap')),
    )
    .returning('count'),
);

export async function consumeInvite(db: Q, organizationId: string, windowStart: string, cap: number): Promise<boolean> {
  // One upsert: the first invite of the window inserts 1, later ones add 1 while under the cap.
  // A window at the cap updates nothing and returns no row.
  return (await countInvite.first(db, { organizationId, windowStart, cap })) !== undefined;
}

export interface ListFilter {
  organizationId: string;
  q?: string | undefined;
}

export interface ListOrder {
  key: SortKey;
  descending: boolean;
  /**
   * Read from the end: the exact reverse of the order (nulls first, every direction turned, the
   * id last), so that a late page is read as an early page from the other end.
   */
  fromEnd?: boolean;
}

/**
 * The organization's active records, searched when `searching` (parameters `organizationId` and
 * `pattern`, see listParams). The guests table is joined only when the email is needed (a search,
 * or the email sort): the default list then reads one index only.
 */
export function filtered(
  db: Q,
  p: Placeholder<FilterParams>,
  kind: DatabaseKind,
  searching: boolean,
  sortKey: SortKey,
) {
  const query = db
    .selectFrom('organization_guests')
    .where('organization_guests.organization_id', '=', p('organizationId'))
    .where('organization_guests.deleted_at', 'is', null);
  const postgres = kind === 'postgres';
  // On PostgreSQL a search reads each record's email by its guest's id, one index read per record,
  // so that it costs what the organization holds: joined, the planner reads every guest of every
  // organization and hashes them, which makes a small organization's search as slow as the whole
  // installation is large (10,000 guests beside 300,000 others: 62 ms instead of 197 ms).
  const joinGuests = sortKey === 'email' || (searching && !postgres);
  const joined = joinGuests ? query.innerJoin('guests', 'guests.id', 'organization_guests.guest_id') : query;
  if (!searching) return joined as unknown as typeof query;
  // SQLite's LIKE ignores ASCII case; PostgreSQL needs ILIKE for the same.
  const like = postgres ? sql`ilike` : sql`like`;
  const email = postgres
    ? sql`(select guests.email from guests where guests.id = organization_guests.guest_id)`
    : sql.ref('guests.email');
  // The email last: PostgreSQL tries the alternatives in order, and the record's own columns cost no read.
  const columns = [
    sql.ref('organization_guests.first_name'),
    sql.ref('organization_guests.last_name'),
    sql.ref('organization_guests.company_name'),
    email,
  ];
  // The joined columns are only ever named through sql.ref, so the narrower type is kept.
  return joined.where((eb) =>
    eb.or(columns.map((column) => sql<SqlBool>`${column} ${like} ${p('pattern')} escape '\\'`)),
  ) as unknown as typeof query;
}

type Filtered = ReturnType<typeof filtered>;

/** How each sort key orders: its columns, in order, and whether they may be null or are text. */
export interface SortSpec {
  columns: string[];
  nullable: boolean;
  /** Text compared without regard to case, in byte order on both databases. */
  caseless?: boolean;
  /** Text in one fixed format (timestamps) or numbers: compared as they are, so an index can serve. */
  plain?: boolean;
}

const og = (column: string) => `organization_guests.${column}`;
const textKey = (column: string, caseless = false): SortSpec => ({ columns: [og(column)], nullable: true, caseless });
const plainKey = (column: string, nullable = true): SortSpec => ({ columns: [og(column)], nullable, plain: true });

export const SORT_SPECS: Record<SortKey, SortSpec> = {
  created_at: plainKey('created_at', false),
  updated_at: plainKey('updated_at', false),
  id: plainKey('guest_id', false),
  email: { columns: ['guests.email'], nullable: false },
  name: { columns: [og('first_name'), og('last_name')], nullable: true, caseless: true },
  first_name: textKey('first_name', true),
  last_name: textKey('last_name', true),
  last_accessed_at: plainKey('last_accessed_at'),
  last_known_ip: textKey('last_known_ip'),
  last_known_country: textKey('last_known_country', true),
  status: textKey('status', true),
  phone_1: textKey('phone_1'),
  phone_2: textKey('phone_2'),
  timezone: textKey('timezone'),
  image_url: textKey('image_url'),
  contact_url: textKey('contact_url'),
  company_url: textKey('company_url'),
  opportunity_url: textKey('opportunity_url'),
  company_name: textKey('company_name', true),
  opportunity_name: textKey('opportunity_name', true),
  external_sync_source: textKey('external_sync_source'),
  external_date_creation: plainKey('external_date_creation'),
  last_city: textKey('last_city', true),
  last_country: textKey('last_known_country', true),
  disabled_at: plainKey('disabled_at'),
  disabled_by: plainKey('disabled_by'),
  reactivated_at: plainKey('reactivated_at'),
  reactivated_by: plainKey('reactivated_by'),
};

/**
 * The list's queries, compiled once per shape (database kind, sort, direction, search or not: a
 * few dozen at most); the organization, the pattern and the page are parameters.
 */
const listQueries = new Map<
  string,
  {
    count: Prepared<FilterParams, { n: number | string }>;
    ids: Prepared<FilterParams, { id: number }>;
    page: Prepared<PageParams, GuestRecord>;
  }
>();

function listQueriesFor(kind: DatabaseKind, searching: boolean, order: ListOrder) {
  const key = `${kind}:${searching}:${order.key}:${order.descending}:${order.fromEnd === true}`;
  let queries = listQueries.get(key);
  if (!queries) {
    const ids = (db: Q, p: Placeholder<FilterParams>) =>
      orderIds(filtered(db, p, kind, searching, order.key), kind, order).select('organization_guests.id');
    queries = {
      count: prepared((db, p) =>
        filtered(db, p, kind, searching, order.key).select((eb) => eb.fn.countAll<number>().as('n')),
      ),
      ids: prepared(ids),
      // One statement for a page: its ids in order (read from the index alone), then their rows.
      page: prepared((db, p: Placeholder<PageParams>) => {
        const pageIds = ids(db, p).limit(p('limit')).offset(p('offset'));
        return orderIds(records(db).innerJoin(pageIds.as('page'), 'page.id', 'organization_guests.id'), kind, order);
      }, RECORDS_AS_JSON),
    };
    listQueries.set(key, queries);
  }
  return queries;
}

/** The list's parameters: the organization, and the search pattern when searching. */
export interface FilterParams {
  organizationId: string;
  pattern?: string;
}

/** A page of the list: the filter's parameters, and the page's bounds. */
interface PageParams extends FilterParams {
  limit: number;
  offset: number;
}

export function listParams(filter: ListFilter): FilterParams;
export function listParams(filter: ListFilter, page: { limit: number; offset: number }): PageParams;
export function listParams(filter: ListFilter, page?: { limit: number; offset: number }): FilterParams {
  return {
    organizationId: filter.organizationId,
    ...(filter.q && { pattern: `%${escapeLike(filter.q.toLowerCase())}%` }),
    ...(page && { limit: page.limit, offset: page.offset }),
  };
}

const DEFAULT_ORDER: ListOrder = { key: 'created_at', descending: false };

/**
 * The maintained count of the organization's active records and the version of its list: sums
 * of its few slots (migrations 016_guest_counts and 017_guest_list_versions).
 */
const maintainedCount = prepared((db, p: Placeholder<{ organizationId: string }>) =>
  db
    .selectFrom('organization_guest_counts')
    .select((eb) => [
      eb.fn.sum<number | string | null>('count').as('n'),
      eb.fn.sum<number | string | null>('changes').as('v'),
    ])
    .where('organization_id', '=', p('organizationId')),
);

/**
 * The organization's list as it stands: how many active records it has (the maintained count),
 * and its version, which every write to its records or to their stats moves (migrations
 * 017_guest_list_versions and 018_guest_stats_versions).
 * One indexed read whatever the organization holds.
 */
export async function listState(db: Q, organizationId: string): Promise<{ total: number; version: string }> {
  const row = await maintainedCount.first(db, { organizationId });
  return { total: Number(row?.n ?? 0), version: String(row?.v ?? 0) };
}

/**
 * How many active records match the filter (docs/guests.md, List guests): without a search, the
 * count the database maintains, one indexed read whatever the organization holds; a search counts
 * its matches, so its cost grows with them.
 */
export async function countRecords(db: Q, filter: ListFilter): Promise<number> {
  if (!filter.q) return (await listState(db, filter.organizationId)).total;
  const row = await listQueriesFor(kindOf(db), true, DEFAULT_ORDER).count.first(db, listParams(filter));
  return Number(row?.n ?? 0);
}

/**
 * Orders the ids. Nulls sort last in both directions on both databases; the id breaks ties so
 * that pages never overlap. `fromEnd` turns every part round: the same order read backwards.
 */
export function orderIds<T>(query: T, kind: DatabaseKind, order: ListOrder): T {
  const fromEnd = order.fromEnd === true;
  const direction = order.descending !== fromEnd ? 'desc' : 'asc';
  const spec = SORT_SPECS[order.key];
  // Any query over organization_guests (and guests, for the email): the keys are named by reference.
  let sorted = query as unknown as Filtered;
  for (const name of spec.columns) {
    const column = sql.ref(name);
    const key = spec.caseless ? sql`lower(${column})` : column;
    // Text sorts in byte order on both databases (PostgreSQL's default collation would otherwise
    // order differently from SQLite's). Timestamps and numbers keep a plain order, so that
    // PostgreSQL can read it from the index.
    const sortKey = kind === 'postgres' && !spec.plain ? sql`${key} collate "C"` : key;
    // Nulls last in both directions, for the columns that can be null.
    if (spec.nullable) {
      const isNull = sql`case when ${column} is null then 1 else 0 end`;
      sorted = fromEnd ? sorted.orderBy(isNull, 'desc') : sorted.orderBy(isNull);
    }
    sorted = sorted.orderBy(sortKey, direction);
  }
  return sorted.orderBy('organization_guests.id', direction) as unknown as T;
}

/** One page of the organization's active records, in order (in reverse order when `order.fromEnd`). */
export async function listPage(
  db: Q,
  filter: ListFilter,
  order: ListOrder,
  page: { limit: number; offset: number },
): Promise<GuestRecord[]> {
  return listQueriesFor(kindOf(db), Boolean(filter.q), order).page.all(db, listParams(filter, page));
}

/** The ids of every active record matching the filter, in order. */
export async function listRecordIds(db: Q, filter: ListFilter, order: ListOrder): Promise<number[]> {
  const rows = await listQueriesFor(kindOf(db), Boolean(filter.q), order).ids.all(db, listParams(filter));
  return rows.map((r) => r.id);
}

/** The records with these ids, in the order of `ids`. */
export async function findRecordsByIds(db: Q, ids: number[]): Promise<GuestRecord[]> {
  if (ids.length === 0) return [];
  const rows = await selectRows(db, records(db).where('organization_guests.id', 'in', ids));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [row] : [];
  });
}
