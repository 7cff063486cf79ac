/**
 * The migration that re-normalizes stored addresses: rows written before the one form existed
 * (Unicode domains, decomposed letters) are inserted with plain SQL at the migration before it,
 * then the database is migrated. Free normalized forms are taken; colliding rows stay as they are
 * and are reported, by the migration's warning and by `guests doctor emails`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { loadConfig } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import { MIGRATION_NAMES, migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import { findEmailCollisions, planEmailNormalization } from '../../src/email/stored-emails.js';
import { TEST_GUEST_CODE_KEY, freshDatabaseUrl } from '../../support/app.js';
import { runGuests } from '../../support/process.js';

const MIGRATION = '008_email_normalization';
const PREVIOUS = MIGRATION_NAMES[MIGRATION_NAMES.indexOf(MIGRATION) - 1] as string;
const AT = '2026-01-01 00:00:00';
const ORG_A = 'a'.repeat(32);
const ORG_B = 'b'.repeat(32);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function insertUser(db: AnyDb, id: number, email: string): Promise<void> {
  await sql`insert into users (id, email, created_at) values (${id}, ${email}, ${AT})`.execute(db);
}

async function insertGuest(db: AnyDb, id: number, email: string, orgs: string[]): Promise<void> {
  await sql`insert into guests (id, email, created_at) values (${id}, ${email}, ${AT})`.execute(db);
  for (const org of orgs) {
    await sql`insert into organization_guests (organization_id, guest_id, created_at, updated_at) values (${org}, ${id}, ${AT}, ${AT})`.execute(
      db,
    );
  }
}

async function insertInvitation(
  db: AnyDb,
  id: number,
  org: string,
  email: string,
  userId: number,
  acceptedAt: string | null = null,
): Promise<void> {
  await sql`insert into invitations (id, organization_id, email, role, code_hash, created_at, sent_at, expires_at, user_id, accepted_at)
    values (${id}, ${org}, ${email}, 'light', ${`hash-${id}`}, ${AT}, ${AT}, ${'2099-01-01 00:00:00'}, ${userId}, ${acceptedAt})`.execute(
    db,
  );
}

async function emailsOf(db: AnyDb, table: string): Promise<Record<number, string>> {
  const rows = (await db.selectFrom(table).select(['id', 'email']).orderBy('id').execute()) as Array<{
    id: number;
    email: string;
  }>;
  return Object.fromEntries(rows.map((r) => [Number(r.id), r.email]));
}

/** The rows every test starts from: free forms to take, and collisions to leave alone. */
async function seed(db: AnyDb): Promise<void> {
  await sql`insert into organizations (id, name, created_at) values (${ORG_A}, 'A', ${AT}), (${ORG_B}, 'B', ${AT})`.execute(
    db,
  );
  await insertUser(db, 1, 'boss@bücher.test'); // free: becomes punycode
  await insertUser(db, 2, 'ann@bücher.test'); // collides with 3
  await insertUser(db, 3, 'ann@xn--bcher-kva.test');
  await insertUser(db, 4, 'plain@partner.test');
  await sql`insert into memberships (organization_id, user_id, role, created_at) values (${ORG_A}, 2, 'admin', ${AT}), (${ORG_B}, 3, 'light', ${AT})`.execute(
    db,
  );
  await insertGuest(db, 1, 'x@bücher.test', [ORG_A]); // collides with 2
  await insertGuest(db, 2, 'x@xn--bcher-kva.test', [ORG_B]);
  await insertGuest(db, 3, 'jo\u0308rg@partner.test', [ORG_A]); // NFD, free
  await insertGuest(db, 4, 'y@bu\u0308cher.test', [ORG_A]); // 4 and 5 collide with each other only
  await insertGuest(db, 5, 'y@bücher.test', [ORG_A, ORG_B]);
  await insertGuest(db, 6, 'plain@partner.test', [ORG_B]);
  await insertInvitation(db, 1, ORG_A, 'inv@bücher.test', 4); // open, free
  await insertInvitation(db, 2, ORG_A, 'dup@bücher.test', 4); // open, collides with 3 in ORG_A
  await insertInvitation(db, 3, ORG_A, 'dup@xn--bcher-kva.test', 4);
  await insertInvitation(db, 4, ORG_B, 'dup@bücher.test', 4); // open in another organization: free there
  await insertInvitation(db, 5, ORG_A, 'old@bücher.test', 4, AT); // accepted: no unique rule, normalized
  await insertInvitation(db, 6, ORG_A, 'old@xn--bcher-kva.test', 4);
}

