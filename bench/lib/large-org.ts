/**
 * Large organizations for the scale cases, seeded straight into the database as an import would
 * leave them: per guest a global `guests` row and an `organization_guests` record with a varied
 * profile (bench/lib/people.ts, importedGuest) and a guest code stored as the service stores one
 * (hash, AES-256-GCM ciphertext, key id). Plain INSERTs only, so whatever triggers the schema has
 * on these tables see every row.
 *
 * SQLite: one transaction of multi-row prepared statements through better-sqlite3. PostgreSQL: one
 * transaction of INSERT ... SELECT from unnest() of column arrays, a chunk of rows per statement,
 * the global rows and the records in one statement (the records join the global rows they just
 * made by email); then VACUUM ANALYZE, as autovacuum would after an import.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { parseKey } from '../../src/core/secrets.js';
import { GuestCodes, keyIdOf, type StoredCode } from '../../src/guests/guest-code.js';
import { createAdminService } from '../../src/organizations/admin.service.js';
import { BenchError } from './context.js';
import { BENCH_GUEST_CODE_KEY, BENCH_PEOPLE, openBenchDatabase, type BenchDatabase } from './database.js';
import { importedGuest, type ImportedGuest } from './people.js';

/** A seeded large organization. */
export interface LargeOrg {
  organizationId: string;
  guests: number;
  /** Keeps its emails apart from other organizations' (see largeOrgEmail). */
  key: string;
  /** When its guests' created_at ends (their spread ends there). */
  endMs: number;
  memberIds: number[];
  /** Seconds the seed took (organization, guests, records, codes; on PostgreSQL the vacuum too). */
  seedSec: number;
}

/** Guests are created over the three years before the seed. */
const SPAN_MS = 3 * 365 * 86_400_000;
/** Rows made (profiles and codes) at a time. */
const CHUNK = 10_000;
/** Rows per SQLite statement: 14 parameters a record, SQLite takes at most 32,766 a statement. */
const SQLITE_ROWS = 250;

/** The guest `i` of the organization, exactly as seeded. */
export function largeOrgGuest(org: LargeOrg, i: number): ImportedGuest {
  return importedGuest(org.key, i, org.guests, org.memberIds, org.endMs, SPAN_MS);
}

const IV_BYTES = 12;
const CODE_BYTES = 24;

/**
 * Guest codes stored as GuestCodes.seal stores them (src/guests/guest-code.ts): a 24-byte code
 * from the CSPRNG as base64url, its SHA-256 as the lookup hash and as the associated data of
 * AES-256-GCM under the key, `iv.body+tag` in base64url, the key's id. The random bytes of a chunk
 * come from one call (half the time of a seal goes to two small CSPRNG calls per code). The first
 * code of every chunk is opened again with GuestCodes.open: a change of format breaks the seed
 * here, not as 500s in the middle of a timed case.
 */
class ChunkSealer {
  readonly #key: Buffer;
  readonly #keyId: string;
  readonly #codes: GuestCodes;

  constructor(key: Buffer) {
    this.#key = key;
    this.#keyId = keyIdOf(key);
    this.#codes = new GuestCodes(key);
  }

