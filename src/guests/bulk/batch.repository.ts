/**
 * The set-based writes of a batch of creates (src/guests/bulk/batch.service.ts: imports, bulk creates): many global guests,
 * then many organization records, each in a few multi-row statements instead of one per row.
 */
import type { Kysely } from 'kysely';
import type { Database, NewOrganizationGuest } from '../../db/types.js';
import { columnPicker, placeholdersFor, preparedRows, type Placeholder } from '../../db/prepared.js';
import { RECORD_COLUMNS, RECORD_READ_COLUMNS, type RecordRow, type RecordValues } from '../guest.repository.js';

type Q = Kysely<Database>;

const insertGuestRows = preparedRows((db, rows: ReadonlyArray<Placeholder<NewGlobalGuest>>) =>
  db
    .insertInto('guests')
    .values(rows.map((p) => ({ id: p('id'), email: p('email'), created_at: p('created_at'), deleted_at: null })))
    .onConflict((oc) => oc.doNothing())
    .returning(['id', 'email']),
);

const insertRecordRows = preparedRows((db, rows: ReadonlyArray<Placeholder<RecordValues>>) =>
  db
    .insertInto('organization_guests')
    .values(rows.map((p) => placeholdersFor(p, RECORD_COLUMNS)))
    .onConflict((oc) => oc.columns(['organization_id', 'guest_id']).doNothing())
    .returning(['id', 'guest_id']),
);

interface NewGlobalGuest {
  id: number;
  email: string;
  created_at: string;
}

/**
 * Inserts the global guests that do not exist yet, each with its given random id; the emails
 * inserted, with their ids. An email that exists already, or whose id is taken, is left out (the
 * caller joins it one by one, as a single create does).
 */
export async function insertGlobalGuests(
  db: Q,
  guests: ReadonlyArray<{ id: number; email: string }>,
  at: string,
): Promise<Map<string, number>> {
  const rows = await insertGuestRows.all(
    db,
    guests.map((g) => ({ id: g.id, email: g.email, created_at: at })),
  );
  return new Map(rows.map((row) => [row.email, row.id]));
}

/**
 * Inserts the organization records that do not exist yet (every column given, null where the
 * record has none); the guest ids whose record was inserted, with the record as written. The
 * records are of one organization (a batch's), so a guest id names one record.
 *
 * Only the new id is read back: every other column of the record is the value just written.
 * Returning all 33 columns cost 1.4 of 3.8 s of the inserts of 100,000 records on SQLite
 * (measured), the driver building each returned row as an object of 33 properties.
 */
export async function insertRecords(db: Q, records: readonly NewOrganizationGuest[]): Promise<Map<number, RecordRow>> {
  const organizationId = records[0]?.organization_id;
  if (records.some((record) => record.organization_id !== organizationId))
    throw new Error('insertRecords: the records of one call are of one organization');
  // Every column of RECORD_COLUMNS, each to its value or null.
  const values = records.map((record) => recordValues(record) as RecordValues);
  const byGuest = new Map(values.map((row) => [row.guest_id, row]));
  const inserted = new Map<number, RecordRow>();
  for (const { id, guest_id } of await insertRecordRows.all(db, values)) {
    const written = byGuest.get(guest_id);
    if (!written) throw new Error(`insertRecords: the database returned guest ${guest_id}, which was not inserted`);
    inserted.set(guest_id, recordAsWritten(id, written));
  }
  return inserted;
}

const recordValues = columnPicker(RECORD_COLUMNS);
const readColumns = columnPicker(RECORD_READ_COLUMNS);

/** The record as a read of it answers: its id and the columns read (RECORD_READ_COLUMNS), each as written. */
function recordAsWritten(id: number, written: RecordValues): RecordRow {
  // Every column of RECORD_READ_COLUMNS is set: the rest from the values written, then the id.
  const row = readColumns(written) as RecordRow;
  row.id = id;
  return row;
}
