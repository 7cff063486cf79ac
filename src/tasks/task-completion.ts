/**
 * Completing and reopening a task (docs/task-work.md, Complete task, Reopen task), each in one
 * transaction: the completion, the owner's part, the optional comment and the emails of a reopen
 * are written together or not at all.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { ErrorBag } from '../core/errors.js';
import { now } from '../core/time.js';
import { guestLinkOf, type GuestLinks } from '../guests/guest-code.js';
import { enqueue, newMessageId } from '../outbox/outbox.repository.js';
import type { TaskRow } from './task.read.js';
import type { CompleteTaskInput, TaskActor } from './task.ports.js';
import type { Task } from './task.schemas.js';
import { emptyRequiredFields } from './task-values.js';
import { TASK_REOPENED_KIND, taskReopenedMessage } from './task-work.messages.js';
import * as repo from './task-work.repository.js';

type Q = Kysely<Database>;

interface CompletionDeps {
  db: Q;
  links: GuestLinks;
  taskFor(q: Q, actor: TaskActor, taskId: string, lock?: boolean): Promise<TaskRow>;
  readOne(q: Q, row: TaskRow, threads?: boolean): Promise<Task>;
  addComment(q: Q, actor: TaskActor, taskId: string, content: string, isProblem: boolean): Promise<number>;
  commentText(value: unknown, field: string, bag: ErrorBag): string;
}

export function createTaskCompletion({ db, links, taskFor, readOne, addComment, commentText }: CompletionDeps) {
  async function reread(q: Q, actor: TaskActor, taskId: string): Promise<Task> {
    return readOne(q, await taskFor(q, actor, taskId), actor.kind === 'guest');
  }

  return {
    /**
     * Completes the actor's part or the task. An already completed task, or an owner whose part is
     * done already, is answered unchanged (`created` false): a retried request does no harm.
     */
    async complete(actor: TaskActor, input: CompleteTaskInput): Promise<{ task: Task; created: boolean }> {
      return db.transaction().execute(async (trx) => {
        const row = await taskFor(trx, actor, input.task_id, true);
        if (row.completed_at !== null) return { task: await readOne(trx, row, actor.kind === 'guest'), created: false };

        const bag = new ErrorBag();
        const approval = row.task_type === 'approval';
        // Other tasks ignore `is_approved`, as Tallyfy's do: its n8n node sends the decision
        // whatever the task's type.
        if (approval && typeof input.is_approved !== 'boolean')
          bag.add(
            'is_approved',
            'The is_approved field is required to complete an approval task: true approves, false rejects.',
          );
        for (const [field, messages] of Object.entries(emptyRequiredFields(await repo.fieldsOf(trx, row.id))))
          for (const message of messages) bag.add(field, message);
        const comment = input.comment === undefined ? undefined : commentText(input.comment, 'comment', bag);
        bag.throwIfAny();

        const at = now();
        const owner =
          actor.kind === 'guest'
            ? { guestId: actor.organizationGuestId }
            : (await repo.isUserOwner(trx, row.id, actor.userId))
              ? { userId: actor.userId }
              : undefined;
        const partDone = owner ? await repo.completeOwnerPart(trx, row.id, owner, at) : false;
        // Everyone-must-complete: the task waits for every owner, unless a member who is not an
        // owner completes it (for them all) or an approver rejects (one rejection decides).
        const whole =
          row.everyone_must_complete !== 1 ||
          owner === undefined ||
          (approval && input.is_approved === false) ||
          (await repo.everyOwnerDone(trx, row.id));
        if (!whole && !partDone) return { task: await reread(trx, actor, row.id), created: false };
        if (whole)
          await repo.markCompleted(trx, row.id, {
            at,
            userId: actor.kind === 'member' ? actor.userId : null,
            guestId: actor.kind === 'guest' ? actor.organizationGuestId : null,
            isApproved: approval ? (input.is_approved ?? null) : null,
          });
        else await repo.touchTask(trx, row.id, at);
        if (comment !== undefined) await addComment(trx, actor, row.id, comment, false);
        return { task: await reread(trx, actor, row.id), created: true };
      });
    },

    /**
     * Opens a completed task again and emails each of its guests (whose link works) their link to
     * it. An open task is answered unchanged, and no email goes.
     */
    async reopen(actor: TaskActor, taskId: string): Promise<Task> {
      return db.transaction().execute(async (trx) => {
        const row = await taskFor(trx, actor, taskId, true);
        if (row.completed_at === null) return readOne(trx, row);
        await repo.markOpen(trx, row.id, now());
        for (const guest of await repo.activeGuestOwners(trx, row.id)) {
          const link = guestLinkOf(links, guest);
          if (link === null) continue;
          const message = taskReopenedMessage({
            organizationName: guest.organization_name,
            taskTitle: row.title,
            guestName: guest.first_name,
            link: `${link}/tasks/${row.id}`,
          });
          await enqueue(
            trx,
            { kind: TASK_REOPENED_KIND, recipient: guest.email, ...message },
            newMessageId(links.publicBaseUrl),
          );
        }
        return reread(trx, actor, row.id);
      });
    },
  };
}
