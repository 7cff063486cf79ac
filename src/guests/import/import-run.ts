/**
 * One run of an import its runner has claimed (docs/guests.md, Import guests), for the command
 * line and the HTTP job alike: the structural pass if not done yet (a flaw fails the import with
 * no row written), then the rows from where the last run stopped, saving progress and renewing the
 * lease after every batch. A run that throws or is stopped gives the lease back, keeping its
 * progress for the next run.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import { formatTimestamp, now } from '../../core/time.js';
import type { Actor } from '../../core/actor.js';
import { CsvStructureError, type CsvLimits } from './csv-format.js';
import { scanCsv } from './csv-reader.js';
import { importRows, progressColumns, progressOf, type ImportProgress, type ImportRowsOptions } from './import-rows.js';
import * as repo from './import.repository.js';

export interface ImportRunDeps {
  db: Kysely<Database>;
  bulk: ImportRowsOptions['bulk'];
  limits: CsvLimits;
  batchSize: number;
  leaseMs: number;
}

export interface ImportRunHooks {
  /** Told after every saved batch (the command line's progress bar). */
  onProgress?: (progress: ImportProgress) => void;
  /** Asked between batches: true ends the run with its progress kept. */
  stopped?: () => boolean;
}

export type RunOutcome = 'completed' | 'failed' | 'stopped';

export function leaseUntil(leaseMs: number): string {
  return formatTimestamp(new Date(Date.now() + leaseMs));
}

/** The actor an import's rows are created as: who sent it, with the role they had then. */
function actorOf(row: repo.ImportRow): Actor {
  return { organizationId: row.organization_id, userId: row.created_by_user_id ?? 0, role: row.created_by_role };
}

export async function runClaimedImport(
  deps: ImportRunDeps,
  row: repo.ImportRow,
  owner: string,
  open: () => AsyncIterable<Buffer>,
  hooks: ImportRunHooks = {},
): Promise<RunOutcome> {
  const held = (changes: Parameters<typeof repo.updateHeld>[3]) => repo.updateHeld(deps.db, row.id, owner, changes);
  try {
    if (row.total_rows === null) {
      try {
        const scan = await scanCsv(open(), deps.limits);
        if (!(await held({ total_rows: scan.rows, sha256: scan.sha256, locked_until: leaseUntil(deps.leaseMs) })))
          return 'stopped';
      } catch (error) {
        if (!(error instanceof CsvStructureError)) throw error;
        const at = now();
        await held({
          status: 'failed',
          error: JSON.stringify({ line: error.line, message: error.message }),
          finished_at: at,
          updated_at: at,
          locked_by: null,
          locked_until: null,
        });
        return 'failed';
      }
    }
    const { finished } = await importRows({
      bulk: deps.bulk,
      limits: deps.limits,
      batchSize: deps.batchSize,
      actor: actorOf(row),
      source: open(),
      from: progressOf(row),
      save: async (progress) => {
        const saved = await held({
          ...progressColumns(progress),
          updated_at: now(),
          locked_until: leaseUntil(deps.leaseMs),
        });
        if (saved) hooks.onProgress?.(progress);
        return saved;
      },
      ...(hooks.stopped && { stopped: hooks.stopped }),
    });
    if (!finished) {
      await repo.release(deps.db, row.id, owner);
      return 'stopped';
    }
    const at = now();
    await held({ status: 'completed', finished_at: at, updated_at: at, locked_by: null, locked_until: null });
    return 'completed';
  } catch (error) {
    await repo.release(deps.db, row.id, owner).catch(() => undefined);
    throw error;
  }
}
