/**
 * The task an actor may reach (docs/task-work.md, docs/files.md): any task of the organization for
 * a member, only their own for a guest, whose every other task answers as a bad link. Writing needs
 * an admin or standard member; light members read only.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { AppError, notFound } from '../core/errors.js';
import { isHexId } from '../core/secrets.js';
import type { TaskActor } from './task.ports.js';
import type { TaskRow } from './task.read.js';
import { findTask, isGuestOwner } from './task-work.repository.js';

export async function reachableTask(
  q: Kysely<Database>,
  actor: TaskActor,
  taskId: string,
  options: { write: boolean; lock?: boolean; guestNotFound: () => AppError },
): Promise<TaskRow> {
  const row = isHexId(taskId) ? await findTask(q, actor.organizationId, taskId, options.lock ?? false) : undefined;
  if (actor.kind === 'guest') {
    if (!row || !(await isGuestOwner(q, row.id, actor.organizationGuestId))) throw options.guestNotFound();
    return row;
  }
  if (!row) throw notFound('task');
  if (options.write && actor.role === 'light')
    throw new AppError('FORBIDDEN', 'A light member may only read; this needs an admin or standard member.');
  return row;
}
