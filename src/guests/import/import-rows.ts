/**
 * The second pass of an import (docs/guests.md, Import guests): the rows of a file that passed its
 * structural check, created in batches through bulk create, so each row is checked and created
 * exactly as Create guest would (one bad row fails alone, with its line). Progress is saved after
 * every batch; a run that stops resumes after the last saved batch (its rows are skipped unread).
 */
import type { Actor } from '../../core/actor.js';
import type { createGuestBulk } from '../bulk/bulk.service.js';
import { mapHeader, rowToBody, type CsvColumn, type CsvLimits } from './csv-format.js';
import { readRecords } from './csv-reader.js';

type GuestBulk = ReturnType<typeof createGuestBulk>;

/** A row that could not be created: its line, its email as written, and why (by field). */
export interface FailedRow {
  line: number;
  email: string | null;
  code: string;
  message: string;
  errors: Record<string, string[]>;
}

/** Failed rows kept with an import; past this many they are counted only. */
export const MAX_FAILED_ROWS_KEPT = 1000;

/** Where an import stands: what every batch saves. */
export interface ImportProgress {
  /** Data rows done, in file order. */
  rowsDone: number;
  /** The line the last row done ends on. */
  lastLine: number;
  created: number;
  existing: number;
  failed: number;
  /** The first MAX_FAILED_ROWS_KEPT failed rows. */
  failedRows: FailedRow[];
}

export interface ImportRowsOptions {
  bulk: Pick<GuestBulk, 'createAll'>;
  limits: CsvLimits;
  /** Rows per bulk call, and per saved step of progress. */
  batchSize: number;
  actor: Actor;
  /** The file's bytes from its start (read again for this pass). */
  source: AsyncIterable<Buffer>;
  /** Where the last run stopped (all zero for a new import). */
  from: ImportProgress;
  /** Saves progress after a batch; false stops the run (the import is no longer this run's). */
  save(progress: ImportProgress): Promise<boolean>;
  /** Asked between batches: true stops the run after saving (a server shutting down). */
  stopped?: () => boolean;
}

interface PendingRow {
  line: number;
  body: Record<string, unknown>;
}

/** Creates the rows after `from.rowsDone`; `finished` is false when the run was stopped before the end. */
export async function importRows(options: ImportRowsOptions): Promise<{ progress: ImportProgress; finished: boolean }> {
  const progress: ImportProgress = { ...options.from, failedRows: [...options.from.failedRows] };
  let columns: CsvColumn[] | undefined;
  let seen = 0;
  let batch: PendingRow[] = [];

  async function flush(): Promise<boolean> {
    if (batch.length === 0) return true;
    const rows = batch;
    batch = [];
    const result = await options.bulk.createAll(
      options.actor,
      rows.map((r) => r.body),
    );
    for (const outcome of result.data) {
      if (outcome.status === 201) progress.created += 1;
      else if (outcome.status === 200) progress.existing += 1;
      else {
        progress.failed += 1;
        const row = rows[outcome.index] as PendingRow;
        if (progress.failedRows.length < MAX_FAILED_ROWS_KEPT)
          progress.failedRows.push({
            line: row.line,
            email: typeof row.body.email === 'string' ? row.body.email : null,
            code: outcome.error?.code ?? 'INTERNAL',
            message: outcome.error?.message ?? 'The row could not be created.',
            errors: outcome.error?.errors ?? {},
          });
      }
    }
    progress.rowsDone += rows.length;
    progress.lastLine = (rows[rows.length - 1] as PendingRow).line;
    return options.save(progress);
  }

  for await (const record of readRecords(options.source, options.limits)) {
    if (columns === undefined) {
      columns = mapHeader(record.cells, options.limits);
      continue;
    }
    seen += 1;
    if (seen <= options.from.rowsDone) continue;
    batch.push({ line: record.line, body: rowToBody(columns, record.cells) });
    if (batch.length >= options.batchSize) {
      if (!(await flush()) || options.stopped?.()) return { progress, finished: false };
    }
  }
  return { progress, finished: await flush() };
}

/** The progress columns of an import row, as ImportProgress. */
export function progressOf(row: {
  rows_done: number;
  last_line: number;
  created_count: number;
  existing_count: number;
  failed_count: number;
  failed_rows: string;
}): ImportProgress {
  return {
    rowsDone: row.rows_done,
    lastLine: row.last_line,
    created: row.created_count,
    existing: row.existing_count,
    failed: row.failed_count,
    failedRows: JSON.parse(row.failed_rows) as FailedRow[],
  };
}

/** ImportProgress as the columns that save it. */
export function progressColumns(progress: ImportProgress) {
  return {
    rows_done: progress.rowsDone,
    last_line: progress.lastLine,
    created_count: progress.created,
    existing_count: progress.existing,
    failed_count: progress.failed,
    failed_rows: JSON.stringify(progress.failedRows),
  };
}
