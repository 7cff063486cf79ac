/**
 * The schemas of Import guests and Get import (docs/guests.md), and the mapper from an import's
 * row to its API object: the only place that knows both the columns and the API's keys.
 */
import { Type, type Static } from 'typebox';
import { NullableInteger, OrganizationIdParam, Timestamp } from '../../http/schemas.js';
import type { ImportRow } from './import.repository.js';
import { progressOf } from './import-rows.js';

export const ImportParams = Type.Object({
  org_id: OrganizationIdParam,
  import_id: Type.String({
    description: 'The import id: 32 lowercase hex characters.',
    maxLength: 64,
    example: '9b1c3e0a7d2f4b6c8e0a1b2c3d4e5f60',
  }),
});

const FailedRow = Type.Object({
  line: Type.Integer({ description: 'The line of the file the row ends on (1 is the header).' }),
  email: Type.Union([Type.String(), Type.Null()], { description: 'The row’s email as written, if any.' }),
  code: Type.String({ description: 'The error code a single Create guest would have answered.' }),
  message: Type.String(),
  errors: Type.Record(Type.String(), Type.Array(Type.String()), {
    description: 'Messages per field, as Create guest answers them.',
  }),
});

export const Import = Type.Object(
  {
    id: Type.String(),
    status: Type.String({
      enum: ['queued', 'running', 'completed', 'failed'],
      description:
        '`queued` until an instance takes it up, `running`, then `completed`, or `failed` when the file has a structural flaw (no row written).',
    }),
    counts: Type.Object({
      rows: NullableInteger({ description: 'Data rows of the file (header excluded); null until it has been read.' }),
      processed: Type.Integer({ description: 'Rows done so far, in file order.' }),
      imported: Type.Integer({ description: 'Rows whose guest is in the organization: created + existing.' }),
      created: Type.Integer({ description: 'Rows that joined a guest to the organization.' }),
      existing: Type.Integer({ description: 'Rows whose email was already a guest here (unchanged).' }),
      failed: Type.Integer({ description: 'Rows refused, each as a single Create guest would refuse it.' }),
    }),
    failed_rows: Type.Array(FailedRow, { description: 'The first 1,000 failed rows, in file order.' }),
    failed_rows_omitted: Type.Integer({ description: 'Failed rows not listed (past the first 1,000).' }),
    error: Type.Union([Type.Object({ line: Type.Integer(), message: Type.String() }), Type.Null()], {
      description: 'The structural flaw that failed the import (nothing was written), with its line.',
    }),
    size: Type.Integer({ description: 'Bytes of the CSV.' }),
    created_at: Timestamp('When the import was received.'),
    updated_at: Timestamp('When its progress was last saved.'),
    finished_at: Timestamp('When it completed or failed.'),
  },
  { title: 'Import' },
);
export type Import = Static<typeof Import>;

export const ImportEnvelope = Type.Object({ data: Import });

export function importRowToImport(row: ImportRow): Import {
  const progress = progressOf(row);
  return {
    id: row.id,
    status: row.status,
    counts: {
      rows: row.total_rows,
      processed: progress.rowsDone,
      imported: progress.created + progress.existing,
      created: progress.created,
      existing: progress.existing,
      failed: progress.failed,
    },
    failed_rows: progress.failedRows,
    failed_rows_omitted: progress.failed - progress.failedRows.length,
    error: row.error === null ? null : (JSON.parse(row.error) as { line: number; message: string }),
    size: Number(row.size),
    created_at: row.created_at,
    updated_at: row.updated_at,
    finished_at: row.finished_at,
  };
}
