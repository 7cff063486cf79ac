/**
 * Queries of files on tasks (docs/files.md). Plain functions taking the database (or a
 * transaction) first; the bytes are rows of file_chunks, in order by `seq`.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, TaskFilesTable } from '../db/types.js';

type Q = Kysely<Database>;
export type FileRow = Selectable<TaskFilesTable> & { guest_email: string | null };

/** The file rows with the email of the guest who uploaded each (null for a member's). */
function selectFiles(db: Q) {
  return db
    .selectFrom('task_files')
    .leftJoin('organization_guests', 'organization_guests.id', 'task_files.uploaded_by_guest_id')
    .leftJoin('guests', 'guests.id', 'organization_guests.guest_id')
    .selectAll('task_files')
    .select('guests.email as guest_email');
}

export async function insertFile(db: Q, row: Insertable<TaskFilesTable>): Promise<void> {
  await db.insertInto('task_files').values(row).execute();
}

export async function insertChunk(db: Q, fileId: string, seq: number, data: Buffer): Promise<void> {
  await db.insertInto('file_chunks').values({ file_id: fileId, seq, data }).execute();
}

/** The ready files of a task: their number and total size. */
export async function taskUsage(db: Q, taskId: string): Promise<{ count: number; bytes: number }> {
  const row = await db
    .selectFrom('task_files')
    .select((eb) => [eb.fn.countAll().as('count'), eb.fn.coalesce(eb.fn.sum('size'), eb.lit(0)).as('bytes')])
    .where('task_id', '=', taskId)
    .where('status', '=', 'ready')
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), bytes: Number(row.bytes) };
}

export async function markReady(db: Q, id: string, size: number, sha256: string): Promise<void> {
  await db.updateTable('task_files').set({ status: 'ready', size, sha256 }).where('id', '=', id).execute();
}

/** A ready file of the organization. */
export async function findFile(db: Q, organizationId: string, id: string): Promise<FileRow | undefined> {
  return selectFiles(db)
    .where('task_files.id', '=', id)
    .where('task_files.organization_id', '=', organizationId)
    .where('task_files.status', '=', 'ready')
    .executeTakeFirst();
}

/** The ready files of a task, oldest first. */
export async function filesOfTask(db: Q, taskId: string): Promise<FileRow[]> {
  return selectFiles(db)
    .where('task_files.task_id', '=', taskId)
    .where('task_files.status', '=', 'ready')
    .orderBy('task_files.created_at')
    .orderBy('task_files.id')
    .execute();
}

/** The bytes of chunk `seq` of a file, or undefined past its last. */
export async function chunkOf(db: Q, fileId: string, seq: number): Promise<Buffer | undefined> {
  const row = await db
    .selectFrom('file_chunks')
    .select('data')
    .where('file_id', '=', fileId)
    .where('seq', '=', seq)
    .executeTakeFirst();
  return row?.data;
}

/** Deletes a file with its bytes. */
export async function deleteFile(db: Q, id: string): Promise<void> {
  await db.deleteFrom('file_chunks').where('file_id', '=', id).execute();
  await db.deleteFrom('task_files').where('id', '=', id).execute();
}

/** Uploads begun before `before` and never finished (a crash, a lost connection): their ids. */
export async function staleUploads(db: Q, before: string): Promise<string[]> {
  const rows = await db
    .selectFrom('task_files')
    .select('id')
    .where('status', '=', 'uploading')
    .where('created_at', '<', before)
    .execute();
  return rows.map((r) => r.id);
}
