import type { Kysely } from 'kysely';
import type { Database, Role } from '../db/types.js';

export interface Member {
  id: number;
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: Role;
}

export async function findRole(db: Kysely<Database>, organizationId: string, userId: number): Promise<Role | undefined> {
  const row = await db
    .selectFrom('memberships')
    .select('role')
    .where('organization_id', '=', organizationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

function membersQuery(db: Kysely<Database>, organizationId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.first_name', 'users.last_name', 'memberships.role'])
    .where('memberships.organization_id', '=', organizationId);
}

export async function listMembers(db: Kysely<Database>, organizationId: string): Promise<Member[]> {
  return membersQuery(db, organizationId).orderBy('users.id').execute();
}

export async function findMemberByEmail(db: Kysely<Database>, organizationId: string, email: string): Promise<Member | undefined> {
  return membersQuery(db, organizationId).where('users.email', '=', email).executeTakeFirst();
}

/** Which of `ids` are members of the organization. */
export async function existingMemberIds(db: Kysely<Database>, organizationId: string, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('organization_id', '=', organizationId)
    .where('user_id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

export async function findUserByEmail(db: Kysely<Database>, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function insertUser(
  db: Kysely<Database>,
  user: { email: string; firstName: string | null; lastName: string | null; createdAt: string },
): Promise<number> {
  const row = await db
    .insertInto('users')
    .values({ email: user.email, first_name: user.firstName, last_name: user.lastName, created_at: user.createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Adds or changes a membership; returns nothing, the caller reads the member back. */
export async function upsertMembership(
  db: Kysely<Database>,
  membership: { organizationId: string; userId: number; role: Role; createdAt: string },
): Promise<void> {
  await db
    .insertInto('memberships')
    .values({
      organization_id: membership.organizationId,
      user_id: membership.userId,
      role: membership.role,
      created_at: membership.createdAt,
    })
    .onConflict((oc) => oc.columns(['organization_id', 'user_id']).doUpdateSet({ role: membership.role }))
    .execute();
}
