/** Shared by the tests of the guest rules on tasks (docs/guests.md): direct reads of who owns a task. */
import type { TestContext } from '../../support/app.js';

/** The task's owners as stored: member ids and guest record ids, each with when they completed it. */
export async function ownersOf(ctx: TestContext, taskId: string) {
  const db = ctx.db.kysely;
  const [users, guests] = await Promise.all([
    db
      .selectFrom('task_users')
      .select(['user_id', 'completed_at'])
      .where('task_id', '=', taskId)
      .orderBy('user_id')
      .execute(),
    db
      .selectFrom('task_guests')
      .select(['organization_guest_id', 'completed_at'])
      .where('task_id', '=', taskId)
      .orderBy('organization_guest_id')
      .execute(),
  ]);
  return { users, guests };
}

/** A comment written on the task by a guest record. */
export async function guestComment(ctx: TestContext, taskId: string, organizationGuestId: number): Promise<number> {
  const row = await ctx.db.kysely
    .insertInto('task_comments')
    .values({
      task_id: taskId,
      author_user_id: null,
      author_guest_id: organizationGuestId,
      content: 'Done on my side.',
      is_problem: 0,
      resolved_at: null,
      resolved_by: null,
      created_at: '2026-01-01 12:00:00',
      updated_at: '2026-01-01 12:00:00',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function commentAuthor(ctx: TestContext, commentId: number) {
  return ctx.db.kysely
    .selectFrom('task_comments')
    .select(['author_user_id', 'author_guest_id'])
    .where('id', '=', commentId)
    .executeTakeFirst();
}
