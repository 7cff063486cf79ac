/**
 * Fresh databases for the benchmark and what it seeds into them, through the project's own
 * modules (connection, migrations, the admin service), so the schema and indexes are exactly the
 * service's. The 10,000 guests of the list organization are inserted directly, in one
 * transaction, in the shape the API writes them (same columns, codes, JSON text, timestamps).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createAdminService } from '../../src/organizations/admin.service.js';
import { parseKey, randomSecret } from '../../src/core/secrets.js';
import { GuestCodes } from '../../src/guests/guest-code.js';
import { formatTimestamp } from '../../src/core/time.js';
import { onCleanup } from './processes.js';
import { guestProfile } from './people.js';
import { insertTasks } from './tasks.js';

export type DbKind = 'sqlite' | 'postgres';

export interface BenchDatabase {
  kind: DbKind;
  /** DATABASE_URL for a process using it. */
  url: string;
  drop(): Promise<void>;
}

/** Connects to the PostgreSQL server at `url`; the error's message when it cannot. */
export async function postgresProblem(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function onServer(base: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * An empty database: a new SQLite file under `dir`, or a new schema `bench_<random>` on the
 * PostgreSQL server at `pgBase` (reached through `search_path`), dropped again by `drop`.
 */
export async function freshDatabase(kind: DbKind, name: string, dir: string, pgBase: string): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const file = path.join(dir, `${name}.sqlite`);
    const drop = async () => {
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
    };
    return { kind, url: `sqlite:${file}`, drop };
  }
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  await onServer(pgBase, `create schema ${schema}`);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await onServer(pgBase, `drop schema if exists ${schema} cascade`);
  };
  onCleanup(drop);
  const url = new URL(pgBase);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { kind, url: url.toString(), drop };
}

/** The guest code key of the benchmark's databases and services (seeded codes are stored encrypted with it). */
export const BENCH_GUEST_CODE_KEY = 'be0c4c0d'.repeat(8);

/** Opens a benchmark database with the service's own connection settings. */
export function openBenchDatabase(database: BenchDatabase): Db {
  return openDatabase(loadConfig({ DATABASE_URL: database.url, GUEST_CODE_KEY: BENCH_GUEST_CODE_KEY }).database);
}

export interface Seed {
  /** The organization holding `listGuests` guests (list, get, update). */
  listOrgId: string;
  /** An organization with no guests at first (create). */
  createOrgId: string;
  /** A token of an admin of both organizations. */
  token: string;
  /** Members of both organizations, for `associated_members`. */
  memberIds: number[];
  /** The emails of the list organization's guests, in creation order. */
  listEmails: string[];
  /** The organization whose guests own 1 to 5 tasks each (list with stats). */
  tasksOrgId: string;
  /** Guests in the tasks organization. */
  tasksGuests: number;
}

const SEED_CHUNK = 500;

/** The members of every benchmark organization; the first, an admin, holds the benchmark's token. */
export const BENCH_PEOPLE = [
  { email: 'ops.admin@bench-members.example', role: 'admin', firstName: 'Olivia', lastName: 'Admin' },
  { email: 'sam.standard@bench-members.example', role: 'standard', firstName: 'Sam', lastName: 'Standard' },
  { email: 'sid.standard@bench-members.example', role: 'standard', firstName: 'Sid', lastName: 'Standard' },
];

/**
 * Migrates, creates the three organizations, their members and a token, then the list guests, and
 * the tasks organization's guests with their tasks.
 */
