/**
 * Group queries. Plain functions taking the database (or a transaction) first; column names stay
 * here and in the mapper, never in the API.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { kindOf } from '../db/database.js';
import type { Database, GroupsTable } from '../db/types.js';
import type { GroupSortKey } from './group.schemas.js';
import { escapeLike } from '../db/like.js';

type Q = Kysely<Database>;

export type GroupRow = Selectable<GroupsTable>;

/** The unique constraint that keeps names apart without regard to case. */
export const NAME_CONSTRAINT = 'groups__organization_id__name_key';

/** What the name constraint compares: the same function everywhere it is computed. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/**
 * The organization's group with this id. `lock` holds the row until the transaction ends on
 * PostgreSQL, so concurrent updates of one group apply one after the other; SQLite transactions
 * run one at a time anyway.
 */
export async function findGroup(
  db: Q,
  organizationId: string,
  id: string,
  lock = false,
): Promise<GroupRow | undefined> {
  const query = db.selectFrom('groups').selectAll().where('organization_id', '=', organizationId).where('id', '=', id);
  return (lock && kindOf(db) === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
}

/** Whether another group of the organization has this name key. */
export async function nameTaken(db: Q, organizationId: string, key: string, exceptId?: string): Promise<boolean> {
  let query = db
    .selectFrom('groups')
    .select('id')
    .where('organization_id', '=', organizationId)
    .where('name_key', '=', key);
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function insertGroup(db: Q, row: GroupRow): Promise<void> {
  await db.insertInto('groups').values(row).execute();
}

export async function updateGroup(
  db: Q,
  id: string,
  changes: Partial<Pick<GroupRow, 'name' | 'name_key' | 'description'>> & { updated_at: string },
): Promise<void> {
  await db.updateTable('groups').set(changes).where('id', '=', id).execute();
}

/** Deletes the group and its lists. */
export async function deleteGroup(db: Q, id: string): Promise<void> {
  // The lists go explicitly rather than by cascade: nothing then depends on the database's
  // foreign-key setting.
  await db.deleteFrom('group_members').where('group_id', '=', id).execute();
  await db.deleteFrom('group_guests').where('group_id', '=', id).execute();
  await db.deleteFrom('groups').where('id', '=', id).execute();
}

export async function replaceMembers(db: Q, groupId: string, userIds: number[]): Promise<void> {
  await db.deleteFrom('group_members').where('group_id', '=', groupId).execute();
  if (userIds.length > 0)
    await db
      .insertInto('group_members')
      .values(userIds.map((user_id) => ({ group_id: groupId, user_id })))
      .execute();
}

export async function replaceGuests(db: Q, groupId: string, organizationGuestIds: number[]): Promise<void> {
  await db.deleteFrom('group_guests').where('group_id', '=', groupId).execute();
  if (organizationGuestIds.length > 0) {
    await db
      .insertInto('group_guests')
      .values(organizationGuestIds.map((organization_guest_id) => ({ group_id: groupId, organization_guest_id })))
      .execute();
  }
}

/**
 * The member ids of these groups. Joined with the memberships so that someone who left the
 * organization drops out of its groups without the member side knowing groups exist.
 */
export async function membersOf(
  db: Q,
  organizationId: string,
  groupIds: string[],
): Promise<Array<{ group_id: string; user_id: number }>> {
  if (groupIds.length === 0) return [];
  return db
    .selectFrom('group_members')
    .innerJoin('memberships', (join) =>
      join
        .onRef('memberships.user_id', '=', 'group_members.user_id')
        .on('memberships.organization_id', '=', organizationId),
    )
    .select(['group_members.group_id', 'group_members.user_id'])
    .where('group_members.group_id', 'in', groupIds)
    .execute();
}

/**
 * The guest emails of these groups. A removed guest keeps its record (soft delete), so the
 * record's state decides: only active guests are listed.
 */
export async function guestsOf(db: Q, groupIds: string[]): Promise<Array<{ group_id: string; email: string }>> {
  if (groupIds.length === 0) return [];
  return db
    .selectFrom('group_guests')
    .innerJoin('organization_guests', 'organization_guests.id', 'group_guests.organization_guest_id')
    .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
    .select(['group_guests.group_id', 'guests.email'])
    .where('group_guests.group_id', 'in', groupIds)
    .where('organization_guests.deleted_at', 'is', null)
    .execute();
}

export interface GroupListFilter {
  organizationId: string;
  q?: string | undefined;
}

export interface GroupListOrder {
  key: GroupSortKey;
  descending: boolean;
}

function filtered(db: Q, filter: GroupListFilter) {
  let query = db.selectFrom('groups').where('organization_id', '=', filter.organizationId);
  // name_key is lower-cased, so a lower-cased pattern matches without regard to case on both
  // databases (PostgreSQL's LIKE minds case, SQLite's does not).
  if (filter.q) query = query.where(sql<boolean>`name_key like ${`%${escapeLike(nameKey(filter.q))}%`} escape '\\'`);
  return query;
}

export async function countGroups(db: Q, filter: GroupListFilter): Promise<number> {
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** One page of groups. The name key and then the id break ties, so that pages never overlap. */
export async function listGroups(
  db: Q,
  filter: GroupListFilter,
  order: GroupListOrder,
  page: { limit: number; offset: number },
): Promise<GroupRow[]> {
  const direction = order.descending ? 'desc' : 'asc';
  // Names sort in byte order on both databases; PostgreSQL's default collation would differ.
  const name = kindOf(db) === 'postgres' ? sql`name_key collate "C"` : sql`name_key`;
  let query = filtered(db, filter).selectAll();
  if (order.key !== 'name') query = query.orderBy(order.key, direction);
  return query.orderBy(name, direction).orderBy('id', direction).limit(page.limit).offset(page.offset).execute();
}
