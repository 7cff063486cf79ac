/**
 * Database constraint violations -> API errors, by constraint name.
 *
 * PostgreSQL reports the constraint's name; SQLite reports the table and columns of a unique
 * constraint ("UNIQUE constraint failed: guests.email"), so those are mapped to the same names
 * through the table below. Services prevent these with ON CONFLICT and transactions; this is the
 * net under them, so that a lost race is a 409, never a 500.
 */
import { AppError } from './errors.js';

const SQLITE_UNIQUE_COLUMNS: Record<string, string> = {
  'users.email': 'users__email',
  'memberships.organization_id, memberships.user_id': 'memberships__organization_id__user_id',
  'access_tokens.token_hash': 'access_tokens__token_hash',
  'guests.email': 'guests__email',
  'organization_guests.organization_id, organization_guests.guest_id': 'organization_guests__organization_id__guest_id',
  'organization_guests.guest_code_hash': 'organization_guests__guest_code_hash',
  'invite_windows.organization_id, invite_windows.window_start': 'invite_windows__organization_id__window_start',
  'groups.organization_id, groups.name_key': 'groups__organization_id__name_key',
};

const CONFLICT_MESSAGES: Record<string, string> = {
  users__email: 'A member with this email already exists.',
  memberships__organization_id__user_id: 'This user is already a member of the organization.',
  guests__email: 'A guest with this email was created at the same time; retry the request.',
  organization_guests__organization_id__guest_id:
    'This guest was joined to the organization at the same time; retry the request.',
};

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

/** The name of the violated unique constraint, or undefined when `error` is not one. */
export function uniqueViolation(error: unknown): string | undefined {
  const e = error as DriverError;
  if (e?.code === '23505' && typeof e.constraint === 'string') return e.constraint; // PostgreSQL
  if (
    (e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') &&
    typeof e.message === 'string'
  ) {
    const columns = e.message.replace(/^UNIQUE constraint failed: /, '');
    return SQLITE_UNIQUE_COLUMNS[columns] ?? columns;
  }
  return undefined;
}

export function foreignKeyViolation(error: unknown): boolean {
  const e = error as DriverError;
  return e?.code === '23503' || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

// PostgreSQL connection classes 08 (connection exception) and 57P0x (shutdown, cannot connect now).
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[1-4]|53300)$/;
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'SQLITE_BUSY',
]);
// "cached plan must not change result type": a statement prepared on a connection before another
// instance changed the schema, refused once inside a transaction (see sendKeptTextsNamed in
// src/db/database.ts); the same request sent again succeeds.
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|database is locked|cached plan must not change result type/i;

/** True when the database could not be reached (or is shutting down): the request may be retried. */
export function unavailable(error: unknown): boolean {
  const e = error as DriverError;
  if (typeof e?.code === 'string' && (UNAVAILABLE_SQLSTATES.test(e.code) || UNAVAILABLE_ERRNOS.has(e.code)))
    return true;
  return typeof e?.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message);
}

/** A constraint violation or an unreachable database as an AppError; undefined for anything else. */
export function databaseError(error: unknown): AppError | undefined {
  if (unavailable(error)) {
    return new AppError('SERVICE_UNAVAILABLE', 'The database is not answering; retry shortly.', {
      headers: { 'retry-after': '5' },
    });
  }
  const unique = uniqueViolation(error);
  if (unique !== undefined) {
    return new AppError(
      'CONFLICT',
      CONFLICT_MESSAGES[unique] ?? 'The change conflicts with existing data; retry the request.',
    );
  }
  // PostgreSQL's class 22 (data exception: a number out of range, an invalid byte sequence):
  // input the validation should have refused. A 4xx, and the handler logs it.
  if (typeof (error as DriverError)?.code === 'string' && /^22...$/.test((error as DriverError).code as string)) {
    return new AppError('BAD_REQUEST', 'A value in the request is out of range or malformed.');
  }
  if (foreignKeyViolation(error)) {
    return new AppError('CONFLICT', 'The change refers to something that no longer exists.');
  }
  return undefined;
}
