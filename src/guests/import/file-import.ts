/**
 * Importing a CSV file from the command line (docs/guests.md, Import guests; README, "Command
 * line"). The file is read twice, each time as a stream: first for its structure and SHA-256
 * (nothing is written when it has a flaw), then for its rows. The import's record is keyed by the
 * organization and that hash, so running the same file again continues after its last completed
 * batch, and a finished one says so and imports nothing.
 */
import { createReadStream } from 'node:fs';
import { AppError } from '../../core/errors.js';
import { newHexId } from '../../core/secrets.js';
import { now } from '../../core/time.js';
import { scanCsv } from './csv-reader.js';
import { leaseUntil, runClaimedImport, type ImportRunDeps, type ImportRunHooks } from './import-run.js';
import * as repo from './import.repository.js';

export interface FileImportResult {
  /** The import's record after this run. */
  record: repo.ImportRow;
  /** The rows done before this run began (a resumed import), 0 for a new one. */
  resumedAfter: number;
  /** The file had been imported completely before: nothing was done. */
  alreadyDone: boolean;
}

export interface FileImportOptions extends ImportRunHooks {
  organizationId: string;
  path: string;
  owner: string;
  /** Told once the first pass is done: the file's data rows and the rows already done. */
  onScanned?: (rows: number, rowsDone: number) => void;
}

/** The record of this file's import into the organization: found again, or made now. */
async function recordFor(
  deps: ImportRunDeps,
  organizationId: string,
  scan: { rows: number; size: number; sha256: string },
): Promise<repo.ImportRow> {
  const found = await repo.findByResumeKey(deps.db, organizationId, scan.sha256);
  if (found) return found;
  const at = now();
  await repo.insertImport(deps.db, {
    id: newHexId(),
    organization_id: organizationId,
    source: 'cli',
    resume_key: scan.sha256,
    created_by_user_id: null,
    // The operator imports with an administrator's rights (any member may be associated).
    created_by_role: 'admin',
    status: 'queued',
    size: scan.size,
    sha256: scan.sha256,
    total_rows: scan.rows,
    created_at: at,
    updated_at: at,
  });
  // Two runs of the same file starting together: the unique key lets one record through.
  return (await repo.findByResumeKey(deps.db, organizationId, scan.sha256)) as repo.ImportRow;
}

export async function importFile(deps: ImportRunDeps, options: FileImportOptions): Promise<FileImportResult> {
  const open = () => createReadStream(options.path);
  const scan = await scanCsv(open(), deps.limits);
  const organization = await deps.db
    .selectFrom('organizations')
    .select('id')
    .where('id', '=', options.organizationId)
    .executeTakeFirst();
  if (!organization) throw new AppError('RESOURCE_NOT_FOUND', `No organization has the id ${options.organizationId}.`);
  let record = await recordFor(deps, options.organizationId, scan).catch(async (error: unknown) => {
    const again = await repo.findByResumeKey(deps.db, options.organizationId, scan.sha256);
    if (!again) throw error;
    return again;
  });
  if (record.status === 'completed') return { record, resumedAfter: record.rows_done, alreadyDone: true };
  const at = now();
  if (!(await repo.claimById(deps.db, record.id, options.owner, at, leaseUntil(deps.leaseMs))))
    throw new AppError(
      'CONFLICT',
      'Another import of this file into this organization is running; wait for it to end.',
    );
  options.onScanned?.(scan.rows, record.rows_done);
  const resumedAfter = record.rows_done;
  await runClaimedImport(deps, record, options.owner, open, options);
  record = (await repo.findImport(deps.db, options.organizationId, record.id)) as repo.ImportRow;
  return { record, resumedAfter, alreadyDone: false };
}
