/**
 * What must hold in the database whatever requests came before: no row pointing nowhere, no active
 * guest record whose global guest is gone, no organization without an enabled administrator. And a
 * snapshot of everything one organization owns, to show that requests aimed elsewhere wrote nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/db/types.js';

/** Each query counts rows that break one rule; every count must be 0. */
const RULES: Record<string, string> = {
  'organization_guests without their guest':
    'select count(*) as n from organization_guests r left join guests g on g.id = r.guest_id where g.id is null',
  'organization_guests without their organization':
    'select count(*) as n from organization_guests r left join organizations o on o.id = r.organization_id where o.id is null',
  'active organization_guests whose global guest is deleted':
    'select count(*) as n from organization_guests r join guests g on g.id = r.guest_id where r.deleted_at is null and g.deleted_at is not null',
  'global guests not deleted that no organization has':
    'select count(*) as n from guests g where g.deleted_at is null and not exists (select 1 from organization_guests r where r.guest_id = g.id)',
  'memberships without their user':
    'select count(*) as n from memberships m left join users u on u.id = m.user_id where u.id is null',
  'memberships without their organization':
    'select count(*) as n from memberships m left join organizations o on o.id = m.organization_id where o.id is null',
  'organizations with members but no enabled admin': `select count(*) as n from organizations o where exists (select 1 from memberships m where m.organization_id = o.id)
       and not exists (select 1 from memberships m where m.organization_id = o.id and m.role = 'admin' and m.disabled_at is null)`,
  'access_tokens without their user':
    'select count(*) as n from access_tokens t left join users u on u.id = t.user_id where u.id is null',
  'groups without their organization':
    'select count(*) as n from groups gr left join organizations o on o.id = gr.organization_id where o.id is null',
  'group_members without their group':
    'select count(*) as n from group_members gm left join groups gr on gr.id = gm.group_id where gr.id is null',
  "group_members who are not members of the group's organization": `select count(*) as n from group_members gm join groups gr on gr.id = gm.group_id
       where not exists (select 1 from memberships m where m.organization_id = gr.organization_id and m.user_id = gm.user_id)`,
  'group_guests without their group':
    'select count(*) as n from group_guests gg left join groups gr on gr.id = gg.group_id where gr.id is null',
  'group_guests whose guest record is missing or of another organization': `select count(*) as n from group_guests gg join groups gr on gr.id = gg.group_id
       left join organization_guests r on r.id = gg.organization_guest_id
       where r.id is null or r.organization_id <> gr.organization_id`,
  'invitations without their organization or user': `select count(*) as n from invitations i left join organizations o on o.id = i.organization_id
       left join users u on u.id = i.user_id where o.id is null or u.id is null`,
  'task_files without their task, or of another organization than the task': `select count(*) as n from task_files f
       left join tasks t on t.id = f.task_id where t.id is null or t.organization_id <> f.organization_id`,
  'file_chunks without their file':
    'select count(*) as n from file_chunks c left join task_files f on f.id = c.file_id where f.id is null',
  'organizations whose maintained guest count differs from their active guest records': `select count(*) as n from organizations o
       where (select coalesce(sum(c.count), 0) from organization_guest_counts c where c.organization_id = o.id)
          <> (select count(*) from organization_guests r where r.organization_id = o.id and r.deleted_at is null)`,
  'organization_guest_counts without their organization':
    'select count(*) as n from organization_guest_counts c left join organizations o on o.id = c.organization_id where o.id is null',
  'guest_preferences without their guest record':
    'select count(*) as n from guest_preferences p left join organization_guests r on r.id = p.organization_guest_id where r.id is null',
};

/** The rules broken now, each with how many rows break it; empty when all hold. */
export async function brokenInvariants(db: Kysely<Database>): Promise<Record<string, number>> {
  const broken: Record<string, number> = {};
  for (const [rule, query] of Object.entries(RULES)) {
    const { rows } = await sql<{ n: number | string }>`${sql.raw(query)}`.execute(db);
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) broken[rule] = n;
  }
  return broken;
}

const sorted = (rows: unknown[]) => rows.map((row) => JSON.stringify(row)).sort();

/**
 * Every row an organization owns, and the rows of other tables they point to (its members' users
 * and tokens, its guests' global rows), each table sorted: equal snapshots mean nothing changed.
 */
export async function organizationSnapshot(
  db: Kysely<Database>,
  organizationId: string,
): Promise<Record<string, string[]>> {
  const memberIds = db.selectFrom('memberships').select('user_id').where('organization_id', '=', organizationId);
  const recordIds = db.selectFrom('organization_guests').select('id').where('organization_id', '=', organizationId);
  const guestIds = db
    .selectFrom('organization_guests')
    .select('guest_id')
    .where('organization_id', '=', organizationId);
  const groupIds = db.selectFrom('groups').select('id').where('organization_id', '=', organizationId);
  return {
    organizations: sorted(await db.selectFrom('organizations').selectAll().where('id', '=', organizationId).execute()),
    memberships: sorted(
      await db.selectFrom('memberships').selectAll().where('organization_id', '=', organizationId).execute(),
    ),
    users: sorted(await db.selectFrom('users').selectAll().where('id', 'in', memberIds).execute()),
    access_tokens: sorted(await db.selectFrom('access_tokens').selectAll().where('user_id', 'in', memberIds).execute()),
    organization_guests: sorted(
      await db.selectFrom('organization_guests').selectAll().where('organization_id', '=', organizationId).execute(),
    ),
    guests: sorted(await db.selectFrom('guests').selectAll().where('id', 'in', guestIds).execute()),
    guest_preferences: sorted(
      await db.selectFrom('guest_preferences').selectAll().where('organization_guest_id', 'in', recordIds).execute(),
    ),
    groups: sorted(await db.selectFrom('groups').selectAll().where('organization_id', '=', organizationId).execute()),
    group_members: sorted(await db.selectFrom('group_members').selectAll().where('group_id', 'in', groupIds).execute()),
    group_guests: sorted(await db.selectFrom('group_guests').selectAll().where('group_id', 'in', groupIds).execute()),
    invitations: sorted(
      await db.selectFrom('invitations').selectAll().where('organization_id', '=', organizationId).execute(),
    ),
    task_files: sorted(
      await db.selectFrom('task_files').selectAll().where('organization_id', '=', organizationId).execute(),
    ),
    file_chunks: sorted(
      await db
        .selectFrom('file_chunks')
        .select(['file_id', 'seq', (eb) => eb.fn('length', ['data']).as('bytes')])
        .where('file_id', 'in', db.selectFrom('task_files').select('id').where('organization_id', '=', organizationId))
        .execute(),
    ),
  };
}
