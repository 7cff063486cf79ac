/**
 * The tasks that change hands when a guest becomes a member or a member a guest (docs/guests.md,
 * Convert guest to member, Convert member to guest). Each move is a few set-based statements,
 * whatever the number of tasks, in the caller's transaction; every statement names the
 * organization, so another organization's tasks of the same person never move.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/types.js';

type Q = Kysely<Database>;

/** A number as a typed value in a select list: PostgreSQL cannot tell a bare parameter's type there. */
const integer = (value: number) => sql<number>`cast(${value} as integer)`;

/**
 * The organization's task of the row (its `task_id`), looked up by key. Joins below are cross joins
 * with the condition in WHERE, which SQLite reads in the order written: the person's rows first,
 * never every task of a large organization (PostgreSQL plans them freely).
 */
const sameTask = (table: 'task_guests' | 'task_users') => sql.ref<string>(`${table}.task_id`);

/**
 * The guest record's tasks in the organization become the member's: a member owner row each,
 * keeping when the guest completed their part, and the guest owner rows go. A task the user owns
 * as a member already keeps that row as it is.
 */
export async function moveGuestTasksToMember(
  db: Q,
  organizationId: string,
  organizationGuestId: number,
  userId: number,
): Promise<void> {
  await db
    .insertInto('task_users')
    .columns(['task_id', 'user_id', 'completed_at'])
    .expression((eb) =>
      eb
        .selectFrom('task_guests')
        .crossJoin('tasks')
        .where('tasks.id', '=', sameTask('task_guests'))
        .select(['task_guests.task_id', integer(userId).as('user_id'), 'task_guests.completed_at'])
        .where('task_guests.organization_guest_id', '=', organizationGuestId)
        .where('tasks.organization_id', '=', organizationId),
    )
    .onConflict((oc) => oc.columns(['task_id', 'user_id']).doNothing())
    .execute();
  await db
    .deleteFrom('task_guests')
    .where('organization_guest_id', '=', organizationGuestId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('tasks')
          .select('tasks.id')
          .where('tasks.id', '=', sameTask('task_guests'))
          .where('tasks.organization_id', '=', organizationId),
      ),
    )
    .execute();
}

/**
 * The member's open tasks in the organization (not completed, and the member's part not done)
 * become the guest record's; completed ones keep the member. A task that is then left with a guest
 * owner and no member owner gets `fallbackUserId` as its member owner: a task given to a guest
 * always has a member who answers for it.
 */
export async function moveOpenMemberTasksToGuest(
  db: Q,
  organizationId: string,
  userId: number,
  organizationGuestId: number,
  fallbackUserId: number,
): Promise<void> {
  const openOfMember = (q: Q) =>
    q
      .selectFrom('task_users')
      .crossJoin('tasks')
      .where('tasks.id', '=', sameTask('task_users'))
      .where('task_users.user_id', '=', userId)
      .where('tasks.organization_id', '=', organizationId)
      .where('tasks.completed_at', 'is', null)
      .where('task_users.completed_at', 'is', null);
  await db
    .insertInto('task_guests')
    .columns(['task_id', 'organization_guest_id', 'completed_at'])
    .expression(
      openOfMember(db).select([
        'task_users.task_id',
        integer(organizationGuestId).as('organization_guest_id'),
        'task_users.completed_at',
      ]),
    )
    .onConflict((oc) => oc.columns(['task_id', 'organization_guest_id']).doNothing())
    .execute();
  await db
    .deleteFrom('task_users')
    .where('user_id', '=', userId)
    .where('completed_at', 'is', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('tasks')
          .select('tasks.id')
          .where('tasks.id', '=', sameTask('task_users'))
          .where('tasks.organization_id', '=', organizationId)
          .where('tasks.completed_at', 'is', null),
      ),
    )
    .execute();
  await db
    .insertInto('task_users')
    .columns(['task_id', 'user_id', 'completed_at'])
    .expression((eb) =>
      eb
        .selectFrom('task_guests')
        .crossJoin('tasks')
        .where('tasks.id', '=', sameTask('task_guests'))
        .select([
          'task_guests.task_id',
          integer(fallbackUserId).as('user_id'),
          sql<string | null>`cast(null as text)`.as('completed_at'),
        ])
        .where('task_guests.organization_guest_id', '=', organizationGuestId)
        .where('tasks.organization_id', '=', organizationId)
        .where((w) =>
          w.not(
            w.exists(
              w.selectFrom('task_users').select('task_users.task_id').whereRef('task_users.task_id', '=', 'tasks.id'),
            ),
          ),
        ),
    )
    .onConflict((oc) => oc.columns(['task_id', 'user_id']).doNothing())
    .execute();
}
