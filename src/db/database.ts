/**
 * Opens the database the configuration names: embedded SQLite (one file, WAL) by default,
 * PostgreSQL when DATABASE_URL is a postgres:// URL. Both go through the same Kysely code.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from './types.js';

export type DatabaseKind = Config['database']['kind'];

export interface Db {
  kysely: Kysely<Database>;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export function openDatabase(config: Config['database']): Db {
  if (config.kind === 'sqlite') {
    if (config.file !== ':memory:') fs.mkdirSync(path.dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { kysely, kind: 'sqlite', close: () => kysely.destroy() };
  }
  // node-postgres returns BIGINT/COUNT as strings; ids here fit in a JS number.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
  const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize });
  pool.on('error', () => {
    // An idle client lost its connection (database restarted): the pool drops it and reconnects.
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, kind: 'postgres', close: () => kysely.destroy() };
}
