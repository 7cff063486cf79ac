/**
 * A maintained count of each organization's active guest records (organization_guests rows with
 * `deleted_at` null; disabled guests are listed, so they count): the `total` of List guests
 * without a search (docs/guests.md, List guests) reads it instead of counting the organization's
 * index entries, which costs what the organization holds (most of a page's time at a million).
 *
 * The count is kept by triggers on organization_guests, in the transaction of the write itself,
 * so no code path can forget it and a write that rolls back takes its change back with it: +1 for
 * an active row inserted, -1 for one deleted, -1 when `deleted_at` is set, +1 when it is cleared
 * (a re-join). A record never moves to another organization, so `organization_id` is not watched.
 *
 * A count row belongs to its organization by the same foreign key and cascade as every other
 * per-organization table. An increment may insert a count row: it comes with an active record of
 * the organization, so the organization exists. A decrement never creates a row for an
 * organization that is gone: deleting an organization cascades to its records, and their delete
 * triggers then do nothing (SQLite's decrement is a plain update, which finds no row; PostgreSQL's,
 * which may start a slot below zero, writes only while the organization exists).
 *
 * SQLite: one row per organization, updated by per-row triggers (one writer at a time, in
 * process; a per-row update is cheap there).
 *
 * PostgreSQL: several instances write at once, so one row per organization would be a hot row:
 * every create of the organization would wait on its lock until the creator commits. The count is
 * therefore spread over SLOTS rows per organization, the total being their sum (still one indexed
 * read of at most SLOTS rows). A transaction writes to one slot, chosen by its transaction id, so
 * concurrent transactions mostly take different rows, and one transaction's statements never
 * take two slots of an organization (two transactions then cannot lock one organization's slots
 * in opposite orders). A slot may go below zero (a guest counted in one slot, removed through
 * another); only the sum means anything. The slot stays locked from the transaction's first such
 * write to its commit, as the invite window's row does (measured with 10 concurrent creators of
 * one organization: the record's insert took 1-3 ms at the median with 16 slots, 12-16 ms with
 * one). Inserts and deletes use statement-level triggers over their transition tables: one
 * grouped upsert per statement, so a multi-row insert of an import's batch, or a seed of a
 * million rows in one statement, updates each organization's slot once.
 * State changes (remove, re-join) use a row-level trigger that fires only when `deleted_at` turns
 * null or non-null: every other update (a profile, the last access) costs nothing more.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseKind } from '../database.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Count rows per organization on PostgreSQL (see above); SQLite uses slot 0 only. */
const SLOTS = 16;

/** The slot of the current transaction (PostgreSQL): one per transaction, spread over SLOTS. */
const SLOT = `(txid_current() % ${SLOTS})::integer`;

/**
 * Adds the rows of `deltas` (organization_id, delta) to the current transaction's slot, in one
 * statement, in organization order (concurrent statements touching several organizations lock
 * their rows in one order). `guarded`: only for organizations that still exist (decrements).
 */
function addToSlots(deltas: string, guarded: boolean) {
  return sql.raw(`insert into organization_guest_counts as c (organization_id, slot, count)
    select d.organization_id, ${SLOT}, d.delta from (${deltas}) d
    ${guarded ? 'where exists (select 1 from organizations o where o.id = d.organization_id)' : ''}
    order by d.organization_id
    on conflict (organization_id, slot) do update set count = c.count + excluded.count`);
}