export async function seedDatabase(database: BenchDatabase, listGuests: number, tasksGuests = 0): Promise<Seed> {
  const db = openBenchDatabase(database);
  try {
    await migrateToLatest(db);
    const admin = createAdminService(db.kysely);
    const listOrg = await admin.createOrganization({ name: 'Bench list organization' });
    const createOrg = await admin.createOrganization({ name: 'Bench create organization' });
    const tasksOrg = await admin.createOrganization({ name: 'Bench tasks organization' });
    const memberIds: number[] = [];
    for (const person of BENCH_PEOPLE) {
      for (const organizationId of [listOrg.id, createOrg.id, tasksOrg.id]) {
        const member = await admin.addMember({ organizationId, ...person });
        if (!memberIds.includes(member.id)) memberIds.push(member.id);
      }
    }
    const token = (await admin.createToken({ email: BENCH_PEOPLE[0]?.email, name: 'benchmark' })).token;
    const { emails: listEmails } = await insertGuests(db, listOrg.id, listGuests, memberIds, 'seed');
    if (tasksGuests > 0) {
      const { recordIds } = await insertGuests(db, tasksOrg.id, tasksGuests, memberIds, 'task');
      await db.kysely.transaction().execute((trx) => insertTasks(trx, tasksOrg.id, recordIds, memberIds));
    }
    if (database.kind === 'postgres') {
      // What autovacuum does to a table that has been around: statistics for the planner, and a
      // visibility map so that index-only scans (the list's count and ids) need not visit every
      // row. Measured straight after the seed without it, the count of 10,000 guests fetched
      // each row from the table (6.6 ms instead of about 1).
      await sql`vacuum (analyze) guests, organization_guests, memberships, access_tokens, tasks, task_guests, task_users`.execute(
        db.kysely,
      );
    }
    return {
      listOrgId: listOrg.id,
      createOrgId: createOrg.id,
      token,
      memberIds,
      listEmails,
      tasksOrgId: tasksOrg.id,
      tasksGuests,
    };
  } finally {
    await db.close();
  }
}

/**
 * `count` guests joined to the organization, one second apart, in one transaction; `key` keeps
 * their emails apart from another organization's seeded guests.
 */
async function insertGuests(
  db: Db,
  organizationId: string,
  count: number,
  memberIds: number[],
  key: string,
): Promise<{ emails: string[]; recordIds: number[] }> {
  const codes = new GuestCodes(parseKey(BENCH_GUEST_CODE_KEY) as Buffer);
  const emails: string[] = [];
  const recordIds: number[] = [];
  const start = Date.now() - count * 1000;
  await db.kysely.transaction().execute(async (trx) => {
    for (let first = 0; first < count; first += SEED_CHUNK) {
      const batch = Array.from({ length: Math.min(SEED_CHUNK, count - first) }, (_, k) => {
        const i = first + k;
        return {
          i,
          at: formatTimestamp(new Date(start + i * 1000)),
          profile: guestProfile(`${key}${i}`, i, memberIds),
        };
      });
      const globals = await trx
        .insertInto('guests')
        .values(batch.map(({ at, profile }) => ({ email: profile.email, created_at: at, deleted_at: null })))
        .returning(['id', 'email'])
        .execute();
      const idByEmail = new Map(globals.map((g) => [g.email, g.id]));
      const records = await trx
        .insertInto('organization_guests')
        .values(
          batch.map(({ at, profile }) => {
            return {
              organization_id: organizationId,
              guest_id: idByEmail.get(profile.email) as number,
              first_name: profile.first_name,
              last_name: profile.last_name,
              phone_1: profile.phone_1,
              phone_2: null,
              company_name: profile.company_name,
              company_url: profile.company_url,
              contact_url: null,
              image_url: null,
              opportunity_url: null,
              opportunity_name: null,
              timezone: profile.timezone,
              status: null,
              external_sync_source: null,
              external_date_creation: null,
              cadence_days: null,
              associated_members: JSON.stringify(profile.associated_members),
              ...codes.seal(randomSecret(24)),
              created_at: at,
              updated_at: at,
              deleted_at: null,
            };
          }),
        )
        .returning(['id', 'guest_id'])
        .execute();
      const recordByGuest = new Map(records.map((r) => [r.guest_id, r.id]));
      for (const { profile } of batch) {
        emails.push(profile.email);
        recordIds.push(recordByGuest.get(idByEmail.get(profile.email) as number) as number);
      }
    }
  });
  return { emails, recordIds };
}

/** Active guests of the organization, counted in the database itself. */
export async function countGuests(database: BenchDatabase, organizationId: string): Promise<number> {
  const db = openBenchDatabase(database);
  try {
    const row = await db.kysely
      .selectFrom('organization_guests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organization_id', '=', organizationId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await db.close();
  }
}