  seal(count: number): StoredCode[] {
    const random = randomBytes(count * (CODE_BYTES + IV_BYTES));
    const sealed: StoredCode[] = [];
    for (let k = 0; k < count; k++) {
      const at = k * (CODE_BYTES + IV_BYTES);
      const code = random.subarray(at, at + CODE_BYTES).toString('base64url');
      const iv = random.subarray(at + CODE_BYTES, at + CODE_BYTES + IV_BYTES);
      const hash = createHash('sha256').update(code).digest('hex');
      const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
      cipher.setAAD(Buffer.from(hash));
      const body = Buffer.concat([cipher.update(code, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      sealed.push({
        guest_code: null,
        guest_code_hash: hash,
        guest_code_encrypted: `${iv.toString('base64url')}.${body.toString('base64url')}`,
        guest_code_key_id: this.#keyId,
      });
      if (k === 0 && this.#codes.open(sealed[0] as StoredCode) !== code)
        throw new BenchError('seeding a large organization: a sealed guest code does not open as the service opens it');
    }
    return sealed;
  }
}

/** The record columns the seed writes, in this order; every other column stays null. */
const RECORD_COLUMNS = [
  'organization_id',
  'guest_id',
  'first_name',
  'last_name',
  'phone_1',
  'company_name',
  'company_url',
  'timezone',
  'associated_members',
  'guest_code_hash',
  'guest_code_encrypted',
  'guest_code_key_id',
  'created_at',
  'updated_at',
] as const;

type Chunk = Array<{ guest: ImportedGuest; code: StoredCode }>;

function* chunks(org: LargeOrg, sealer: ChunkSealer): Generator<Chunk> {
  for (let first = 0; first < org.guests; first += CHUNK) {
    const size = Math.min(CHUNK, org.guests - first);
    const codes = sealer.seal(size);
    yield codes.map((code, k) => ({ guest: largeOrgGuest(org, first + k), code }));
  }
}

function seedSqlite(file: string, org: LargeOrg, sealer: ChunkSealer): void {
  const db = new SQLite(file);
  try {
    db.pragma('busy_timeout = 10000');
    // The default page cache (2 MB) is far smaller than the indexes a million rows make (the
    // email's and the code hash's take keys in random order): without a larger one most inserts
    // read and write index pages from and to the file. This connection's alone; gone at close.
    db.pragma('cache_size = -262144');
    const statements = new Map<number, { guests: SQLite.Statement; records: SQLite.Statement }>();
    const statementsFor = (rows: number) => {
      let pair = statements.get(rows);
      if (!pair) {
        const tuples = (width: number) => Array.from({ length: rows }, () => `(${'?,'.repeat(width - 1)}?)`).join(',');
        pair = {
          guests: db.prepare(`insert into guests (id, email, created_at) values ${tuples(3)}`),
          records: db.prepare(
            `insert into organization_guests (${RECORD_COLUMNS.join(', ')}) values ${tuples(RECORD_COLUMNS.length)}`,
          ),
        };
        statements.set(rows, pair);
      }
      return pair;
    };
    db.transaction(() => {
      // Ids given here rather than read back: the transaction holds the write lock, so nothing
      // else takes them, and later inserts continue after the largest.
      const { top } = db.prepare('select coalesce(max(id), 0) as top from guests').get() as { top: number };
      let next = top + 1;
      for (const chunk of chunks(org, sealer)) {
        for (let at = 0; at < chunk.length; at += SQLITE_ROWS) {
          const part = chunk.slice(at, at + SQLITE_ROWS);
          const { guests, records } = statementsFor(part.length);
          const ids = part.map(() => next++);
          guests.run(part.flatMap(({ guest }, k) => [ids[k], guest.email, guest.created_at]));
          records.run(
            part.flatMap(({ guest, code }, k) => [
              org.organizationId,
              ids[k],
              guest.first_name,
              guest.last_name,
              guest.phone_1,
              guest.company_name,
              guest.company_url,
              guest.timezone,
              guest.associated_members,
              code.guest_code_hash,
              code.guest_code_encrypted,
              code.guest_code_key_id,
              guest.created_at,
              guest.updated_at,
            ]),
          );
        }
      }
    })();
  } finally {
    db.close();
  }
}

const POSTGRES_INSERT = `
with c as (
  select * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                       $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
    as c(email, created_at, updated_at, first_name, last_name, phone_1, company_name, company_url, timezone,
         associated_members, guest_code_hash, guest_code_encrypted)
), g as (
  insert into guests (email, created_at) select email, created_at from c on conflict do nothing returning id, email
)
insert into organization_guests (${RECORD_COLUMNS.join(', ')})
select $1, g.id, c.first_name, c.last_name, c.phone_1, c.company_name, c.company_url, c.timezone,
       c.associated_members, c.guest_code_hash, c.guest_code_encrypted, $14, c.created_at, c.updated_at
from c join g on g.email = c.email`;

async function seedPostgres(url: string, org: LargeOrg, sealer: ChunkSealer): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    const keyId = keyIdOf(parseKey(BENCH_GUEST_CODE_KEY) as Buffer);
    const insertOnce = async (chunk: Chunk) => {
      const column = (pick: (row: Chunk[number]) => string | null) => chunk.map(pick);
      const result = await client.query(POSTGRES_INSERT, [
        org.organizationId,
        column((r) => r.guest.email),
        column((r) => r.guest.created_at),
        column((r) => r.guest.updated_at),
        column((r) => r.guest.first_name),
        column((r) => r.guest.last_name),
        column((r) => r.guest.phone_1),
        column((r) => r.guest.company_name),
        column((r) => r.guest.company_url),
        column((r) => r.guest.timezone),
        column((r) => r.guest.associated_members),
        column((r) => r.code.guest_code_hash),
        column((r) => r.code.guest_code_encrypted),
        keyId,
      ]);
      return result.rowCount ?? 0;
    };
    // The service gives guests random ids (src/core/ids.ts) and these take the identity's next
    // ones, so one may be taken already: that guest is skipped (on conflict do nothing) and
    // inserted again, with the identity's next id.
    const insert = async (chunk: Chunk) => {
      let left = chunk;
      for (let attempt = 0; attempt < 5 && left.length > 0; attempt += 1) {
        if ((await insertOnce(left)) === left.length) return;
        const seeded = await client.query<{ email: string }>('select email from guests where email = any($1)', [
          left.map((r) => r.guest.email),
        ]);
        const done = new Set(seeded.rows.map((row) => row.email));
        left = left.filter((r) => !done.has(r.guest.email));
      }
      if (left.length > 0) throw new BenchError(`seeding a large organization: ${left.length} records not inserted`);
    };
    // The next chunk is made (profiles, codes) while the server inserts the previous one.
    let pending: Promise<void> = Promise.resolve();
    try {
      for (const chunk of chunks(org, sealer)) {
        await pending;
        pending = insert(chunk);
      }
    } finally {
      await pending;
    }
    await client.query('commit');
    await client.query('vacuum (analyze) guests, organization_guests');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * A new organization of `guests` guests in `database`, with the benchmark's members (the token
 * of the database's seed reads it). `key` must differ between organizations of one database.
 */
export async function seedLargeOrganization(database: BenchDatabase, guests: number, key: string): Promise<LargeOrg> {
  const started = process.hrtime.bigint();
  const db = openBenchDatabase(database);
  let organizationId: string;
  const memberIds: number[] = [];
  try {
    const admin = createAdminService(db.kysely);
    organizationId = (await admin.createOrganization({ name: `Bench organization of ${guests} guests` })).id;
    for (const person of BENCH_PEOPLE) memberIds.push((await admin.addMember({ organizationId, ...person })).id);
  } finally {
    await db.close();
  }
  const org: LargeOrg = { organizationId, guests, key, endMs: Date.now(), memberIds, seedSec: 0 };
  const sealer = new ChunkSealer(parseKey(BENCH_GUEST_CODE_KEY) as Buffer);
  const config = loadConfig({ DATABASE_URL: database.url, GUEST_CODE_KEY: BENCH_GUEST_CODE_KEY }).database;
  if (config.kind === 'sqlite') seedSqlite(config.file, org, sealer);
  else await seedPostgres(config.url, org, sealer);
  org.seedSec = Number(process.hrtime.bigint() - started) / 1e9;
  return org;
}

/** The sort values and record id of the organization's row at `offset` in the list's default order. */
export async function listRowAt(
  database: BenchDatabase,
  organizationId: string,
  offset: number,
): Promise<{ created_at: string; id: number }> {
  const db = openBenchDatabase(database);
  try {
    const row = await db.kysely
      .selectFrom('organization_guests')
      .select(['created_at', 'id'])
      .where('organization_id', '=', organizationId)
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .offset(offset)
      .executeTakeFirst();
    if (!row) throw new BenchError(`the organization ${organizationId} has no row at offset ${offset}`);
    return row;
  } finally {
    await db.close();
  }
}
