/**
 * The database work of the floors (bench/floors/db-floor.ts, bench/floors/framework-floor.ts): the
 * minimal insert and select of the guest API, with the driver used directly (better-sqlite3 with
 * cached prepared statements, or a `pg` pool sending named statements, planned once per
 * connection, as the service's own hot statements are), no query builder.
 *
 * - create: one transaction inserting the global guest and the organization's record, in the same
 *   row shape the service writes; the record with the email.
 * - get: one indexed select joining `guests` and `organization_guests` for the same columns the
 *   service reads.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { PROFILE_FIELDS } from '../../src/guests/guest.schemas.js';
import { randomSecret, sha256 } from '../../src/core/secrets.js';
import { now } from '../../src/core/time.js';

export type Row = Record<string, unknown>;

export interface Store {
  /** Inserts the guest and its record in one transaction; the record with the email. */
  create(organizationId: string, body: Row): Promise<Row>;
  /** The record of the guest with this email in the organization. */
  get(organizationId: string, email: string): Promise<Row | undefined>;
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['associated_members', 'cadence_days']);
const RECORD_COLUMNS = [
  'organization_id',
  'guest_id',
  ...PROFILE_FIELDS,
  'guest_code',
  'guest_code_hash',
  'created_at',
  'updated_at',
];

/** The record's values in RECORD_COLUMNS order: every profile column, null when not sent. */
function recordValues(organizationId: string, guestId: number, body: Row, at: string): unknown[] {
  const code = randomSecret(24);
  const profile = PROFILE_FIELDS.map((field) => {
    const value = body[field] ?? null;
    return JSON_FIELDS.has(field) && value !== null ? JSON.stringify(value) : value;
  });
  return [organizationId, guestId, ...profile, code, sha256(code), at, at];
}

const SELECT_RECORD = `select organization_guests.*, guests.email from organization_guests
  inner join guests on guests.id = organization_guests.guest_id
  where organization_guests.organization_id = $1 and guests.email = $2`;

function sqliteStore(file: string): Store {
  const db = new SQLite(file);
  // The service's pragmas (src/db/database.ts).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const insertGuest = db.prepare('insert into guests (email, created_at, deleted_at) values (?, ?, null)');
  const insertRecord = db.prepare(
    `insert into organization_guests (${RECORD_COLUMNS.join(', ')}) values (${RECORD_COLUMNS.map(() => '?').join(', ')}) returning *`,
  );
  const selectRecord = db.prepare(SELECT_RECORD.replace('$1', '?').replace('$2', '?'));
  const create = db.transaction((organizationId: string, body: Row): Row => {
    const at = now();
    const email = String(body.email).toLowerCase();
    const guestId = Number(insertGuest.run(email, at).lastInsertRowid);
    return { ...(insertRecord.get(...recordValues(organizationId, guestId, body, at)) as Row), email };
  });
  return {
    create: async (organizationId, body) => create.immediate(organizationId, body),
    get: async (organizationId, email) => selectRecord.get(organizationId, email) as Row | undefined,
    close: async () => {
      db.close();
    },
  };
}

function postgresStore(url: string, poolSize: number): Store {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const insertRecord = `insert into organization_guests (${RECORD_COLUMNS.join(', ')})
    values (${RECORD_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) returning *`;
  return {
    async create(organizationId, body) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const at = now();
        const email = String(body.email).toLowerCase();
        const guest = await client.query<{ id: number }>({
          name: 'floor_insert_guest',
          text: 'insert into guests (email, created_at, deleted_at) values ($1, $2, null) returning id',
          values: [email, at],
        });
        const record = await client.query<Row>({
          name: 'floor_insert_record',
          text: insertRecord,
          values: recordValues(organizationId, Number(guest.rows[0]?.id), body, at),
        });
        await client.query('commit');
        return { ...record.rows[0], email };
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async get(organizationId, email) {
      return (
        await pool.query<Row>({ name: 'floor_select_record', text: SELECT_RECORD, values: [organizationId, email] })
      ).rows[0];
    },
    close: () => pool.end(),
  };
}

/** The store named by FLOOR_DATABASE_URL (`sqlite:/path` or a postgres:// URL), pool of FLOOR_POOL_SIZE. */
export function openStore(): Store {
  const url = process.env.FLOOR_DATABASE_URL ?? '';
  const sqlite = /^sqlite:(.+)$/.exec(url);
  if (sqlite?.[1]) return sqliteStore(sqlite[1]);
  if (/^postgres(ql)?:\/\//.test(url)) return postgresStore(url, Number(process.env.FLOOR_POOL_SIZE ?? 10));
  throw new Error('FLOOR_DATABASE_URL must be sqlite:/path or a postgres:// URL');
}
