/**
 * Runs the migrations. They are listed here rather than read from a folder so that the same list
 * works from TypeScript sources and from any bundle, and each gets the database kind for the few
 * places where SQL differs.
 */
import { Migrator, sql, type Migration, type MigrationResultSet } from 'kysely';
import type { Db } from './database.js';
import * as m001 from './migrations/001_initial.js';
import * as m002 from './migrations/002_settings.js';
import * as m003 from './migrations/003_guest_side.js';
import * as m004 from './migrations/004_active_guest_index.js';
import * as m005 from './migrations/005_accounts.js';
import * as m006 from './migrations/006_identity.js';
import * as m007 from './migrations/007_encrypted_codes.js';
import * as m008 from './migrations/008_email_normalization.js';
import * as m009 from './migrations/009_tasks.js';
import * as m010 from './migrations/010_notifications.js';
import * as m011 from './migrations/011_files.js';
import * as m012 from './migrations/012_digests.js';
import * as m013 from './migrations/013_reminders.js';
import * as m014 from './migrations/014_imports.js';
import * as m015 from './migrations/015_idempotency_keys.js';
import * as m016 from './migrations/016_guest_counts.js';
import * as m017 from './migrations/017_guest_list_versions.js';
import * as m018 from './migrations/018_guest_stats_versions.js';
import * as m019 from './migrations/019_outbox_due_index.js';

/** Where migrations report what needs an operator, when the caller gives no logger: stderr, one JSON line each. */
const stderrLog: m008.MigrationLog = {
  warn: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'warn', ...obj, msg })}\n`),
  info: () => undefined,
};

/** The migrations, in order; each gets the database kind for the few places where SQL differs. */
function migrationsFor(kind: Db['kind'], log: m008.MigrationLog = stderrLog): Record<string, Migration> {
  return {
    '001_initial': { up: (k) => m001.up(k, kind), down: (k) => m001.down(k) },
    '002_settings': { up: (k) => m002.up(k), down: (k) => m002.down(k) },
    '003_guest_side': { up: (k) => m003.up(k, kind), down: (k) => m003.down(k) },
    '004_active_guest_index': { up: (k) => m004.up(k), down: (k) => m004.down(k) },
    '005_accounts': { up: (k) => m005.up(k, kind), down: (k) => m005.down(k) },
    '006_identity': { up: (k) => m006.up(k), down: (k) => m006.down(k) },
    '007_encrypted_codes': { up: (k) => m007.up(k), down: (k) => m007.down(k) },
    '008_email_normalization': { up: (k) => m008.up(k, log), down: () => m008.down() },
    '009_tasks': { up: (k) => m009.up(k, kind), down: (k) => m009.down(k) },
    '010_notifications': { up: (k) => m010.up(k), down: (k) => m010.down(k) },
    '011_files': { up: (k) => m011.up(k, kind), down: (k) => m011.down(k) },
    '012_digests': { up: (k) => m012.up(k), down: (k) => m012.down(k) },
    '013_reminders': { up: (k) => m013.up(k), down: (k) => m013.down(k) },
    '014_imports': { up: (k) => m014.up(k, kind), down: (k) => m014.down(k) },
    '015_idempotency_keys': { up: (k) => m015.up(k), down: (k) => m015.down(k) },
    '016_guest_counts': { up: (k) => m016.up(k, kind), down: (k) => m016.down(k, kind) },
    '017_guest_list_versions': { up: (k) => m017.up(k, kind), down: (k) => m017.down(k, kind) },
    '018_guest_stats_versions': { up: (k) => m018.up(k, kind), down: (k) => m018.down(k, kind) },
    '019_outbox_due_index': { up: (k) => m019.up(k, kind), down: (k) => m019.down(k) },
  };
}

/** The names of every migration, in order (what a fully migrated database has applied). */
export const MIGRATION_NAMES: readonly string[] = Object.keys(migrationsFor('sqlite'));

export async function migrateToLatest(db: Db, log?: m008.MigrationLog): Promise<MigrationResultSet> {
  return migrate(db, log, (migrator) => migrator.migrateToLatest());
}

/** Migrates up (or down) to the named migration: for tests of a migration on the data before it. */
export async function migrateTo(db: Db, name: string, log?: m008.MigrationLog): Promise<MigrationResultSet> {
  return migrate(db, log, (migrator) => migrator.migrateTo(name));
}

async function migrate(
  db: Db,
  log: m008.MigrationLog | undefined,
  run: (migrator: Migrator) => Promise<MigrationResultSet>,
): Promise<MigrationResultSet> {
  const migrations = migrationsFor(db.kind, log);
  // On PostgreSQL, name the schema the tables go to: the migrator's "does the table exist" look-up
  // would otherwise also see migration tables of other schemas in the same database.
  const schema =
    db.kind === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: db.kysely,
    ...(schema && { migrationTableSchema: schema }),
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
  const result = await run(migrator);
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return result;
}
