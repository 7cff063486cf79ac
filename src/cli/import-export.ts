/**
 * `guests import FILE.csv --org ID` and `guests export --org ID --format csv|json [--output FILE]`
 * (README, "Command line"; docs/guests.md, Import guests and Export guests).
 *
 * The import is an operator's tool and does not count against the hourly invite cap: the cap
 * stops a leaked or careless API token from inviting thousands of people, and whoever runs this
 * command already holds the database. Each row is still checked exactly as Create guest checks it.
 */
import { createWriteStream } from 'node:fs';
import { hostname } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pino from 'pino';
import type { Config } from '../config.js';
import { sqliteConnectionOf, type Db } from '../db/database.js';
import { randomSecret } from '../core/secrets.js';
import { AppError } from '../core/errors.js';
import { EmailDomainChecker } from '../email/dns-check.js';
import { guestCodesFor } from '../guests/guest-code.js';
import { createGuestService } from '../guests/guest.service.js';
import { createGuestBulk } from '../guests/bulk/bulk.service.js';
import { createGuestBatch } from '../guests/bulk/batch.service.js';
import { DEFAULT_MAX_COLUMNS, DEFAULT_MAX_LINE_BYTES } from '../guests/import/csv-format.js';
import { importFile } from '../guests/import/file-import.js';
import { exportText, type ExportFormat } from '../guests/import/export.js';
import { importRowToImport } from '../guests/import/import.schemas.js';
import type { ImportProgress } from '../guests/import/import-rows.js';
import { createProgressReporter } from './progress.js';

/** Rows per batch (one transaction) and per saved step; a resumed import redoes at most one batch. */
const BATCH_ROWS = 500;
/** Items created at once when a batch is done item by item (no invite cap here, so no one-at-a-time order): as many as one SQLite group commit takes (src/db/group-commit.ts, MAX_BATCH). */
const LANES = 64;
/**
 * WAL pages between automatic checkpoints on the import's own SQLite connection. One batch's commit
 * touches more pages than SQLite's default of 1,000 (the indexes are keyed by random ids and
 * hashes, so the rows land all over them): with the default, every commit was followed by a
 * checkpoint writing the same pages again. Measured on 100,000 rows: 41 s with the default, 26 s
 * with this. The WAL grows to about 64 MiB between checkpoints, and is checkpointed on close.
 */
const IMPORT_WAL_AUTOCHECKPOINT_PAGES = 16_384;
/** A run that stalls this long without saving a batch lets another run of the same file take over. */
const LEASE_MS = 10 * 60_000;

export interface CommandOutput {
  json: unknown;
  text: string;
  exitCode?: number;
}

/** Runs the import of `file`; exit code 1 when rows failed (each listed with its line). */
export async function runImport(
  db: Db,
  config: Config,
  options: { file: string; organizationId: string; json: boolean },
): Promise<CommandOutput> {
  const log = pino({ level: 'warn' }, pino.destination(2));
  sqliteConnectionOf(db.kysely)?.pragma(`wal_autocheckpoint = ${IMPORT_WAL_AUTOCHECKPOINT_PAGES}`);
  const emailChecker = new EmailDomainChecker(config.dns, log);
  await emailChecker.start();
  const links = { publicBaseUrl: config.publicBaseUrl, codes: guestCodesFor(config) };
  const guests = createGuestService({ db: db.kysely, emailChecker, links, inviteLimitPerHour: 0 });
  const checks = {
    publicBaseUrl: config.publicBaseUrl,
    log,
    emailChecker,
    deadlineMs: config.bulk.deadlineMs,
    dnsConcurrency: config.bulk.dnsConcurrency,
  };
  // Batches of rows checked in memory and written by multi-row inserts in one transaction; item by
  // item only for a batch whose transaction failed.
  const bulk = createGuestBatch({
    ...checks,
    db: db.kysely,
    guests,
    perItem: createGuestBulk({ ...checks, guests, concurrency: LANES }),
  });
  const progress = createProgressReporter(process.stderr, options.json);
  try {
    const result = await importFile(
      {
        db: db.kysely,
        bulk,
        limits: {
          maxColumns: DEFAULT_MAX_COLUMNS,
          maxLineBytes: DEFAULT_MAX_LINE_BYTES,
          maxRows: config.imports.maxRows,
        },
        batchSize: BATCH_ROWS,
        leaseMs: LEASE_MS,
      },
      {
        organizationId: options.organizationId,
        path: options.file,
        owner: `cli:${hostname()}:${process.pid}:${randomSecret(4)}`,
        onScanned: (rows, done) => progress.start(rows, done),
        onProgress: (p: ImportProgress) => progress.update(p.rowsDone),
      },
    );
    progress.end();
    const data = importRowToImport(result.record);
    const c = data.counts;
    const head = result.alreadyDone
      ? `This file was imported into ${options.organizationId} already (${c.rows} rows); nothing new was imported.`
      : `${data.status === 'completed' ? 'Imported' : 'Stopped after'} ${c.processed} of ${c.rows} rows${result.resumedAfter > 0 ? ` (resumed after row ${result.resumedAfter})` : ''}: ${c.created} created, ${c.existing} already guests, ${c.failed} failed.`;
    const failures = data.failed_rows.map(
      (row) =>
        `  line ${row.line}${row.email ? ` (${row.email})` : ''}: ${
          Object.entries(row.errors)
            .map(([field, messages]) => `${field}: ${messages.join(' ')}`)
            .join('; ') || row.message
        }`,
    );
    const more = data.failed_rows_omitted > 0 ? [`  … and ${data.failed_rows_omitted} more failed rows`] : [];
    return {
      json: { data, resumed_after: result.resumedAfter, already_done: result.alreadyDone },
      text: [head, ...(failures.length > 0 ? ['Rows that failed:', ...failures, ...more] : [])].join('\n'),
      exitCode: c.failed > 0 || data.status !== 'completed' ? 1 : 0,
    };
  } finally {
    progress.end();
    emailChecker.stop();
  }
}

/** Writes the export to `output` (a file) or stdout; the number of guests written. */
export async function runExport(
  db: Db,
  options: { organizationId: string; format: ExportFormat; output: string | undefined },
): Promise<CommandOutput & { toStdout: boolean }> {
  const known = await db.kysely
    .selectFrom('organizations')
    .select('id')
    .where('id', '=', options.organizationId)
    .executeTakeFirst();
  if (!known) throw new AppError('RESOURCE_NOT_FOUND', `No organization has the id ${options.organizationId}.`);
  let count = 0;
  const text = Readable.from(exportText(db.kysely, options.organizationId, options.format, (n) => (count += n)));
  await pipeline(text, options.output ? createWriteStream(options.output) : process.stdout, { end: !!options.output });
  return {
    json: { exported: count, format: options.format, output: options.output ?? null },
    text: `Exported ${count} guest${count === 1 ? '' : 's'} of ${options.organizationId} as ${options.format.toUpperCase()}${options.output ? ` to ${options.output}` : ''}.`,
    toStdout: !options.output,
  };
}
