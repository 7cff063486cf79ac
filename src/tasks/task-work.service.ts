/**
 * Working on a task (docs/task-work.md): its values and comments, for members with a write role
 * and for the task's guests (docs/guest-side.md). Every write is one transaction: all of it, or
 * nothing. A guest reaches only tasks they own in the organization of their link; any other task
 * answers exactly as a bad link does.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { AppError, ErrorBag, notFound, validationFailed, type FieldErrors } from '../core/errors.js';
import type { Actor } from '../core/actor.js';
import { now } from '../core/time.js';
import type { GuestLinks } from '../guests/guest-code.js';
import { readComments, readTasks, type TaskRow } from './task.read.js';
import type { CommentInput, GuestTaskAccess, TaskActor, TaskStatusFilter } from './task.ports.js';
import type { Task, TaskComment } from './task.schemas.js';
import { MAX_COMMENT, checkValues } from './task-values.js';
import { createTaskCompletion } from './task-completion.js';
import * as repo from './task-work.repository.js';
import { reachableTask } from './task-access.js';

export interface TaskWorkDeps {
  db: Kysely<Database>;
  links: GuestLinks;
  /** What a guest is answered for a task they may not reach: the same as for a link that does not work. */
  guestNotFound: () => AppError;
}

type Q = Kysely<Database>;

const memberActor = (actor: Actor): TaskActor => ({ kind: 'member', ...actor });

