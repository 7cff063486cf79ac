/**
 * Queries of guest imports (docs/guests.md, Import guests, Get import). Plain functions taking
 * the database first. Progress is written only by the holder of an import's lease (`locked_by`):
 * an instance that lost it (it stalled past the lease, another took over) writes nothing more.
 */
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database, GuestImportsTable } from '../../db/types.js';

type Q = Kysely<Database>;
export type ImportRow = Selectable<GuestImportsTable>;

type ProgressColumns =
  | 'sha256'
  | 'total_rows'
  | 'rows_done'
  | 'last_line'
  | 'created_count'
  | 'existing_count'
  | 'failed_count'
  | 'failed_rows'
  | 'error'
  | 'locked_by'
  | 'locked_until'
  | 'finished_at';

/** A new import: no progress yet unless given. */
export async function insertImport(
  db: Q,
  row: Omit<Insertable<GuestImportsTable>, ProgressColumns> & Partial<Insertable<GuestImportsTable>>,
): Promise<void> {
  await db
    .insertInto('guest_imports')
    .values({
      sha256: '',
      total_rows: null,
      rows_done: 0,
      last_line: 0,
      created_count: 0,
      existing_count: 0,
      failed_count: 0,
      failed_rows: '[]',
      error: null,
      locked_by: null,
      locked_until: null,
      finished_at: null,
      ...row,
    })
    .execute();
}

/** An import of the organization. */
export async function findImport(db: Q, organizationId: string, id: string): Promise<ImportRow | undefined> {
  return db
    .selectFrom('guest_imports')
    .selectAll()
    .where('id', '=', id)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
}

/** The command-line import of this file (by its SHA-256) into the organization. */
export async function findByResumeKey(db: Q, organizationId: string, key: string): Promise<ImportRow | undefined> {
  return db
    .selectFrom('guest_imports')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('resume_key', '=', key)
    .executeTakeFirst();
}

export async function insertChunk(db: Q, importId: string, seq: number, data: Buffer): Promise<void> {
  await db.insertInto('import_chunks').values({ import_id: importId, seq, data }).execute();
}

/** The bytes of chunk `seq` of an import, or undefined past its last. */
export async function chunkOf(db: Q, importId: string, seq: number): Promise<Buffer | undefined> {
  const row = await db
    .selectFrom('import_chunks')
    .select('data')
    .where('import_id', '=', importId)
    .where('seq', '=', seq)
    .executeTakeFirst();
  return row?.data;
}

export async function deleteChunks(db: Q, importId: string): Promise<void> {
  await db.deleteFrom('import_chunks').where('import_id', '=', importId).execute();
}

/**
 * Claims one unfinished HTTP import whose lease is free or expired until `until`; the claimed row,
 * or undefined when there is none (or another instance claimed it first: the conditional update
 * decides, on both databases).
 */
export async function claimNext(db: Q, owner: string, at: string, until: string): Promise<ImportRow | undefined> {
  const candidates = await db
    .selectFrom('guest_imports')
    .select('id')
    .where('source', '=', 'http')
    .where('status', 'in', ['queued', 'running'])
    // Size 0: the body is still arriving (or its upload died; it is never run).
    .where('size', '>', 0)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
    .orderBy('created_at')
    .limit(5)
    .execute();
  for (const { id } of candidates) {
    const claimed = await db
      .updateTable('guest_imports')
      .set({ locked_by: owner, locked_until: until, status: 'running', updated_at: at })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
      .returningAll()
      .executeTakeFirst();
    if (claimed) return claimed;
  }
  return undefined;
}

/** Writes `changes` if `owner` still holds the import's lease; false when it does not. */
export async function updateHeld(
  db: Q,
  id: string,
  owner: string,
  changes: Updateable<GuestImportsTable>,
): Promise<boolean> {
  const result = await db
    .updateTable('guest_imports')
    .set(changes)
    .where('id', '=', id)
    .where('locked_by', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives the lease back (the import stays where it was, for the next claimer). */
export async function release(db: Q, id: string, owner: string): Promise<void> {
  await db
    .updateTable('guest_imports')
    .set({ locked_by: null, locked_until: null })
    .where('id', '=', id)
    .where('locked_by', '=', owner)
    .execute();
}

/**
 * Claims import `id` for `owner` until `until` when no one holds it (or its lease expired); false
 * when another run holds it.
 */
export async function claimById(db: Q, id: string, owner: string, at: string, until: string): Promise<boolean> {
  const result = await db
    .updateTable('guest_imports')
    .set({ locked_by: owner, locked_until: until, status: 'running', updated_at: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', at)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
