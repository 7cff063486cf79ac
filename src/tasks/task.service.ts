/**
 * The organization's task writes (docs/tasks.md: Create task, Update task, Delete task, Clone
 * task). The service owns the transactions: owners, new guests, fields and assignment emails are
 * written in one, so a refusal (a bad owner, the invite cap) writes nothing at all.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import { inGroupCommit } from '../db/group-commit.js';
import { WriteBatch } from '../db/write-batch.js';
import type { Actor } from '../core/actor.js';
import { assertThat, notFound, type FieldErrors } from '../core/errors.js';
import { now } from '../core/time.js';
import { collectFieldErrors, type ReadonlyFieldErrors, type UncheckedFields } from '../core/validation.js';
import type { EmailDomainChecker } from '../email/dns-check.js';
import type { GuestService } from '../guests/guest.service.js';
import type { GuestLinks } from '../guests/guest-code.js';
import { notifyOutbox } from '../outbox/outbox-signal.js';
import { newMessageId, outboxValues } from '../outbox/outbox.repository.js';
import { kindOf } from '../db/database.js';
import { randomId } from '../core/ids.js';
import { DEADLINE_MESSAGE, parseDeadline } from './deadline.js';
import { checkFields, fieldRows } from './task.fields.js';
import { isHexId, newHexId } from '../core/secrets.js';
import { checkOwners, creatorOf, settleOwners, type CheckedOwners } from './task.owners.js';
import { assignmentEmail, queueAssignments } from './task.notices.js';
import { createTaskAtOnce } from './task-create-at-once.js';
import { createdTask, readTasks, type TaskRow } from './task.read.js';
import * as ownerRepo from './task-owners.repository.js';
import * as repo from './task.repository.js';
import type { FieldRow } from './task.repository.js';
import type { CreateTaskBody, FieldBody, UpdateTaskBody } from './task.requests.js';
import type { Task, TaskType } from './task.schemas.js';
import { createTaskReads } from './task.list.js';

export interface TaskServiceDeps {
  db: Kysely<Database>;
  emailChecker: Pick<EmailDomainChecker, 'checkDomain'>;
  links: GuestLinks;
  guests: Pick<GuestService, 'joinIn' | 'consumeInvite' | 'freshRecord'>;
  /** New guests per organization per hour (0 = no cap), as Create guest counts them. */
  inviteLimitPerHour: number;
}

/** The deadline's failure, or its UTC form (not checked when the schema refused it already). */
function checkDeadline(value: unknown, failures: ReadonlyFieldErrors): { deadline?: string; errors: FieldErrors } {
  if (typeof value !== 'string' || Object.hasOwn(failures, 'deadline')) return { errors: {} };
  const deadline = parseDeadline(value);
  return deadline === undefined ? { errors: { deadline: [DEADLINE_MESSAGE] } } : { deadline, errors: {} };
}

