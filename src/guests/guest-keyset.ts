/**
 * List guests by cursor (docs/guests.md, List guests, Cursor paging): keyset pages over the list's
 * own order (the sort key's columns, nulls last in both directions, then the record id), so a
 * page starts right after the last row the client saw, wherever inserts and deletes have moved
 * the offsets. A row present for the whole walk is seen exactly once.
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../db/types.js';
import { kindOf, type DatabaseKind } from '../db/database.js';
import { prepared, type Placeholder, type Prepared } from '../db/prepared.js';
import {
  SORT_SPECS,
  filtered,
  listParams,
  orderIds,
  records,
  RECORDS_AS_JSON,
  type FilterParams,
  type GuestRecord,
  type ListFilter,
  type ListOrder,
} from './guest.repository.js';

type Q = Kysely<Database>;

/** A sort value as the cursor holds it: a column's value of the last row seen. */
export type SortValue = string | number | null;

/** Where a page starts: right after the row with these sort values and this record id. */
export interface Position {
  values: SortValue[];
  id: number;
}

/** The sort columns that hold integers (the others hold text: names, timestamps). */
const INTEGER_COLUMNS = new Set([
  'organization_guests.guest_id',
  'organization_guests.disabled_by',
  'organization_guests.reactivated_by',
]);

/** The columns a sort key orders by, and whether each holds integers and may be null. */
export function sortColumns(order: ListOrder): Array<{ integer: boolean; nullable: boolean }> {
  const spec = SORT_SPECS[order.key];
  return spec.columns.map((column) => ({ integer: INTEGER_COLUMNS.has(column), nullable: spec.nullable }));
}

/** The sort values of a row: what a cursor after it holds. */
export function sortValuesOf(row: GuestRecord, order: ListOrder): SortValue[] {
  return SORT_SPECS[order.key].columns.map((column) => {
    const name = column.slice(column.indexOf('.') + 1) as keyof GuestRecord;
    return row[name] as SortValue;
  });
}

interface KeysetParams extends FilterParams {
  limit: number;
  offset: number;
  id: number;
  [value: `v${number}`]: string | number;
}

/**
 * "After the position" in the order orderIds writes: the rows whose first differing sort part
 * comes later. Per column: the null flag (nulls last, ascending in both directions), then the
 * value in the sort's direction, compared as orderIds compares (lower case for caseless keys,
 * byte order on PostgreSQL); the record id last. A null in the position has no value to compare:
 * only nulls equal it, and nothing within its column comes after it.
 */
function after(kind: DatabaseKind, order: ListOrder, nulls: boolean[], p: Placeholder<KeysetParams>) {
  const spec = SORT_SPECS[order.key];
  const op = sql.raw(order.descending ? '<' : '>');
  const keyed = (value: Expression<unknown>, param: boolean) => {
    const text = param && !spec.plain ? sql`cast(${value} as text)` : value;
    const lowered = spec.caseless ? sql`lower(${text})` : text;
    return kind === 'postgres' && !spec.plain ? sql`${lowered} collate "C"` : lowered;
  };
  const equal: Array<Expression<SqlBool>> = [];
  const alternatives: Array<Expression<SqlBool>> = [];
  spec.columns.forEach((name, i) => {
    const column = sql.ref(name);
    if (nulls[i]) {
      equal.push(sql<SqlBool>`${column} is null`);
      return;
    }
    const value = keyed(sql`${p(`v${i}`)}`, true);
    const later = sql<SqlBool>`${keyed(column, false)} ${op} ${value}`;
    const beyond = spec.nullable ? sql<SqlBool>`(${column} is null or ${later})` : later;
    alternatives.push(and([...equal, beyond]));
    equal.push(sql<SqlBool>`${keyed(column, false)} = ${value}`);
  });
  alternatives.push(and([...equal, sql<SqlBool>`${sql.ref('organization_guests.id')} ${op} ${p('id')}`]));
  const beyondPosition = sql<SqlBool>`(${sql.join(alternatives, sql` or `)})`;
  // The alternatives joined by OR are no index range: a database may read the organization's
  // entries from its first one and filter, which costs what lies before the position. A first
  // key that is plain and never null bounds the rows after the position on its own (they all
  // have it at or beyond the position's value), so that bound, added, lets the index start there.
  const first = spec.columns[0];
  if (!spec.plain || spec.nullable || first === undefined || nulls[0]) return beyondPosition;
  const from = sql<SqlBool>`${sql.ref(first)} ${sql.raw(order.descending ? '<=' : '>=')} ${p('v0')}`;
  return and([from, beyondPosition]);
}

function and(parts: Array<Expression<SqlBool>>): Expression<SqlBool> {
  return sql<SqlBool>`(${sql.join(parts, sql` and `)})`;
}

/**
 * One compiled query per shape: database kind, search or not, sort, direction, and which of the
 * position's values are null (at most two columns: a few hundred shapes at most), plus the first
 * page's, which has no position.
 */
const keysetQueries = new Map<string, Prepared<KeysetParams, GuestRecord>>();

function keysetQueryFor(kind: DatabaseKind, searching: boolean, order: ListOrder, nulls: boolean[] | undefined) {
  const key = `${kind}:${searching}:${order.key}:${order.descending}:${nulls?.map(Number).join('') ?? 'first'}`;
  let query = keysetQueries.get(key);
  if (!query) {
    query = prepared((db, p: Placeholder<KeysetParams>) => {
      const base = filtered(db, p, kind, searching, order.key);
      const from = nulls ? base.where(after(kind, order, nulls, p)) : base;
      const pageIds = orderIds(from, kind, order)
        .select('organization_guests.id')
        .limit(p('limit'))
        .offset(p('offset'));
      return orderIds(records(db).innerJoin(pageIds.as('page'), 'page.id', 'organization_guests.id'), kind, order);
    }, RECORDS_AS_JSON);
    keysetQueries.set(key, query);
  }
  return query;
}

/**
 * Up to `limit` active records in the list's order, right after `position` (from the start without
 * one), `offset` records after it passed over first.
 */
export async function listAfter(
  db: Q,
  filter: ListFilter,
  order: ListOrder,
  position: Position | undefined,
  limit: number,
  offset = 0,
): Promise<GuestRecord[]> {
  const nulls = position?.values.map((v) => v === null);
  const params: Record<string, unknown> = { ...listParams(filter), limit, offset, id: position?.id ?? 0 };
  position?.values.forEach((value, i) => {
    if (value !== null) params[`v${i}`] = value;
  });
  return keysetQueryFor(kindOf(db), Boolean(filter.q), order, nulls).all(db, params as unknown as KeysetParams);
}
