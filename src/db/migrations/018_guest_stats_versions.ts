/**
 * The version of an organization's guest list (migration 017_guest_list_versions) also moves
 * with every write that can change a guest's `stats` (docs/guests.md, The guest object): a task
 * owner row of one of its guests inserted, updated (the guest completed their part) or deleted, and
 * a task with guest owners completed or reopened. A page read `with=stats` at one version is then
 * the same page at that version, and may be answered again from memory like any other page (List
 * guests, "Pages answered again").
 *
 * The same rules as 017: kept by triggers in the write's own transaction, so every writer moves it
 * (the service, an operator's SQL) and a rolled-back write moves nothing; on PostgreSQL one upsert
 * per statement into the transaction's slot (statement-level triggers over the transition tables),
 * on SQLite one update per row of the organization's single slot. Only `changes` moves: the count
 * of guests is not touched.
 *
 * A task owner row names a guest record, whose organization is the task's. A row deleted together
 * with its record (a guest permanently deleted) or its organization finds no record to name its
 * organization, and needs none: the record's own delete moved the version already, and a deleted
 * organization has no list. A task deleted deletes its owner rows (a cascade), whose triggers move
 * the version.
 */
import { sql, type Kysely } from 'kysely';
import type { DatabaseKind } from '../database.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** The slot of the current transaction (PostgreSQL), as in 016_guest_counts. */
const SLOT = `(txid_current() % 16)::integer`;

/**
 * Adds `changes` (organization_id, changes) to the current transaction's slot in one statement, in
 * organization order (as 017 does), for organizations that still exist.
 */
function addChanges(changes: string): string {
  return `insert into organization_guest_counts as c (organization_id, slot, count, changes)
    select d.organization_id, ${SLOT}, 0, d.changes from (${changes}) d
    where exists (select 1 from organizations o where o.id = d.organization_id)
    order by d.organization_id
    on conflict (organization_id, slot) do update set changes = c.changes + excluded.changes`;
}

/** The task owner rows of `rows` (a transition table), counted by their record's organization. */
function ownersByOrganization(rows: string): string {
  return `select og.organization_id, count(*) as changes
    from ${rows} r join organization_guests og on og.id = r.organization_guest_id
    group by og.organization_id`;
}

/**
 * Each trigger: its name and table (SQLite's triggers have the same names), and on PostgreSQL its
 * function, event, transition tables (only those its statement reads) and statement.
 */
const TRIGGERS = [
  {
    name: 'guest_stats_version__owner_insert',
    table: 'task_guests',
    fn: 'guest_stats_version__owners_inserted',
    event: 'insert',
    transition: 'new table as inserted_rows',
    body: addChanges(ownersByOrganization('inserted_rows')),
  },
  {
    name: 'guest_stats_version__owner_update',
    table: 'task_guests',
    fn: 'guest_stats_version__owners_updated',
    event: 'update',
    transition: 'new table as updated_rows',
    body: addChanges(ownersByOrganization('updated_rows')),
  },
  {
    name: 'guest_stats_version__owner_delete',
    table: 'task_guests',
    fn: 'guest_stats_version__owners_deleted',
    event: 'delete',
    transition: 'old table as deleted_rows',
    body: addChanges(ownersByOrganization('deleted_rows')),
  },
  {
    // Only a task whose completion changed and that has guest owners changes any guest's stats.
    name: 'guest_stats_version__task_update',
    table: 'tasks',
    fn: 'guest_stats_version__tasks_updated',
    event: 'update',
    transition: 'old table as previous_rows new table as updated_rows',
    body: addChanges(`select n.organization_id, count(*) as changes
      from updated_rows n join previous_rows o on o.id = n.id
      where o.completed_at is distinct from n.completed_at
        and exists (select 1 from task_guests tg where tg.task_id = n.id)
      group by n.organization_id`),
  },
] as const;

async function postgresTriggers(db: AnyDb): Promise<void> {
  for (const t of TRIGGERS) {
    await sql`create function ${sql.id(t.fn)}() returns trigger language plpgsql as $$
      begin
        ${sql.raw(t.body)};
        return null;
      end $$`.execute(db);
    await sql`create trigger ${sql.id(t.name)} after ${sql.raw(t.event)} on ${sql.id(t.table)}
      referencing ${sql.raw(t.transition)} for each statement execute function ${sql.id(t.fn)}()`.execute(db);
  }
}

async function sqliteTriggers(db: AnyDb): Promise<void> {
  // The organization's row exists: it is made with its first guest record (017), and a task owner
  // row names a record.
  const bump = (organization: string) =>
    sql.raw(`update organization_guest_counts set changes = changes + 1
      where slot = 0 and organization_id = ${organization}`);
  const ofRecord = (row: string) =>
    `(select organization_id from organization_guests where id = ${row}.organization_guest_id)`;
  await sql`create trigger guest_stats_version__owner_insert after insert on task_guests
    for each row begin ${bump(ofRecord('new'))}; end`.execute(db);
  await sql`create trigger guest_stats_version__owner_update after update on task_guests
    for each row begin ${bump(ofRecord('new'))}; end`.execute(db);
  await sql`create trigger guest_stats_version__owner_delete after delete on task_guests
    for each row begin ${bump(ofRecord('old'))}; end`.execute(db);
  await sql`create trigger guest_stats_version__task_update after update of completed_at on tasks
    for each row when old.completed_at is not new.completed_at
      and exists (select 1 from task_guests where task_id = new.id)
    begin ${bump('new.organization_id')}; end`.execute(db);
}

export async function up(db: AnyDb, kind: DatabaseKind): Promise<void> {
  await (kind === 'postgres' ? postgresTriggers(db) : sqliteTriggers(db));
}

export async function down(db: AnyDb, kind: DatabaseKind): Promise<void> {
  for (const t of TRIGGERS) {
    // PostgreSQL names a trigger with its table, and drops its function after it; SQLite takes the name alone.
    if (kind === 'sqlite') await sql`drop trigger if exists ${sql.id(t.name)}`.execute(db);
    else {
      await sql`drop trigger if exists ${sql.id(t.name)} on ${sql.id(t.table)}`.execute(db);
      await sql`drop function if exists ${sql.id(t.fn)}()`.execute(db);
    }
  }
}
