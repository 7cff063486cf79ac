/**
 * CSV imports of guests (docs/guests.md, Import guests). One row per import in `guest_imports`:
 * its progress (the data rows done, counts, failed rows) is saved after every batch, so an import
 * that stops halfway resumes after its last completed batch. An import sent over HTTP keeps its
 * CSV in `import_chunks` (chunks of at most 256 KiB, as the files of tasks): any instance can work
 * on it, under the lease in `locked_by`/`locked_until`. An import from the command line keeps no
 * bytes; it is found again by its organization and the file's SHA-256 (`resume_key`).
 */
import type { Kysely } from 'kysely';
import type { DatabaseKind } from '../database.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb, kind: DatabaseKind): Promise<void> {
  await db.schema
    .createTable('guest_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    /** `http` or `cli`. */
    .addColumn('source', 'text', (c) => c.notNull())
    /** The file's SHA-256 for a command-line import (re-running the same file resumes it); null over HTTP. */
    .addColumn('resume_key', 'text')
    .addColumn('created_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    /** The role of who sent it: the rights the rows are created with. */
    .addColumn('created_by_role', 'text', (c) => c.notNull())
    /** `queued`, `running`, `completed` or `failed`. */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    /** Hex SHA-256 of the CSV; empty until its first pass. */
    .addColumn('sha256', 'text', (c) => c.notNull().defaultTo(''))
    /** Data rows of the file (header excluded); null until its first pass. */
    .addColumn('total_rows', 'integer')
    /** Data rows done (in file order): a resumed import skips these. */
    .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_line', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('existing_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_count', 'integer', (c) => c.notNull().defaultTo(0))
    /** JSON array of the first failed rows (line, email, errors); the rest are only counted. */
    .addColumn('failed_rows', 'text', (c) => c.notNull().defaultTo('[]'))
    /** JSON `{line, message}` of a structural error (the import failed with no row written). */
    .addColumn('error', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createIndex('guest_imports__organization_id__resume_key')
    .on('guest_imports')
    .columns(['organization_id', 'resume_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('guest_imports__status__locked_until')
    .on('guest_imports')
    .columns(['status', 'locked_until'])
    .execute();

  await db.schema
    .createTable('import_chunks')
    .addColumn('import_id', 'text', (c) => c.notNull().references('guest_imports.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', kind === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_chunks__import_id__seq', ['import_id', 'seq'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('import_chunks').ifExists().execute();
  await db.schema.dropTable('guest_imports').ifExists().execute();
}