export function createTaskService(deps: TaskServiceDeps) {
  const { db, links } = deps;
  const rules = { db, emailChecker: deps.emailChecker };
  const reads = createTaskReads(db);

  async function existing(q: Kysely<Database>, organizationId: string, taskId: string, lock: boolean) {
    // An id of another shape names no task: not found rather than invalid, as for an unknown id.
    assertThat(isHexId(taskId), () => notFound('task'));
    const row = await repo.findTask(q, organizationId, taskId, lock);
    assertThat(row, () => notFound('task'));
    return row;
  }

  /** The task as answered, read back (a task this transaction inserted is answered by answerCreated). */
  async function answer(q: Kysely<Database>, row: TaskRow): Promise<Task> {
    const [task] = await readTasks(q, [row], { at: now() });
    if (!task) throw new Error('a task row read to nothing');
    return task;
  }

  /** What a write did besides its answer: emails queued, guests newly joined (invites to count). */
  interface Effects {
    queued: number;
    invites: number;
  }

  /**
   * Runs `work` in one transaction, counts its invites against the cap as the transaction's last
   * statements (the cap's row is then locked only until the commit, so concurrent writes of the
   * organization do not queue behind the whole of each other), and wakes the outbox when it queued
   * an email. On SQLite the transaction is shared with the writes that arrived with it (group
   * commit): a task's write touches a dozen tables and indexes, and its commit cost more than all
   * its statements together. Its checks that wait on the network (owners' email domains) are done
   * before.
   */
  async function write<T>(
    actor: Actor,
    work: (trx: Transaction<Database>) => Promise<{ result: T } & Effects>,
  ): Promise<T> {
    const { result, queued } = await inGroupCommit(db, async (trx) => {
      const done = await work(trx);
      for (let i = 0; i < done.invites; i++) await deps.guests.consumeInvite(trx, actor.organizationId);
      return done;
    });
    if (queued > 0) notifyOutbox(db);
    return result;
  }

  /**
   * Stores the owners and tells each guest newly made one. Answers the owners stored, and the
   * email of each guest added (read with their records for the emails, or as joined).
   * `organizationName`: as the transaction read it already, if it did.
   */
  async function assign(
    trx: Transaction<Database>,
    batch: WriteBatch,
    actor: Actor,
    row: Pick<TaskRow, 'id' | 'title' | 'deadline'>,
    checked: CheckedOwners,
    creator: number,
    before: ownerRepo.TaskOwnerIds,
    organizationName?: string,
  ): Promise<Effects & { owners: ownerRepo.TaskOwnerIds; emails: Map<number, string> }> {
    const { joined, ...after } = await settleOwners(trx, deps.guests, actor, checked, creator);
    ownerRepo.setOwners(batch, row.id, before, after);
    const added = after.guestIds.filter((id) => !before.guestIds.includes(id));
    const { queued, emails } = await queueAssignments(batch, links, actor.organizationId, row, added, {
      records: joined,
      organizationName,
    });
    return { queued, invites: after.invites, owners: after, emails };
  }

  /**
   * The answer of a task this transaction inserted with these owners (every guest among them
   * added, so in `emails`) and fields, made from what it wrote (createdTask, task.read.ts).
   */
  function answerCreated(
    row: TaskRow,
    owners: ownerRepo.TaskOwnerIds,
    emails: ReadonlyMap<number, string>,
    fields: FieldRow[],
  ): Task {
    const guestEmails = owners.guestIds.map((id) => {
      const email = emails.get(id);
      if (email === undefined) throw new Error(`guest record ${id} was made an owner but not read`);
      return email;
    });
    return createdTask(row, { ...owners, guestEmails }, fields, now());
  }

  // PostgreSQL writes a task whose owners are members and new addresses in one statement
  // (task-create-at-once.ts); SQLite's statements are in-process, and its group commit already
  // shares one commit among the writes arriving together.
  const atOnce = kindOf(db) === 'postgres';

  /**
   * Create task in one statement, when its owners are members and addresses new to the
   * organization (no group, no existing guest: their emails need their records read first).
   * Undefined when the general path must answer; nothing was written then.
   */
  async function createAtOnce(
    actor: Actor,
    row: TaskRow,
    checked: CheckedOwners,
    fields: FieldRow[],
    organizationName: string | undefined,
  ) {
    if (checked.groupIds.length > 0 || checked.guestIds.length > 0) return undefined;
    const at = row.created_at;
    const guests = checked.newEmails.map((email) => ({
      email,
      newGuestId: randomId(),
      record: deps.guests.freshRecord({}, at),
    }));
    const messages = guests.flatMap((guest) => {
      const record = { ...guest.record, disabled_at: null, email: guest.email };
      const email = assignmentEmail(links, organizationName, row, record);
      return email === null ? [] : [outboxValues(email, newMessageId(links.publicBaseUrl))];
    });
    const userIds = checked.userIds.length > 0 ? checked.userIds : [actor.userId];
    const recordIds = await createTaskAtOnce(db, {
      task: row,
      userIds,
      guests,
      fields,
      messages,
      cap: deps.inviteLimitPerHour,
    });
    if (recordIds === undefined) return undefined;
    if (messages.length > 0) notifyOutbox(db);
    const owners = { userIds, guestIds: recordIds, groupIds: [] };
    return answerCreated(row, owners, new Map(recordIds.map((id, i) => [id, checked.newEmails[i] as string])), fields);
  }

  return {
    ...reads,

    /** `schemaFailures` are answered together with the deadline's, the owners' and the fields' in one 422. */
    async create(actor: Actor, input: UncheckedFields<CreateTaskBody>, schemaFailures: ReadonlyFieldErrors) {
      const deadline = checkDeadline(input.deadline, schemaFailures);
      // The statement of one write needs the organization's name for its emails: read with the owners.
      const owners = await checkOwners(rules, actor.organizationId, input.owners, schemaFailures, {
        organizationName: atOnce,
      });
      collectFieldErrors(
        schemaFailures,
        deadline.errors,
        owners.errors,
        checkFields(input.form_fields, schemaFailures),
      ).throwIfAny();
      // No failure of the schema or of the checks: the body is what the schema describes.
      const body = input as CreateTaskBody;
      const at = now();
      const row: TaskRow = {
        id: newHexId(),
        organization_id: actor.organizationId,
        title: body.title,
        summary: body.summary ?? null,
        deadline: deadline.deadline as string,
        task_type: (body.task_type ?? 'task') as TaskType,
        everyone_must_complete: body.everyone_must_complete ? 1 : 0,
        created_by: actor.userId,
        created_at: at,
        updated_at: at,
        completed_at: null,
        completed_by_user_id: null,
        completed_by_guest_id: null,
        is_approved: null,
        reminders_enabled: body.reminders_enabled === false ? 0 : 1,
      };
      const fields = fieldRows(row.id, body.form_fields ?? [], [], at);
      const created = atOnce
        ? await createAtOnce(actor, row, owners.owners, fields, owners.organizationName)
        : undefined;
      if (created) return created;
      return write(actor, async (trx) => {
        const organizationName = await repo.insertTask(trx, row);
        const none = { userIds: [], guestIds: [], groupIds: [] };
        // The owners, the emails and the fields: one round trip on PostgreSQL.
        const batch = new WriteBatch(trx);
        const assigned = await assign(trx, batch, actor, row, owners.owners, actor.userId, none, organizationName);
        repo.insertFields(batch, fields);
        await batch.run();
        const result = answerCreated(row, assigned.owners, assigned.emails, fields);
        return { result, queued: assigned.queued, invites: assigned.invites };
      });
    },

    /** Partial: keys not sent are unchanged; `owners` and `form_fields` each replace the whole set. */
    async update(
      actor: Actor,
      taskId: string,
      input: UncheckedFields<UpdateTaskBody>,
      schemaFailures: ReadonlyFieldErrors,
    ): Promise<Task> {
      await existing(db, actor.organizationId, taskId, false);
      const deadline = checkDeadline(input.deadline, schemaFailures);
      const owners =
        input.owners === undefined
          ? undefined
          : await checkOwners(rules, actor.organizationId, input.owners, schemaFailures);
      collectFieldErrors(
        schemaFailures,
        deadline.errors,
        owners?.errors ?? {},
        checkFields(input.form_fields, schemaFailures),
      ).throwIfAny();
      const body = input as UpdateTaskBody;
      return write(actor, async (trx) => {
        const task = await existing(trx, actor.organizationId, taskId, true);
        const at = now();
        const changes: Partial<TaskRow> = { updated_at: at };
        if (body.title !== undefined) changes.title = body.title;
        if ('summary' in body) changes.summary = body.summary ?? null;
        if (deadline.deadline !== undefined) changes.deadline = deadline.deadline;
        if (body.task_type !== undefined) changes.task_type = body.task_type as TaskType;
        if (body.everyone_must_complete !== undefined)
          changes.everyone_must_complete = body.everyone_must_complete ? 1 : 0;
        if (body.reminders_enabled !== undefined) changes.reminders_enabled = body.reminders_enabled ? 1 : 0;
        await repo.updateTask(trx, task.id, changes);
        const row = { ...task, ...changes };
        let effects: Effects = { queued: 0, invites: 0 };
        if (owners) {
          const creator = await creatorOf(trx, actor, task.created_by);
          const before = await ownerRepo.ownersOf(trx, task.id);
          const batch = new WriteBatch(trx);
          const { queued, invites } = await assign(trx, batch, actor, row, owners.owners, creator, before);
          await batch.run();
          effects = { queued, invites };
        }
        if (body.form_fields !== undefined) {
          const stored = await repo.fieldsOf(trx, task.id);
          await repo.replaceFields(trx, task.id, fieldRows(task.id, body.form_fields, stored, at));
        }
        return { result: await answer(trx, row), ...effects };
      });
    },

    /** Deletes the task with its owners, fields and comments. */
    async remove(actor: Actor, taskId: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const task = await existing(trx, actor.organizationId, taskId, true);
        await repo.deleteTask(trx, task.id);
      });
    },

    /** A new open task like this one: same owners and field definitions, no values, no comments. */
    async clone(actor: Actor, taskId: string): Promise<Task> {
      return write(actor, async (trx) => {
        const source = await existing(trx, actor.organizationId, taskId, false);
        const at = now();
        const row: TaskRow = {
          ...source,
          id: newHexId(),
          created_by: actor.userId,
          created_at: at,
          updated_at: at,
          completed_at: null,
          completed_by_user_id: null,
          completed_by_guest_id: null,
          is_approved: null,
        };
        const organizationName = await repo.insertTask(trx, row);
        const stored = await ownerRepo.ownersOf(trx, source.id);
        // A guest removed from the organization since is no owner of the new task.
        const owners = { ...stored, guestIds: await ownerRepo.activeGuestIds(trx, stored.guestIds) };
        const none = { userIds: [], guestIds: [], groupIds: [] };
        const batch = new WriteBatch(trx);
        ownerRepo.setOwners(batch, row.id, none, owners);
        const { queued, emails } = await queueAssignments(batch, links, actor.organizationId, row, owners.guestIds, {
          organizationName,
        });
        const bodies = (await repo.fieldsOf(trx, source.id)).map((f): FieldBody => ({
          field_type: f.field_type as FieldBody['field_type'],
          label: f.label,
          required: f.required === 1,
          options: f.options === null ? null : (JSON.parse(f.options) as string[]),
        }));
        const fields = fieldRows(row.id, bodies, [], at);
        repo.insertFields(batch, fields);
        await batch.run();
        return { result: answerCreated(row, owners, emails, fields), queued, invites: 0 };
      });
    },
  };
}
