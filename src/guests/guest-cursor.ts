/**
 * The cursor of List guests (docs/guests.md, List guests, Cursor paging): opaque to clients,
 * base64url of the last row's sort values and record id with the organization, sort and search
 * it belongs to, and a checksum. It is checked, not signed: whatever a client writes into one can
 * only start a page somewhere in its own organization's list, which it may read anyway; the
 * checksum and the checks below make a mangled, tampered or mismatched cursor a clear 422 rather
 * than a wrong page or a failing query.
 */
import { createHash } from 'node:crypto';
import { validationFailed } from '../core/errors.js';
import type { Position, SortValue } from './guest-keyset.js';

/** What a cursor belongs to: a cursor of another organization, sort or search is refused. */
export interface CursorScope {
  organizationId: string;
  /** The sort as the request names it after defaults: `created_at`, `-name`. */
  sort: string;
  /** The search, or null. */
  q: string | null;
}

/** A decoded cursor: where the page starts, and its number in the walk. */
export interface CursorPosition extends Position {
  page: number;
}

interface Payload {
  o: string;
  s: string;
  q: string | null;
  p: number;
  k: SortValue[];
  i: number;
}

const MAX_VALUE_LENGTH = 1000;
const MAX_PAGE = 1_000_000;

function checksum(body: string): string {
  return createHash('sha256').update(`guest-list-cursor\u0000${body}`).digest('base64url').slice(0, 22);
}

export function encodeCursor(scope: CursorScope, position: CursorPosition): string {
  const payload: Payload = {
    o: scope.organizationId,
    s: scope.sort,
    q: scope.q,
    p: position.page,
    k: position.values,
    i: position.id,
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${checksum(body)}`;
}

const invalid = (why: string) =>
  validationFailed({
    cursor: [`The cursor ${why}; start again with an empty cursor or use meta.pagination.next_cursor.`],
  });

const isId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;

/**
 * The position in `text` for a request of `scope` over columns shaped as `columns`; a 422 on
 * `cursor` when it is not a cursor this service wrote for this organization, sort and search.
 */
export function decodeCursor(
  text: string,
  scope: CursorScope,
  columns: Array<{ integer: boolean; nullable: boolean }>,
): CursorPosition {
  const [body, sum, extra] = text.split('.');
  if (!body || !sum || extra !== undefined || !/^[A-Za-z0-9_-]+$/.test(body) || checksum(body) !== sum) {
    throw invalid('is not valid');
  }
  let payload: Partial<Payload>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Payload>;
  } catch {
    throw invalid('is not valid');
  }
  if (typeof payload !== 'object' || payload === null) throw invalid('is not valid');
  if (payload.o !== scope.organizationId) throw invalid('belongs to another organization');
  if (payload.s !== scope.sort || payload.q !== scope.q) throw invalid('belongs to another sort or search');
  const values = payload.k;
  const valid =
    isId(payload.i) &&
    isId(payload.p) &&
    payload.p <= MAX_PAGE &&
    Array.isArray(values) &&
    values.length === columns.length &&
    values.every((value: unknown, i) => {
      const column = columns[i] as { integer: boolean; nullable: boolean };
      if (value === null) return column.nullable;
      // Text that a database can hold: PostgreSQL refuses NUL in text.
      if (!column.integer)
        return typeof value === 'string' && value.length <= MAX_VALUE_LENGTH && !value.includes('\u0000');
      return typeof value === 'number' && Number.isSafeInteger(value);
    });
  if (!valid) throw invalid('is not valid');
  return { values: values as SortValue[], id: payload.i as number, page: payload.p as number };
}
