/** Queries of the caller's own account: their user, organizations, tokens; the guests light list. */
import { sql, type Kysely, type SqlBool } from 'kysely';
import { kindOf } from '../db/database.js';
import type { Database, Role } from '../db/types.js';

type Q = Kysely<Database>;

export async function findUser(db: Q, userId: number) {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

/** How many memberships the user has, and how many of them are enabled. */
export async function membershipCounts(db: Q, userId: number): Promise<{ total: number; enabled: number }> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => [
      eb.fn.countAll<number>().as('total'),
      eb.fn.count<number>('user_id').filterWhere('disabled_at', 'is', null).as('enabled'),
    ])
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), enabled: Number(row.enabled) };
}

export interface OrganizationRow {
  id: string;
  name: string;
  created_at: string;
  timezone: string | null;
  users_count: number;
  guests_count: number;
  role: Role;
}

function organizationsOf(db: Q, userId: number) {
  return db
    .selectFrom('organizations')
    .innerJoin('memberships', 'memberships.organization_id', 'organizations.id')
    .where('memberships.user_id', '=', userId)
    .where('memberships.disabled_at', 'is', null);
}

/** The organization columns with the counts of enabled members and active guests. */
function organizationsWithCounts(db: Q, userId: number) {
  return organizationsOf(db, userId).select((eb) => [
    'organizations.id',
    'organizations.name',
    'organizations.created_at',
    'organizations.timezone',
    'memberships.role',
    eb
      .selectFrom('memberships as m')
      .select((e) => e.fn.countAll<number>().as('n'))
      .whereRef('m.organization_id', '=', 'organizations.id')
      .where('m.disabled_at', 'is', null)
      .as('users_count'),
    eb
      .selectFrom('organization_guests as g')
      .select((e) => e.fn.countAll<number>().as('n'))
      .whereRef('g.organization_id', '=', 'organizations.id')
      .where('g.deleted_at', 'is', null)
      .as('guests_count'),
  ]);
}

/** The organizations where the user is an enabled member, by name, with their counts. */
export async function listOrganizationsOf(
  db: Q,
  userId: number,
  filter: { q?: string | undefined; limit: number; offset: number },
) {
  const pattern = filter.q ? `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const matching = sql<SqlBool>`lower(organizations.name) like ${pattern ?? '%'} escape '\\'`;
  const [count, rows] = await Promise.all([
    organizationsOf(db, userId)
      .where(matching)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    organizationsWithCounts(db, userId)
      .where(matching)
      .orderBy(kindOf(db) === 'postgres' ? sql`lower(organizations.name) collate "C"` : sql`lower(organizations.name)`)
      .orderBy('organizations.id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute(),
  ]);
  return { total: Number(count.n), rows: rows.map(toOrganizationRow) };
}

/** One organization with the caller's role in it (the caller's access is checked already). */
export async function findOrganizationOf(
  db: Q,
  userId: number,
  organizationId: string,
): Promise<OrganizationRow | undefined> {
  const row = await organizationsWithCounts(db, userId)
    .where('organizations.id', '=', organizationId)
    .executeTakeFirst();
  return row && toOrganizationRow(row);
}

function toOrganizationRow(row: {
  id: string;
  name: string;
  created_at: string;
  timezone: string | null;
  role: Role;
  users_count: unknown;
  guests_count: unknown;
}): OrganizationRow {
  return {
    id: row.id,
    name: row.name,
    created_at: row.created_at,
    timezone: row.timezone,
    role: row.role,
    users_count: Number(row.users_count),
    guests_count: Number(row.guests_count),
  };
}

/** The organization's active guests for the light list, by email. */
export async function listGuestSummaries(db: Q, organizationId: string) {
  return db
    .selectFrom('organization_guests')
    .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
    .select([
      'organization_guests.guest_id',
      'guests.email',
      'organization_guests.first_name',
      'organization_guests.last_name',
      'organization_guests.created_at',
      'organization_guests.last_accessed_at',
      'organization_guests.last_known_ip',
      'organization_guests.last_known_country',
      'organization_guests.company_name',
      'organization_guests.status',
      'organization_guests.disabled_at',
    ])
    .where('organization_guests.organization_id', '=', organizationId)
    .where('organization_guests.deleted_at', 'is', null)
    .orderBy('guests.email')
    .execute();
}

export async function listTokensOf(db: Q, userId: number) {
  return db
    .selectFrom('access_tokens')
    .select(['id', 'name', 'created_at', 'expires_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .execute();
}

/** Tokens of the user that still work (not revoked, not expired at `at`). */
export async function countLiveTokensOf(db: Q, userId: number, at: string): Promise<number> {
  const row = await db
    .selectFrom('access_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Revokes one of the user's own tokens; undefined when the user has no such token. */
export async function revokeOwnToken(db: Q, userId: number, tokenId: number, at: string) {
  await db
    .updateTable('access_tokens')
    .set({ revoked_at: at })
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  return db
    .selectFrom('access_tokens')
    .select(['id', 'name', 'created_at', 'expires_at', 'revoked_at'])
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}
