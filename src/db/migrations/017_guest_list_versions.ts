/**
 * A version of each organization's guest list: `changes`, beside the maintained count of
 * migration 016_guest_counts, counts every row written to the organization's guest records
 * (inserted, updated in any column, deleted). A list page read at one version is the same page
 * at that version, so an instance may answer it again from memory while the version holds
 * (docs/guests.md, List guests, "Pages answered again"); the version is read with the count, in
 * the same statement, so the check costs nothing more than the total did.
 *
 * Kept by the same triggers as the count, in the transaction of the write: no code path (the
 * service, the CLI's import, a seed, an operator's SQL) can change a record without moving the
 * version, and a write that rolls back moves nothing. On PostgreSQL the version is the sum of the
 * organization's slots: each committed write adds at least one, so the sum only grows, and two
 * different committed states of the records never show the same sum to a reader (a later state
 * holds every write of an earlier one, and more).
 *
 * What changes from 016: every insert and delete also adds to `changes`; an update of any column
 * (016 watched only `deleted_at` turning null or not) now writes the slot too, one upsert per
 * statement on PostgreSQL (a statement-level trigger over its transition tables), one per row on
 * SQLite. An insert makes the organization's row even for a record inserted as removed, so the
 * delete triggers find it.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseKind } from '../database.js';
import * as m016 from './016_guest_counts.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** The slot of the current transaction (PostgreSQL), as in 016_guest_counts. */
const SLOT = `(txid_current() % 16)::integer`;

/** 016's triggers, replaced here. */
const OLD_TRIGGERS = [
  'organization_guest_counts__insert',
  'organization_guest_counts__delete',
  'organization_guest_counts__state',
  'organization_guest_counts__remove',
  'organization_guest_counts__rejoin',
];

/**
 * Adds `deltas` (organization_id, delta, changes) to the current transaction's slot in one
 * statement, in organization order; `guarded`: only for organizations that still exist (016's
 * addToSlots, with the changes beside the count).
 */
function addToSlots(deltas: string, guarded: boolean) {
  return sql.raw(`insert into organization_guest_counts as c (organization_id, slot, count, changes)
    select d.organization_id, ${SLOT}, d.delta, d.changes from (${deltas}) d
    ${guarded ? 'where exists (select 1 from organizations o where o.id = d.organization_id)' : ''}
    order by d.organization_id
    on conflict (organization_id, slot) do update set count = c.count + excluded.count, changes = c.changes + excluded.changes`);
}

async function postgresTriggers(db: AnyDb): Promise<void> {
  await sql`create or replace function organization_guest_counts__inserted() returns trigger language plpgsql as $$
    begin
      ${addToSlots(
        `select organization_id, count(*) filter (where deleted_at is null) as delta, count(*) as changes
         from inserted_rows group by organization_id`,
        false,
      )};
      return null;
    end $$`.execute(db);
  await sql`create trigger organization_guest_counts__insert after insert on organization_guests
    referencing new table as inserted_rows for each statement
    execute function organization_guest_counts__inserted()`.execute(db);

  await sql`create or replace function organization_guest_counts__deleted() returns trigger language plpgsql as $$
    begin
      ${addToSlots(
        `select organization_id, -count(*) filter (where deleted_at is null) as delta, count(*) as changes
         from deleted_rows group by organization_id`,
        true,
      )};
      return null;
    end $$`.execute(db);
  await sql`create trigger organization_guest_counts__delete after delete on organization_guests
    referencing old table as deleted_rows for each statement
    execute function organization_guest_counts__deleted()`.execute(db);

  // A record never moves to another organization: the old and new rows pair by id within one.
  await sql`create function organization_guest_counts__updated() returns trigger language plpgsql as $$
    begin
      ${addToSlots(
        `select n.organization_id,
           sum(case when (o.deleted_at is null) = (n.deleted_at is null) then 0
                    when n.deleted_at is null then 1 else -1 end) as delta,
           count(*) as changes
         from updated_rows n join previous_rows o on o.id = n.id group by n.organization_id`,
        true,
      )};
      return null;
    end $$`.execute(db);
  await sql`create trigger organization_guest_counts__update after update on organization_guests
    referencing old table as previous_rows new table as updated_rows for each statement
    execute function organization_guest_counts__updated()`.execute(db);
  await sql`drop function if exists organization_guest_counts__state_changed()`.execute(db);
}

async function sqliteTriggers(db: AnyDb): Promise<void> {
  const add = (count: string) =>
    sql.raw(`insert into organization_guest_counts (organization_id, slot, count, changes)
      values (new.organization_id, 0, ${count}, 1)
      on conflict (organization_id, slot) do update set count = count + excluded.count, changes = changes + 1`);
  await sql`create trigger organization_guest_counts__insert after insert on organization_guests
    for each row begin ${add('new.deleted_at is null')}; end`.execute(db);
  // A plain update: the row exists since the record's insert, and is gone with its organization.
  await sql`create trigger organization_guest_counts__delete after delete on organization_guests
    for each row begin
      update organization_guest_counts set count = count - (old.deleted_at is null), changes = changes + 1
      where organization_id = old.organization_id and slot = 0;
    end`.execute(db);
  await sql`create trigger organization_guest_counts__update after update on organization_guests
    for each row begin ${add('(new.deleted_at is null) - (old.deleted_at is null)')}; end`.execute(db);
}

async function dropTriggers(db: AnyDb, kind: DatabaseKind, names: string[]): Promise<void> {
  for (const name of names) {
    // PostgreSQL names a trigger with its table; SQLite takes the name alone.
    await sql`drop trigger if exists ${sql.id(name)}${sql.raw(kind === 'postgres' ? ' on organization_guests' : '')}`.execute(
      db,
    );
  }
}

export async function up(db: AnyDb, kind: DatabaseKind): Promise<void> {
  // As in 016: no write may land while the triggers are swapped (PostgreSQL locks the table
  // against writes until the migration commits; SQLite's migration holds the write lock).
  if (kind === 'postgres') await sql`lock table organization_guests in share row exclusive mode`.execute(db);
  await db.schema
    .alterTable('organization_guest_counts')
    .addColumn('changes', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await dropTriggers(db, kind, OLD_TRIGGERS);
  await (kind === 'postgres' ? postgresTriggers(db) : sqliteTriggers(db));
  // Organizations whose records are all removed have no count row yet: the delete triggers expect
  // one. (`where true`: SQLite reads an upsert after a SELECT only past a WHERE.)
  await sql`insert into organization_guest_counts (organization_id, slot, count, changes)
    select distinct organization_id, 0, 0, 0 from organization_guests where true
    on conflict (organization_id, slot) do nothing`.execute(db);
}

export async function down(db: AnyDb, kind: DatabaseKind): Promise<void> {
  await dropTriggers(db, kind, [...OLD_TRIGGERS, 'organization_guest_counts__update']);
  if (kind === 'postgres') await sql`drop function if exists organization_guest_counts__updated()`.execute(db);
  // 016 as it was: its table, triggers and count, counted afresh.
  await m016.down(db, kind);
  await m016.up(db, kind);
}