describe('migration 008: stored email addresses in their one form', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Db;
  const warnings: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const log = {
    warn: (obj: object, msg: string) => warnings.push({ obj: obj as Record<string, unknown>, msg }),
    info: () => undefined,
  };

  before(async () => {
    database = await freshDatabaseUrl();
    db = openDatabase(
      loadConfig({ DATA_DIR: '/nonexistent', DATABASE_URL: database.url, GUEST_CODE_KEY: TEST_GUEST_CODE_KEY })
        .database,
    );
    await migrateTo(db, PREVIOUS, log);
    await seed(db.kysely);
    await migrateToLatest(db, log);
  });

  after(async () => {
    await db.close();
    await database.drop();
  });

  test('rows whose normalized form is free take it', async () => {
    const users = await emailsOf(db.kysely, 'users');
    assert.equal(users[1], 'boss@xn--bcher-kva.test');
    assert.equal(users[4], 'plain@partner.test');
    const guests = await emailsOf(db.kysely, 'guests');
    assert.equal(guests[3], 'jörg@partner.test');
    assert.equal(guests[3], 'jörg@partner.test'.normalize('NFC'));
    assert.equal(guests[6], 'plain@partner.test');
    const invitations = await emailsOf(db.kysely, 'invitations');
    assert.equal(invitations[1], 'inv@xn--bcher-kva.test');
    assert.equal(
      invitations[4],
      'dup@xn--bcher-kva.test',
      'the same address open in another organization is no collision',
    );
    assert.equal(
      invitations[5],
      'old@xn--bcher-kva.test',
      'an accepted invitation takes the form even when an open one has it',
    );
    assert.equal(invitations[6], 'old@xn--bcher-kva.test');
  });

  test('colliding rows are left exactly as they were', async () => {
    const users = await emailsOf(db.kysely, 'users');
    assert.deepEqual([users[2], users[3]], ['ann@bücher.test', 'ann@xn--bcher-kva.test']);
    const guests = await emailsOf(db.kysely, 'guests');
    assert.deepEqual(
      [guests[1], guests[2], guests[4], guests[5]],
      ['x@bücher.test', 'x@xn--bcher-kva.test', 'y@bu\u0308cher.test', 'y@bücher.test'],
    );
    const invitations = await emailsOf(db.kysely, 'invitations');
    assert.deepEqual([invitations[2], invitations[3]], ['dup@bücher.test', 'dup@xn--bcher-kva.test']);
  });

  test('the migration warns once, naming every collision by table, address and ids', () => {
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    const [warning] = warnings;
    assert.match(warning?.msg ?? '', /guests doctor emails/);
    assert.deepEqual(warning?.obj.collisions, [
      { table: 'users', normalized: 'ann@xn--bcher-kva.test', ids: [2, 3] },
      { table: 'guests', normalized: 'x@xn--bcher-kva.test', ids: [1, 2] },
      { table: 'guests', normalized: 'y@xn--bcher-kva.test', ids: [4, 5] },
      { table: 'invitations', normalized: 'dup@xn--bcher-kva.test', ids: [2, 3] },
    ]);
  });

  test('the collisions are listed with the organizations of each row', async () => {
    const collisions = await findEmailCollisions(db.kysely);
    assert.deepEqual(collisions, [
      {
        table: 'users',
        normalized: 'ann@xn--bcher-kva.test',
        rows: [
          { id: 2, email: 'ann@bücher.test', organizations: [ORG_A] },
          { id: 3, email: 'ann@xn--bcher-kva.test', organizations: [ORG_B] },
        ],
      },
      {
        table: 'guests',
        normalized: 'x@xn--bcher-kva.test',
        rows: [
          { id: 1, email: 'x@bücher.test', organizations: [ORG_A] },
          { id: 2, email: 'x@xn--bcher-kva.test', organizations: [ORG_B] },
        ],
      },
      {
        table: 'guests',
        normalized: 'y@xn--bcher-kva.test',
        rows: [
          { id: 4, email: 'y@bu\u0308cher.test', organizations: [ORG_A] },
          { id: 5, email: 'y@bücher.test', organizations: [ORG_A, ORG_B] },
        ],
      },
      {
        table: 'invitations',
        normalized: 'dup@xn--bcher-kva.test',
        organizationId: ORG_A,
        rows: [
          { id: 2, email: 'dup@bücher.test', organizations: [] },
          { id: 3, email: 'dup@xn--bcher-kva.test', organizations: [] },
        ],
      },
    ]);
  });

  test('after the migration nothing more can be rewritten: only the collisions remain', async () => {
    const plan = await planEmailNormalization(db.kysely);
    assert.deepEqual(plan.updates, []);
    assert.equal(plan.collisions.length, 4);
  });

  test('once an operator resolves a collision, it is no longer listed', async () => {
    await sql`update guests set email = ${'y-old@partner.test'} where id = 4`.execute(db.kysely);
    const plan = await planEmailNormalization(db.kysely);
    assert.deepEqual(plan.updates, [{ table: 'guests', id: 5, from: 'y@bücher.test', to: 'y@xn--bcher-kva.test' }]);
    assert.deepEqual(
      plan.collisions.map((c) => `${c.table} ${c.normalized}`),
      ['users ann@xn--bcher-kva.test', 'guests x@xn--bcher-kva.test', 'invitations dup@xn--bcher-kva.test'],
    );
  });
});

