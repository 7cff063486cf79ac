/**
 * The import case: `settings.importRows` guests imported from a CSV file by the command line
 * (`guests import FILE --org ID`, as an operator runs it) into one empty organization on a fresh
 * SQLite database, the invite cap off (the command line does not count against it anyway). Target:
 * 100,000 rows in under 60 s. The file is written as a stream, the rows as the bulk case's guests.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { BenchError, type BenchContext } from './context.js';
import { countGuests, freshDatabase, seedDatabase } from './database.js';
import { guestProfile } from './people.js';
import { GUESTS_BIN, guestsNodeOptions } from './processes.js';
import { serviceEnv } from './service.js';

/** The time 100,000 rows must take at most. */
export const IMPORT_TARGET_SEC = 60;

export interface ImportCaseResult {
  rows: number;
  wallSec: number;
  rowsPerSec: number;
  created: number;
  countInDatabase: number;
  /** Seconds the target allows for this many rows (60 s per 100,000). */
  targetSec: number;
}

/** `--cpu-prof` (bench's own flag): the import process writes its profiles to a folder of its own. */
function profileArgs(context: BenchContext): string[] {
  const dir = context.settings.cpuProfDir;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', path.join(dir, 'import')] : [];
}

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * The figure and the target's verdict. A run of fewer rows than the target's 100,000 (`--quick`) is
 * not judged: the command's start-up would weigh on a few seconds as it does not on a minute.
 */
export function importVerdict(result: ImportCaseResult): string {
  const figure = `${result.rows} rows in ${result.wallSec.toFixed(1)} s, ${result.rowsPerSec.toFixed(0)} rows/s`;
  if (result.rows < 100_000)
    return `${figure}; at that rate 100,000 would take ${(100_000 / result.rowsPerSec).toFixed(0)} s (not evaluated: fewer rows than the target's)`;
  return `${figure}; target < ${result.targetSec.toFixed(1)} s: ${result.wallSec < result.targetSec ? 'met' : 'MISSED'}`;
}

export async function runImportCase(context: BenchContext): Promise<ImportCaseResult> {
  const rows = context.settings.importRows;
  context.log(`\n== import: ${rows} rows from a CSV file by \`guests import\` (sqlite, invite cap off)`);
  const database = await freshDatabase('sqlite', 'import', context.tmp, '');
  try {
    const seed = await seedDatabase(database, 0);
    const file = path.join(context.tmp, 'import.csv');
    const header = 'email,first_name,last_name,company_name,company_url,phone_1,timezone,associated_members\n';
    await pipeline(
      Readable.from(
        (function* () {
          yield header;
          for (let i = 0; i < rows; i += 1) {
            const g = guestProfile('imp', i, seed.memberIds);
            yield `${[g.email, g.first_name, g.last_name, g.company_name, g.company_url, g.phone_1, g.timezone, g.associated_members.join(';')].map(csvCell).join(',')}\n`;
          }
        })(),
      ),
      createWriteStream(file),
    );
    const started = process.hrtime.bigint();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        ...guestsNodeOptions(),
        ...profileArgs(context),
        GUESTS_BIN,
        'import',
        file,
        '--org',
        seed.createOrgId,
        '--json',
      ],
      { env: { ...process.env, ...serviceEnv(context, database) }, maxBuffer: 64 * 1024 * 1024 },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      throw new BenchError(`import: guests import failed\n${error.stderr ?? ''}${error.stdout ?? ''}`);
    });
    const wallSec = Number(process.hrtime.bigint() - started) / 1e9;
    const result = JSON.parse(stdout) as { data: { counts: { created: number; failed: number } } };
    const countInDatabase = await countGuests(database, seed.createOrgId);
    if (result.data.counts.created !== rows || countInDatabase !== rows)
      throw new BenchError(
        `import: ${rows} rows, ${result.data.counts.created} created, ${result.data.counts.failed} failed, ${countInDatabase} in the database`,
      );
    const targetSec = (IMPORT_TARGET_SEC * rows) / 100_000;
    const rowsPerSec = rows / wallSec;
    const measured = { rows, wallSec, rowsPerSec, created: result.data.counts.created, countInDatabase, targetSec };
    context.log(`  ${importVerdict(measured)}`);
    return measured;
  } finally {
    await database.drop();
  }
}
