/**
 * The value of a task's file fields (docs/files.md, Upload file): the list of the ready files
 * uploaded to each, oldest first, read from the files themselves rather than stored beside them,
 * so that deleting a file (or the guest who uploaded it) can never leave a stale value behind.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { TaskField } from './task.schemas.js';

type Q = Kysely<Database>;

export interface FieldFile {
  id: string;
  filename: string;
}

/** Field id -> its ready files, for these tasks. */
export async function filesByField(db: Q, taskIds: readonly string[]): Promise<Map<string, FieldFile[]>> {
  const map = new Map<string, FieldFile[]>();
  if (taskIds.length === 0) return map;
  const rows = await db
    .selectFrom('task_files')
    .select(['id', 'name', 'field_id'])
    .where('task_id', 'in', taskIds)
    .where('status', '=', 'ready')
    .where('field_id', 'is not', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const row of rows) {
    const list = map.get(row.field_id as string) ?? [];
    list.push({ id: row.id, filename: row.name });
    map.set(row.field_id as string, list);
  }
  return map;
}

/** The fields with each file field's value filled from its files (null while it has none). */
export function withFileValues(fields: TaskField[], files: ReadonlyMap<string, FieldFile[]>): TaskField[] {
  return fields.map((field) =>
    field.field_type === 'file' ? { ...field, value: files.get(field.id) ?? null } : field,
  );
}
