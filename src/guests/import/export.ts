/**
 * Export guests (docs/guests.md): an organization's active guests as CSV or JSON, the fields of
 * Create guest only, so that an export imports again (into this organization or another) as the
 * same guests. Read in batches ordered by the record id (keyset: each batch starts after the last
 * id of the one before, one short statement each), written as they come: constant memory however
 * many guests there are.
 */
import type { Kysely } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import type { Database } from '../../db/types.js';
import { PROFILE_FIELDS } from '../guest.schemas.js';
import { bodyToCells, CSV_COLUMNS, type CsvColumn } from './csv-format.js';

const EXPORT_BATCH = 1000;
const LIST_FIELDS = new Set<string>(['associated_members', 'cadence_days']);

export type ExportFormat = 'csv' | 'json';
type GuestFields = Partial<Record<CsvColumn, unknown>>;

/** The active guests of the organization, EXPORT_BATCH at a time, as Create guest bodies. */
export async function* exportBatches(db: Kysely<Database>, organizationId: string): AsyncGenerator<GuestFields[]> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('organization_guests')
      .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
      .select(['organization_guests.id as record_id', 'guests.email'])
      .select(PROFILE_FIELDS.map((f) => `organization_guests.${f}` as const))
      .where('organization_guests.organization_id', '=', organizationId)
      .where('organization_guests.deleted_at', 'is', null)
      .where('organization_guests.id', '>', after)
      .orderBy('organization_guests.id')
      .limit(EXPORT_BATCH)
      .execute();
    if (rows.length === 0) return;
    after = (rows[rows.length - 1] as { record_id: number }).record_id;
    yield rows.map((row) => {
      const fields: GuestFields = { email: row.email };
      for (const field of PROFILE_FIELDS) {
        const value = (row as Record<string, unknown>)[field];
        fields[field] = LIST_FIELDS.has(field) && typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
      }
      return fields;
    });
  }
}

/**
 * The export's text, piece by piece. CSV: the header (the import's columns) then a row per guest,
 * cells that a spreadsheet would run as a formula written after a `'` (docs/guests.md, Export
 * guests). JSON: one array of objects, written as it goes, null fields left out.
 */
export async function* exportText(
  db: Kysely<Database>,
  organizationId: string,
  format: ExportFormat,
  counted?: (guests: number) => void,
): AsyncGenerator<string> {
  let first = true;
  if (format === 'csv') yield stringify([[...CSV_COLUMNS]], { record_delimiter: 'unix' });
  else yield '[';
  for await (const batch of exportBatches(db, organizationId)) {
    if (format === 'csv') {
      yield stringify(batch.map(bodyToCells), { record_delimiter: 'unix' });
    } else {
      const objects = batch.map((g) =>
        JSON.stringify(Object.fromEntries(Object.entries(g).filter(([, value]) => value !== null))),
      );
      yield `${first ? '\n' : ',\n'}${objects.join(',\n')}`;
    }
    first = false;
    counted?.(batch.length);
  }
  if (format === 'json') yield first ? ']\n' : '\n]\n';
}
