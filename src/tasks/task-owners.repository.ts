/**
 * Queries of a task's owners (docs/tasks.md, Create task): who may own one (active members,
 * active guests, the organization's groups and their people), and the owner rows themselves.
 * Plain functions taking the database (or a transaction) first.
 */
import { sql, type Kysely } from 'kysely';
import { listRows, listValue, prepared, preparedRows, type Placeholder } from '../db/prepared.js';
import type { Database } from '../db/types.js';
import type { WriteBatch } from '../db/write-batch.js';

type Q = Kysely<Database>;

/** The ids among these that are members of the organization and not disabled there. */
export async function activeMemberIds(db: Q, organizationId: string, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('organization_id', '=', organizationId)
    .where('disabled_at', 'is', null)
    .where('user_id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

/** What the checks of guest owners read (see guestOwnerFacts). */
export interface GuestOwnerFacts {
  /** The organization's active guest records among the addresses asked, by email. */
  records: Map<string, number>;
  /** The addresses asked that are emails of the organization's members (any membership). */
  memberEmails: Set<string>;
  /** The organization's name, when asked for (undefined: not asked, or the organization is gone). */
  organizationName: string | undefined;
}

/**
 * The guest owners' facts, compiled once (prepared.ts): the same text whatever the lists' lengths
 * (each list is one parameter: listRows, prepared.ts), so PostgreSQL
 * parses and plans it once per connection instead of once per Create task. An empty list reads
 * nothing of its kind; `withName` 0 reads no name.
 */
const ownerFacts = prepared(
  (
    db,
    p: Placeholder<{
      organizationId: string;
      records: readonly string[] | string;
      members: readonly string[] | string;
      withName: number;
    }>,
  ) => {
    // Each list is read first, its addresses looked up by index: SQLite keeps the order of a
    // cross join (given `in (select ...)`, it scanned the organization's guests instead).
    const organizationId = p('organizationId');
    const text = sql<{
      kind: string;
      text: string;
      id: number | null;
    }>`select 'record' as kind, g.email as text, r.id as id
      from ${listRows(db, p('records'), 'text')} cross join ${sql.table('guests')} g cross join ${sql.table('organization_guests')} r
      where g.email = e.value and r.guest_id = g.id and r.organization_id = ${organizationId} and r.deleted_at is null
      union all
      select 'member' as kind, u.email as text, cast(null as integer) as id
      from ${listRows(db, p('members'), 'text')} cross join ${sql.table('users')} u cross join ${sql.table('memberships')} m
      where u.email = e.value and m.user_id = u.id and m.organization_id = ${organizationId}
      union all
      select 'name' as kind, o.name as text, cast(null as integer) as id
      from ${sql.table('organizations')} o where o.id = ${organizationId} and ${p('withName')} = 1`;
    return { compile: () => text.compile(db) };
  },
);

/**
 * The guest owners' facts in one statement (on PostgreSQL, one round trip for what was three):
 * the active records of `recordEmails`, which of `memberEmails` are members' emails, and, with
 * `withName`, the organization's name (Create task's assignment emails give it). Every address is
 * normalized by the caller. Its records and members are the rows `activeRecordIdsByEmail`
 * (guest.repository.ts) and `memberEmailsAmong` (member.repository.ts) answer, written here as
 * parts of one union: a change to what counts as an active record or a member changes all of them.
 */
export async function guestOwnerFacts(
  db: Q,
  organizationId: string,
  recordEmails: string[],
  memberEmails: string[],
  withName: boolean,
): Promise<GuestOwnerFacts> {
  const facts: GuestOwnerFacts = { records: new Map(), memberEmails: new Set(), organizationName: undefined };
  if (recordEmails.length === 0 && memberEmails.length === 0 && !withName) return facts;
  const rows = await ownerFacts.all(db, {
    organizationId,
    records: listValue(db, recordEmails),
    members: listValue(db, memberEmails),
    withName: withName ? 1 : 0,
  });
  for (const row of rows) {
    if (row.kind === 'record' && row.id !== null) facts.records.set(row.text, Number(row.id));
    else if (row.kind === 'member') facts.memberEmails.add(row.text);
    else if (row.kind === 'name') facts.organizationName = row.text;
  }
  return facts;
}

/** The ids among these that are groups of the organization. */
export async function groupIdsOf(db: Q, organizationId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('groups')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** The current active members and active guest records of these groups. */
export async function groupsPeople(
  db: Q,
  organizationId: string,
  groupIds: string[],
): Promise<{ userIds: number[]; guestIds: number[] }> {
  if (groupIds.length === 0) return { userIds: [], guestIds: [] };
  const [users, guests] = await Promise.all([
    db
      .selectFrom('group_members')
      .innerJoin('memberships', (join) =>
        join
          .onRef('memberships.user_id', '=', 'group_members.user_id')
          .on('memberships.organization_id', '=', organizationId),
      )
      .select('group_members.user_id')
      .where('group_members.group_id', 'in', groupIds)
      .where('memberships.disabled_at', 'is', null)
      .execute(),
    db
      .selectFrom('group_guests')
      .innerJoin('organization_guests', 'organization_guests.id', 'group_guests.organization_guest_id')
      .select('group_guests.organization_guest_id')
      .where('group_guests.group_id', 'in', groupIds)
      .where('organization_guests.deleted_at', 'is', null)
      .execute(),
  ]);
  return { userIds: users.map((u) => u.user_id), guestIds: guests.map((g) => g.organization_guest_id) };
}

/** The active (not removed) guest records among these ids. */
export async function activeGuestIds(db: Q, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('organization_guests')
    .select('id')
    .where('id', 'in', ids)
    .where('deleted_at', 'is', null)
    .execute();
  return rows.map((r) => r.id);
}

export interface TaskOwnerIds {
  userIds: number[];
  guestIds: number[];
  groupIds: string[];
}

/** The task's owners as stored: member ids, guest record ids, group ids. */
export async function ownersOf(db: Q, taskId: string): Promise<TaskOwnerIds> {
  const [users, guests, groups] = await Promise.all([
    db.selectFrom('task_users').select('user_id').where('task_id', '=', taskId).execute(),
    db.selectFrom('task_guests').select('organization_guest_id').where('task_id', '=', taskId).execute(),
    db.selectFrom('task_groups').select('group_id').where('task_id', '=', taskId).execute(),
  ]);
  return {
    userIds: users.map((r) => r.user_id),
    guestIds: guests.map((r) => r.organization_guest_id),
    groupIds: groups.map((r) => r.group_id),
  };
}

/** One owner row to write: the task, and the member's user id or the guest's record id. */
interface NewOwner {
  task_id: string;
  owner_id: number;
}

// Prepared (compiled once per number of rows): new owners are written by every Create task.
const insertUserOwners = preparedRows((db, rows: ReadonlyArray<Placeholder<NewOwner>>) =>
  db
    .insertInto('task_users')
    .values(rows.map((p) => ({ task_id: p('task_id'), user_id: p('owner_id'), completed_at: null }))),
);

const insertGuestOwners = preparedRows((db, rows: ReadonlyArray<Placeholder<NewOwner>>) =>
  db
    .insertInto('task_guests')
    .values(rows.map((p) => ({ task_id: p('task_id'), organization_guest_id: p('owner_id'), completed_at: null }))),
);

/**
 * Makes the task's owners exactly these, in `batch` (sent when its caller runs it). Owners kept
 * keep their completion; only the difference is written.
 */
export function setOwners(batch: WriteBatch, taskId: string, before: TaskOwnerIds, after: TaskOwnerIds): void {
  const db = batch.db;
  const gone = <T>(a: T[], b: T[]) => a.filter((x) => !b.includes(x));
  const removedUsers = gone(before.userIds, after.userIds);
  const removedGuests = gone(before.guestIds, after.guestIds);
  const removedGroups = gone(before.groupIds, after.groupIds);
  if (removedUsers.length > 0)
    batch.add(db.deleteFrom('task_users').where('task_id', '=', taskId).where('user_id', 'in', removedUsers));
  if (removedGuests.length > 0)
    batch.add(
      db.deleteFrom('task_guests').where('task_id', '=', taskId).where('organization_guest_id', 'in', removedGuests),
    );
  if (removedGroups.length > 0)
    batch.add(db.deleteFrom('task_groups').where('task_id', '=', taskId).where('group_id', 'in', removedGroups));
  // Rows added are never rows removed (an owner is in one list or the other): one batch holds both.
  const users = gone(after.userIds, before.userIds);
  const guests = gone(after.guestIds, before.guestIds);
  const groups = gone(after.groupIds, before.groupIds);
  if (users.length > 0)
    batch.add(
      ...insertUserOwners.bind(
        db,
        users.map((user_id) => ({ task_id: taskId, owner_id: user_id })),
      ),
    );
  if (guests.length > 0)
    batch.add(
      ...insertGuestOwners.bind(
        db,
        guests.map((guest_id) => ({ task_id: taskId, owner_id: guest_id })),
      ),
    );
  if (groups.length > 0)
    batch.add(db.insertInto('task_groups').values(groups.map((group_id) => ({ task_id: taskId, group_id }))));
}
