/**
 * What happens to a member's tasks when they leave the organization (docs/members.md, Remove
 * member; Delete member): their open tasks go to the member named by `to`, when one is; a task
 * then left with no member owner goes to `fallbackUserId`, since a task always has a member who
 * answers for it. Completed tasks keep the member as their history.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';

type Q = Kysely<Database>;

export async function handOverOpenTasks(
  db: Q,
  organizationId: string,
  userId: number,
  to: number | undefined,
  fallbackUserId: number,
): Promise<void> {
  const open = await db
    .selectFrom('task_users')
    .innerJoin('tasks', 'tasks.id', 'task_users.task_id')
    .select('task_users.task_id')
    .where('task_users.user_id', '=', userId)
    .where('tasks.organization_id', '=', organizationId)
    .where('tasks.completed_at', 'is', null)
    .where('task_users.completed_at', 'is', null)
    .execute();
  const ids = open.map((row) => row.task_id);
  if (ids.length === 0) return;
  await db.deleteFrom('task_users').where('user_id', '=', userId).where('task_id', 'in', ids).execute();
  if (to !== undefined) await addOwner(db, ids, to);
  const kept = new Set(
    (await db.selectFrom('task_users').select('task_id').where('task_id', 'in', ids).execute()).map((r) => r.task_id),
  );
  const orphaned = ids.filter((id) => !kept.has(id));
  if (orphaned.length > 0) await addOwner(db, orphaned, fallbackUserId);
}

async function addOwner(db: Q, taskIds: readonly string[], userId: number): Promise<void> {
  await db
    .insertInto('task_users')
    .values(taskIds.map((task_id) => ({ task_id, user_id: userId, completed_at: null })))
    .onConflict((oc) => oc.columns(['task_id', 'user_id']).doNothing())
    .execute();
}

/** An enabled admin of the organization other than `userId` (the lowest id): who takes a task nobody else answers for. */
export async function anotherEnabledAdmin(db: Q, organizationId: string, userId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('memberships')
    .select('user_id')
    .where('organization_id', '=', organizationId)
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null)
    .where('user_id', '!=', userId)
    .orderBy('user_id')
    .executeTakeFirst();
  return row?.user_id;
}