async function postgresTriggers(db: AnyDb): Promise<void> {
  await sql`create function organization_guest_counts__inserted() returns trigger language plpgsql as $$
    begin
      ${addToSlots(
        'select organization_id, count(*) as delta from inserted_rows where deleted_at is null group by organization_id',
        false,
      )};
      return null;
    end $$`.execute(db);
  await sql`create trigger organization_guest_counts__insert after insert on organization_guests
    referencing new table as inserted_rows for each statement
    execute function organization_guest_counts__inserted()`.execute(db);

  await sql`create function organization_guest_counts__deleted() returns trigger language plpgsql as $$
    begin
      ${addToSlots(
        'select organization_id, -count(*) as delta from deleted_rows where deleted_at is null group by organization_id',
        true,
      )};
      return null;
    end $$`.execute(db);
  await sql`create trigger organization_guest_counts__delete after delete on organization_guests
    referencing old table as deleted_rows for each statement
    execute function organization_guest_counts__deleted()`.execute(db);

  // Transition tables cannot go with a column list or a WHEN condition; a removal or a re-join
  // changes one row per statement, so a row-level trigger filtered by WHEN is the cheaper one.
  await sql`create function organization_guest_counts__state_changed() returns trigger language plpgsql as $$
    begin
      ${addToSlots(
        'select new.organization_id as organization_id, case when new.deleted_at is null then 1 else -1 end as delta',
        true,
      )};
      return null;
    end $$`.execute(db);
  await sql`create trigger organization_guest_counts__state after update of deleted_at on organization_guests
    for each row when ((old.deleted_at is null) <> (new.deleted_at is null))
    execute function organization_guest_counts__state_changed()`.execute(db);
}

async function sqliteTriggers(db: AnyDb): Promise<void> {
  const increment = (record: 'new' | 'old') =>
    sql.raw(`insert into organization_guest_counts (organization_id, slot, count) values (${record}.organization_id, 0, 1)
      on conflict (organization_id, slot) do update set count = count + 1`);
  // A plain update: a decrement never inserts (the row exists while the count is above zero).
  const decrement = (record: 'new' | 'old') =>
    sql.raw(`update organization_guest_counts set count = count - 1
      where organization_id = ${record}.organization_id and slot = 0`);
  await sql`create trigger organization_guest_counts__insert after insert on organization_guests
    for each row when new.deleted_at is null begin ${increment('new')}; end`.execute(db);
  await sql`create trigger organization_guest_counts__delete after delete on organization_guests
    for each row when old.deleted_at is null begin ${decrement('old')}; end`.execute(db);
  await sql`create trigger organization_guest_counts__remove after update of deleted_at on organization_guests
    for each row when old.deleted_at is null and new.deleted_at is not null begin ${decrement('new')}; end`.execute(db);
  await sql`create trigger organization_guest_counts__rejoin after update of deleted_at on organization_guests
    for each row when old.deleted_at is not null and new.deleted_at is null begin ${increment('new')}; end`.execute(db);
}

export async function up(db: AnyDb, kind: DatabaseKind): Promise<void> {
  await db.schema
    .createTable('organization_guest_counts')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    /** 0 to SLOTS - 1 on PostgreSQL; always 0 on SQLite. */
    .addColumn('slot', 'integer', (c) => c.notNull())
    /** This slot's share of the organization's active records; the count is the sum of its slots. */
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('organization_guest_counts__organization_id__slot', ['organization_id', 'slot'])
    .execute();
  // No write may land between the backfill and the triggers: on PostgreSQL the table is locked
  // against writes until the migration commits (reads go on); SQLite's migration holds the one
  // write lock already.
  if (kind === 'postgres') await sql`lock table organization_guests in share row exclusive mode`.execute(db);
  await (kind === 'postgres' ? postgresTriggers(db) : sqliteTriggers(db));
  await sql`insert into organization_guest_counts (organization_id, slot, count)
    select organization_id, 0, count(*) from organization_guests where deleted_at is null
    group by organization_id`.execute(db);
}

export async function down(db: AnyDb, kind: DatabaseKind): Promise<void> {
  const postgres = kind === 'postgres';
  for (const name of [
    'organization_guest_counts__insert',
    'organization_guest_counts__delete',
    'organization_guest_counts__state',
    'organization_guest_counts__remove',
    'organization_guest_counts__rejoin',
  ]) {
    // PostgreSQL names a trigger with its table; SQLite takes the name alone.
    await sql`drop trigger if exists ${sql.id(name)}${sql.raw(postgres ? ' on organization_guests' : '')}`.execute(db);
  }
  if (postgres) {
    for (const name of ['inserted', 'deleted', 'state_changed'])
      await sql`drop function if exists ${sql.id(`organization_guest_counts__${name}`)}()`.execute(db);
  }
  await db.schema.dropTable('organization_guest_counts').ifExists().execute();
}
