/**
 * A member's first and last name belong to the membership: what this organization knows the
 * person as. The user row is shared by every organization, so names kept only there showed one
 * organization what another had written (a guest profile turned member, an invitation's names).
 * Existing memberships start with the names their user has now, so nothing shown changes today.
 */
import { sql, type Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('memberships').addColumn('first_name', 'text').execute();
  await db.schema.alterTable('memberships').addColumn('last_name', 'text').execute();
  await sql`update memberships set
    first_name = (select users.first_name from users where users.id = memberships.user_id),
    last_name = (select users.last_name from users where users.id = memberships.user_id)`.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('memberships').dropColumn('last_name').execute();
  await db.schema.alterTable('memberships').dropColumn('first_name').execute();
}