export function createTaskWorkService({ db, links, guestNotFound }: TaskWorkDeps) {
  /**
   * The task the actor may work on: any task of the organization for a member with a write role,
   * only their own for a guest. Light members read only (docs/task-work.md, Comment on task).
   */
  function taskFor(q: Q, actor: TaskActor, taskId: string, lock = false): Promise<TaskRow> {
    return reachableTask(q, actor, taskId, { write: true, lock, guestNotFound });
  }

  async function readOne(q: Q, row: TaskRow, threads = false): Promise<Task> {
    const [task] = await readTasks(q, [row], { threads, at: now() });
    if (!task) throw new Error('a task read back as nothing');
    return task;
  }

  async function commentById(q: Q, taskId: string, commentId: number): Promise<TaskComment> {
    const comment = (await readComments(q, [taskId])).find((c) => c.id === String(commentId));
    if (!comment) throw notFound('comment');
    return comment;
  }

  /** The comment's text, or the field errors of `field` when it is empty or too long. */
  function commentText(value: unknown, field: string, bag: ErrorBag): string {
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') bag.add(field, `The ${field} field is required.`);
    else if (text.length > MAX_COMMENT)
      bag.add(field, `The ${field} may not be longer than ${MAX_COMMENT} characters.`);
    return text;
  }

  async function addComment(q: Q, actor: TaskActor, taskId: string, content: string, isProblem: boolean) {
    const at = now();
    const id = await repo.insertComment(q, {
      taskId,
      userId: actor.kind === 'member' ? actor.userId : null,
      guestId: actor.kind === 'guest' ? actor.organizationGuestId : null,
      content,
      isProblem,
      at,
    });
    await repo.touchTask(q, taskId, at);
    return id;
  }

  /** A member's own comment on a task of the organization, for editing or deleting. */
  async function ownComment(q: Q, actor: Actor, taskId: string, commentId: number, adminMay: boolean) {
    const row = await taskFor(q, memberActor(actor), taskId, true);
    const comment = await repo.findComment(q, row.id, commentId);
    if (!comment) throw notFound('comment');
    const mine = comment.author_user_id === actor.userId && comment.author_guest_id === null;
    if (!mine && !(adminMay && actor.role === 'admin'))
      throw new AppError(
        'FORBIDDEN',
        adminMay ? 'Only its author or an administrator may delete a comment.' : 'Only its author may edit a comment.',
      );
    return { row, comment };
  }

  const completion = createTaskCompletion({ db, links, taskFor, readOne, addComment, commentText });

  const service = {
    async listForGuest(organizationId: string, organizationGuestId: number, status: TaskStatusFilter) {
      const rows = await repo.guestTaskRows(db, organizationId, organizationGuestId, status);
      return readTasks(db, rows, { at: now() });
    },

    async getForGuest(organizationId: string, organizationGuestId: number, taskId: string) {
      const row = await taskFor(db, { kind: 'guest', organizationId, organizationGuestId }, taskId);
      return readOne(db, row, true);
    },

    /** docs/task-work.md, Save task values: every value checked, all saved or none. */
    async saveValues(actor: TaskActor, taskId: string, values: Record<string, unknown>): Promise<Task> {
      return db.transaction().execute(async (trx) => {
        const row = await taskFor(trx, actor, taskId, true);
        if (row.completed_at !== null)
          throw validationFailed({ taskdata: ['The task is completed: its values cannot change. Reopen it first.'] });
        const checked = checkValues(await repo.fieldsOf(trx, row.id), values);
        if (!checked.ok) throw validationFailed(checked.errors);
        const at = now();
        for (const [fieldId, value] of checked.accepted)
          await repo.setFieldValue(trx, row.id, fieldId, value === null ? null : JSON.stringify(value), at);
        await repo.touchTask(trx, row.id, at);
        return readOne(trx, { ...row, updated_at: at }, actor.kind === 'guest');
      });
    },

    /** docs/task-work.md, Comment on task. */
    async comment(actor: TaskActor, taskId: string, input: CommentInput): Promise<TaskComment> {
      return db.transaction().execute(async (trx) => {
        const row = await taskFor(trx, actor, taskId, true);
        const bag = new ErrorBag();
        const content = commentText(input.content, 'content', bag);
        bag.throwIfAny();
        const id = await addComment(trx, actor, row.id, content, input.is_problem === true);
        return commentById(trx, row.id, id);
      });
    },

    /** docs/task-work.md, Edit comment: the author only. */
    async editComment(actor: Actor, taskId: string, commentId: number, content: unknown): Promise<TaskComment> {
      return db.transaction().execute(async (trx) => {
        const { row, comment } = await ownComment(trx, actor, taskId, commentId, false);
        const bag = new ErrorBag();
        const text = commentText(content, 'content', bag);
        bag.throwIfAny();
        await repo.updateComment(trx, comment.id, text, now());
        return commentById(trx, row.id, comment.id);
      });
    },

    /** docs/task-work.md, Delete comment: the author, or an administrator. */
    async deleteComment(actor: Actor, taskId: string, commentId: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const { comment } = await ownComment(trx, actor, taskId, commentId, true);
        await repo.deleteComment(trx, comment.id);
      });
    },

    /** docs/task-work.md, Resolve comment: a problem only; resolving it again changes nothing. */
    async resolveComment(actor: Actor, taskId: string, commentId: number): Promise<TaskComment> {
      return db.transaction().execute(async (trx) => {
        const row = await taskFor(trx, memberActor(actor), taskId, true);
        const comment = await repo.findComment(trx, row.id, commentId);
        if (!comment) throw notFound('comment');
        if (comment.is_problem !== 1) {
          const errors: FieldErrors = {
            comment_id: ['The comment does not report a problem: there is nothing to resolve.'],
          };
          throw validationFailed(errors);
        }
        if (comment.resolved_at === null) await repo.resolveComment(trx, comment.id, actor.userId, now());
        return commentById(trx, row.id, comment.id);
      });
    },

    /** docs/task-work.md, Complete task; `created` is false when nothing changed. */
    completeTask: completion.complete,
    /** docs/task-work.md, Reopen task. */
    reopen: (actor: Actor, taskId: string) => completion.reopen(memberActor(actor), taskId),

    async complete(actor: TaskActor, input: Parameters<typeof completion.complete>[1]): Promise<Task> {
      return (await completion.complete(actor, input)).task;
    },
  };
  return service satisfies GuestTaskAccess;
}