describe('guests doctor emails', () => {
  test('lists the collisions left by the migration, and says so when there are none', async () => {
    // The command is a process of its own: on SQLite the database is a file it can open too.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-doctor-'));
    const database = process.env.TEST_DATABASE_URL
      ? await freshDatabaseUrl()
      : { url: `sqlite:${path.join(dir, 'guests.sqlite')}`, drop: async () => undefined };
    const env = { DATA_DIR: dir, DATABASE_URL: database.url, GUEST_CODE_KEY: TEST_GUEST_CODE_KEY };
    const db = openDatabase(loadConfig(env).database);
    try {
      await migrateTo(db, PREVIOUS);
      await sql`insert into organizations (id, name, created_at) values (${ORG_A}, 'A', ${AT})`.execute(db.kysely);
      await insertGuest(db.kysely, 1, 'x@bücher.test', [ORG_A]);
      await insertGuest(db.kysely, 2, 'x@xn--bcher-kva.test', [ORG_A]);
    } finally {
      await db.close();
    }
    try {
      // The command migrates first: the migration's warning goes to stderr, the list to stdout.
      const first = await runGuests(['doctor', 'emails', '--json'], env);
      assert.equal(first.code, 0, first.describe);
      assert.deepEqual(JSON.parse(first.stdout), {
        collisions: [
          {
            table: 'guests',
            normalized: 'x@xn--bcher-kva.test',
            rows: [
              { id: 1, email: 'x@bücher.test', organizations: [ORG_A] },
              { id: 2, email: 'x@xn--bcher-kva.test', organizations: [ORG_A] },
            ],
          },
        ],
      });
      const warning = JSON.parse(first.stderr.trim()) as { level: string; msg: string };
      assert.equal(warning.level, 'warn', first.describe);
      assert.match(warning.msg, /guests doctor emails/);

      const text = await runGuests(['doctor', 'emails'], env);
      assert.equal(text.code, 0, text.describe);
      assert.equal(text.stderr, '', 'the migration ran once: no second warning');
      assert.match(
        text.stdout,
        /^guests x@xn--bcher-kva\.test:\n {2}id 1: x@bücher\.test — organizations a{32}\n {2}id 2: x@xn--bcher-kva\.test — organizations a{32}\n$/,
      );

      const fix = openDatabase(loadConfig(env).database);
      try {
        await sql`delete from guests where id = 1`.execute(fix.kysely);
      } finally {
        await fix.close();
      }
      const clean = await runGuests(['doctor', 'emails'], env);
      assert.equal(clean.code, 0, clean.describe);
      assert.equal(clean.stdout, 'No stored email address is written in more than one way.\n');
    } finally {
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
