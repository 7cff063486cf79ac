/**
 * Import guests and Get import over HTTP (docs/guests.md): the CSV is stored in the database as it
 * arrives (chunks of 256 KiB, as the files of tasks), so any instance can work on it; the import
 * is then run in the background by whichever instance claims its lease, and one that dies
 * mid-way leaves the lease to expire and its saved progress for the next claimer.
 */
import type { Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../db/types.js';
import { AppError, assertThat, notFound, validationFailed } from '../../core/errors.js';
import type { Actor } from '../../core/actor.js';
import { isHexId, newHexId } from '../../core/secrets.js';
import { now } from '../../core/time.js';
import { leaseUntil, runClaimedImport, type ImportRunDeps } from './import-run.js';
import { importRowToImport, type Import } from './import.schemas.js';
import * as repo from './import.repository.js';
import { writeInChunks } from '../../core/chunked-stream.js';

const CHUNK_BYTES = 256 * 1024;

export interface ImportServiceDeps extends ImportRunDeps {
  /** The most bytes one import's CSV may have (IMPORT_MAX_BYTES). */
  maxBytes: number;
  /** This instance, as the holder of leases. */
  owner: string;
  log: FastifyBaseLogger;
}

export function importTooLarge(maxBytes: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `The CSV is larger than ${maxBytes} bytes, the most an import may be.`);
}

/** The chunks of an import's CSV, one statement each, as the reader asks for more. */
async function* chunksOf(db: Kysely<Database>, id: string): AsyncGenerator<Buffer> {
  for (let seq = 0; ; seq += 1) {
    const data = await repo.chunkOf(db, id, seq);
    if (data === undefined) return;
    if (data.length > 0) yield Buffer.from(data);
  }
}

export function createImportService(deps: ImportServiceDeps) {
  const { db } = deps;

  /** Reads the body into the chunks of import `id`; its size and SHA-256. */
  async function store(id: string, body: AsyncIterable<Buffer>): Promise<{ size: number; sha256: string }> {
    let seq = 0;
    return writeInChunks(body, {
      chunkBytes: CHUNK_BYTES,
      maxBytes: deps.maxBytes,
      tooLarge: () => importTooLarge(deps.maxBytes),
      write: async (data) => {
        await repo.insertChunk(db, id, seq, data);
        seq += 1;
      },
    });
  }

  let stopping = false;
  let running: Promise<void> | undefined;
  let again = false;

  async function runPending(): Promise<number> {
    let ran = 0;
    while (!stopping) {
      const row = await repo.claimNext(db, deps.owner, now(), leaseUntil(deps.leaseMs));
      if (!row) break;
      ran += 1;
      const outcome = await runClaimedImport(deps, row, deps.owner, () => chunksOf(db, row.id), {
        stopped: () => stopping,
      });
      deps.log.info({ importId: row.id, outcome }, 'guest import run ended');
      // A finished import's bytes are no longer needed; its record (counts, failed rows) stays.
      if (outcome !== 'stopped') await repo.deleteChunks(db, row.id);
    }
    return ran;
  }

  /** Runs the waiting imports in the background, one at a time on this instance. */
  function kick(): void {
    if (stopping) return;
    if (running) {
      again = true;
      return;
    }
    running = runPending()
      .then(() => undefined)
      .catch((error: unknown) => deps.log.error({ err: error }, 'guest import failed; retried at the next sweep'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  /** Deletes an import that was never queued (size 0: no instance works on it). */
  async function discard(id: string): Promise<void> {
    await repo.deleteChunks(db, id).catch(() => undefined);
    await db
      .deleteFrom('guest_imports')
      .where('id', '=', id)
      .execute()
      .catch(() => undefined);
  }

  return {
    /**
     * Import guests: stores the CSV and queues its import. Nothing of an upload that fails (too
     * large, cut off, empty) is kept.
     */
    async create(
      actor: Actor,
      body: AsyncIterable<Buffer>,
      /** Asked once the body is stored, before it is queued: false keeps nothing (answered already). */
      confirm: (sha256: string) => Promise<boolean> = async () => true,
    ): Promise<Import | undefined> {
      const id = newHexId();
      const at = now();
      // Size 0 until the whole body is stored: no instance claims an import still arriving.
      await repo.insertImport(db, {
        id,
        organization_id: actor.organizationId,
        source: 'http',
        resume_key: null,
        created_by_user_id: actor.userId,
        created_by_role: actor.role,
        status: 'queued',
        size: 0,
        created_at: at,
        updated_at: at,
      });
      try {
        const { size, sha256 } = await store(id, body);
        if (size === 0)
          throw validationFailed({ file: ['The CSV is empty; it needs a header row and at least one row.'] });
        if (!(await confirm(sha256))) {
          await discard(id);
          return undefined;
        }
        await db.updateTable('guest_imports').set({ size, sha256, updated_at: now() }).where('id', '=', id).execute();
      } catch (error) {
        await discard(id);
        throw error;
      }
      return importRowToImport((await repo.findImport(db, actor.organizationId, id)) as repo.ImportRow);
    },

    /** Get import: another organization's import id is not found, as an unknown one. */
    async get(actor: Actor, id: string): Promise<Import> {
      const row = isHexId(id) ? await repo.findImport(db, actor.organizationId, id) : undefined;
      assertThat(row, () => notFound('import'));
      return importRowToImport(row);
    },

    /**
     * Runs the imports waiting (queued, or left by an instance whose lease expired) in the
     * background, one after another, until none is left.
     */
    kick,

    /** For tests: the run in flight, if any. */
    idle: (): Promise<void> => running ?? Promise.resolve(),

    /** Stops: the run in flight ends after its current batch (its progress kept); the run, to wait for. */
    stop(): Promise<void> {
      stopping = true;
      return running ?? Promise.resolve();
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
