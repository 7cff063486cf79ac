/**
 * Files on tasks (docs/files.md). The bytes live in the database, in chunks of at most 256 KiB:
 * every instance reads and writes them without a shared disk or another service, on SQLite and
 * PostgreSQL alike, and removing a task or a guest removes their files in the same transaction.
 *
 * A file is `uploading` while its chunks arrive (each chunk written on its own, so no write
 * transaction lasts as long as an upload) and `ready` once it is whole and counted against the
 * task's limits. Only ready files are listed or served; an upload that never finished is deleted
 * by the housekeeping of the server start (docs/files.md, Upload file).
 */
import type { Kysely } from 'kysely';
import type { DatabaseKind } from '../database.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, kind: DatabaseKind): Promise<void> {
  await db.schema
    .createTable('task_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('task_id', 'text', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    /**
     * The task's file field it was uploaded to; null for a file on the task itself. No foreign key:
     * updating a task writes its fields again under the same ids (docs/tasks.md, Update task).
     */
    .addColumn('field_id', 'text')
    /** Sanitized: no path, no control or direction characters, at most 255 bytes of UTF-8. */
    .addColumn('name', 'text', (c) => c.notNull())
    /** Recognized from the bytes, never taken from the client. */
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    /** Hex SHA-256 of the bytes; empty while uploading. */
    .addColumn('sha256', 'text', (c) => c.notNull().defaultTo(''))
    /** Who uploaded it: a member (user id) or a guest (organization guest id); one of the two. */
    .addColumn('uploaded_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('uploaded_by_guest_id', 'integer', (c) => c.references('organization_guests.id').onDelete('cascade'))
    /** `uploading` or `ready`. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('task_files__task_id').on('task_files').column('task_id').execute();
  await db.schema
    .createIndex('task_files__uploaded_by_guest_id')
    .on('task_files')
    .column('uploaded_by_guest_id')
    .execute();
  await db.schema
    .createIndex('task_files__status__created_at')
    .on('task_files')
    .columns(['status', 'created_at'])
    .execute();

  await db.schema
    .createTable('file_chunks')
    .addColumn('file_id', 'text', (c) => c.notNull().references('task_files.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', kind === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('file_chunks__file_id__seq', ['file_id', 'seq'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('file_chunks').ifExists().execute();
  await db.schema.dropTable('task_files').ifExists().execute();
}
