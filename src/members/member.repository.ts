import { sql, type Kysely } from 'kysely';
import { kindOf } from '../db/database.js';
import type { Database, Role } from '../db/types.js';
import { listRows, listValue, prepared, type Placeholder } from '../db/prepared.js';
import { withRandomId } from '../core/ids.js';

/** A membership with its user: what the member object is made from (see member.mapper.ts). */
export interface Member {
  id: number;
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: Role;
  created_at: string;
  invited_by: number | null;
  disabled_at: string | null;
  disabled_by: number | null;
  reactivated_at: string | null;
  reactivated_by: number | null;
}

export async function findRole(
  db: Kysely<Database>,
  organizationId: string,
  userId: number,
): Promise<Role | undefined> {
  const row = await db
    .selectFrom('memberships')
    .select('role')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

/**
 * The organization's members. Names come from the membership, never from the user row: the user is
 * shared by every organization, and one organization must not see the names another wrote.
 */
function membersQuery(db: Kysely<Database>, organizationId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select([
      'users.id',
      'users.email',
      'memberships.first_name',
      'memberships.last_name',
      'memberships.role',
      'memberships.created_at',
      'memberships.invited_by',
      'memberships.disabled_at',
      'memberships.disabled_by',
      'memberships.reactivated_at',
      'memberships.reactivated_by',
    ])
    .where('memberships.organization_id', '=', organizationId);
}

export async function listMembers(db: Kysely<Database>, organizationId: string): Promise<Member[]> {
  return membersQuery(db, organizationId).orderBy('users.id').execute();
}

export async function findMemberById(
  db: Kysely<Database>,
  organizationId: string,
  userId: number,
): Promise<Member | undefined> {
  return membersQuery(db, organizationId).where('users.id', '=', userId).executeTakeFirst();
}

const memberByEmail = prepared((db, p: Placeholder<{ organizationId: string; email: string }>) =>
  membersQuery(db, p('organizationId')).where('users.email', '=', p('email')),
);

export async function findMemberByEmail(
  db: Kysely<Database>,
  organizationId: string,
  email: string,
): Promise<Member | undefined> {
  return memberByEmail.first(db, { organizationId, email });
}

/** Which of `emails` (normalized) are the emails of members of the organization: one statement for many. */
export async function memberEmailsAmong(
  db: Kysely<Database>,
  organizationId: string,
  emails: string[],
): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select('users.email')
    .where('memberships.organization_id', '=', organizationId)
    .where('users.email', 'in', emails)
    .execute();
  return new Set(rows.map((r) => r.email));
}

/**
 * The members among a list of ids, compiled once: the list is one parameter (listRows,
 * prepared.ts) instead of one placeholder per id, so the text is the same
 * whatever the list's length. Create guest's general path (every create on SQLite) checks its
 * associated members with it.
 */
const memberIdsIn = prepared((db, p: Placeholder<{ organizationId: string; ids: readonly number[] | string }>) =>
  db
    .selectFrom('memberships')
    .select('user_id')
    .where('organization_id', '=', p('organizationId'))
    .where(({ ref }) => sql<boolean>`${ref('user_id')} in (select e.value from ${listRows(db, p('ids'), 'bigint')})`),
);

/** Which of `ids` are members of the organization. */
export async function existingMemberIds(
  db: Kysely<Database>,
  organizationId: string,
  ids: number[],
): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await memberIdsIn.all(db, { organizationId, ids: listValue(db, ids) });
  return new Set(rows.map((r) => r.user_id));
}

export async function findUserByEmail(db: Kysely<Database>, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function insertUser(
  db: Kysely<Database>,
  user: { email: string; firstName: string | null; lastName: string | null; createdAt: string },
): Promise<number> {
  // A random id (src/core/ids.ts), drawn again when taken; an email taken already is an error.
  const row = await withRandomId((id) =>
    db
      .insertInto('users')
      .values({
        id,
        email: user.email,
        first_name: user.firstName,
        last_name: user.lastName,
        created_at: user.createdAt,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .executeTakeFirst(),
  );
  return row.id;
}

/**
 * Adds a membership, with the names this organization gives the member. An existing one gets the new role with `existing: 'change-role'` (the CLI's
 * `member add`), or is refused by the primary key (a 409) with `'refuse'`: a conversion must not
 * demote or promote anyone by accident. The caller reads the member back.
 */
export async function addMembership(
  db: Kysely<Database>,
  membership: {
    organizationId: string;
    userId: number;
    role: Role;
    createdAt: string;
    firstName?: string | null;
    lastName?: string | null;
  },
  existing: 'change-role' | 'refuse',
): Promise<void> {
  const insert = db.insertInto('memberships').values({
    organization_id: membership.organizationId,
    user_id: membership.userId,
    role: membership.role,
    created_at: membership.createdAt,
    // This organization's names for the member (see membersQuery); an existing membership keeps its own.
    first_name: membership.firstName ?? null,
    last_name: membership.lastName ?? null,
  });
  await (
    existing === 'change-role'
      ? insert.onConflict((oc) => oc.columns(['organization_id', 'user_id']).doUpdateSet({ role: membership.role }))
      : insert
  ).execute();
}

/** Removes a membership; false when there was none. */
export async function deleteMembership(db: Kysely<Database>, organizationId: string, userId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('memberships')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * The organization's admins and whether each is disabled. On PostgreSQL their membership rows stay
 * locked until the transaction ends, so two admins demoting, disabling or removing each other at
 * once cannot both pass the "another enabled admin remains" check; SQLite transactions run one at
 * a time (BEGIN IMMEDIATE) anyway.
 */
export async function lockAdmins(
  db: Kysely<Database>,
  organizationId: string,
): Promise<Array<{ userId: number; disabled: boolean }>> {
  const query = db
    .selectFrom('memberships')
    .select(['user_id', 'disabled_at'])
    .where('organization_id', '=', organizationId)
    .where('role', '=', 'admin')
    // Locked in one order everywhere, so two such transactions wait for each other, never deadlock.
    .orderBy('user_id');
  const rows = await (kindOf(db) === 'postgres' ? query.forUpdate() : query).execute();
  return rows.map((r) => ({ userId: r.user_id, disabled: r.disabled_at !== null }));
}

/** Changes a membership's columns; false when the user is not a member. */
export async function updateMembership(
  db: Kysely<Database>,
  organizationId: string,
  userId: number,
  changes: Partial<{
    role: Role;
    disabled_at: string | null;
    disabled_by: number | null;
    reactivated_at: string | null;
    reactivated_by: number | null;
  }>,
): Promise<boolean> {
  const result = await db
    .updateTable('memberships')
    .set(changes)
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** How many organizations the user is a member of. */
export async function countMemberships(db: Kysely<Database>, userId: number): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Takes the user out of every group of the organization (groups hold members by user id). */
export async function leaveGroupsOf(db: Kysely<Database>, organizationId: string, userId: number): Promise<void> {
  await db
    .deleteFrom('group_members')
    .where('user_id', '=', userId)
    .where('group_id', 'in', db.selectFrom('groups').select('id').where('organization_id', '=', organizationId))
    .execute();
}
