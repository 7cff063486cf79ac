/**
 * Reading the organization's tasks (docs/tasks.md: List tasks, Get task, and the owners' views:
 * List guest's tasks, List member's tasks, List own tasks). Each page costs the same few
 * statements whatever its size: a count, the page's rows, then one statement per table.
 */
import { isHexId } from '../core/secrets.js';
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { Actor } from '../core/actor.js';
import { assertThat, notFound } from '../core/errors.js';
import { MAX_ID } from '../core/limits.js';
import { pageRequest } from '../core/paging.js';
import { now } from '../core/time.js';
import { normalizeEmail } from '../email/parse.js';
import { activeRecord } from '../guests/guest.records.js';
import { existingMemberIds } from '../members/member.repository.js';
import type { TaskStatusFilter } from './task.ports.js';
import { readTasks, taskRows } from './task.read.js';
import * as repo from './task.repository.js';
import { DEFAULT_TASK_PER_PAGE, withThreads, type ListTasksQuery, type TaskSortKey } from './task.requests.js';
import type { Task } from './task.schemas.js';

/** Whose tasks a view lists: one member, or one guest record, of the organization. */
type Scope = { userId: number } | { guestId: number } | undefined;

function parts(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return list.length === 0 ? undefined : list;
}

/** The filter of a list query: every owner parameter given narrows the list (any owner it names). */
function filterOf(organizationId: string, query: ListTasksQuery, scope: Scope): repo.TaskListFilter {
  const owners = parts(query.owners)?.map(Number);
  const guests = [...(parts(query.guests) ?? []), ...(query.guest ? [query.guest] : [])].map(normalizeEmail);
  const filter: repo.TaskListFilter = {
    organizationId,
    q: query.q,
    // Open tasks unless asked otherwise: what Tallyfy's clients list as "my tasks" and "tasks".
    status: (query.status as TaskStatusFilter | undefined) ?? 'active',
    // An id that is not a member id matches nothing, as an unknown one does.
    userIds: owners?.filter((id) => Number.isSafeInteger(id) && id >= 1 && id <= MAX_ID),
    guestEmails: guests.length > 0 ? guests : undefined,
    groupIds: parts(query.groups),
  };
  if (scope && 'userId' in scope)
    filter.userIds = [...(filter.userIds ?? [scope.userId])].filter((id) => id === scope.userId);
  if (scope && 'guestId' in scope) filter.guestIds = [scope.guestId];
  return filter;
}

function orderOf(query: ListTasksQuery): repo.TaskListOrder {
  const sort = query.sort ?? 'deadline';
  return { key: sort.replace(/^-/, '') as TaskSortKey, descending: sort.startsWith('-') };
}

export function createTaskReads(db: Kysely<Database>) {
  async function page(actor: Actor, query: ListTasksQuery, scope: Scope) {
    const { page, perPage } = pageRequest(query, DEFAULT_TASK_PER_PAGE);
    const filter = filterOf(actor.organizationId, query, scope);
    const [total, rows] = await Promise.all([
      repo.countTasks(db, filter),
      repo.listTasks(db, filter, orderOf(query), { limit: perPage, offset: (page - 1) * perPage }),
    ]);
    const tasks = await readTasks(db, rows, { threads: withThreads(query.with), at: now() });
    return { tasks, total, page, perPage };
  }

  return {
    /** List tasks: one page of the organization's tasks, with the numbers for the pagination block. */
    list(actor: Actor, query: ListTasksQuery) {
      return page(actor, query, undefined);
    },

    /** List guest's tasks: 404 as Get guest answers when the email is no guest of the organization. */
    async listForGuest(actor: Actor, email: string, query: ListTasksQuery) {
      const record = await activeRecord(db, actor.organizationId, email);
      return page(actor, query, { guestId: record.id });
    },

    /** List member's tasks: 404 when the id is no member of the organization. */
    async listForUser(actor: Actor, userId: string, query: ListTasksQuery) {
      const id = /^[0-9]{1,10}$/.test(userId) ? Number(userId) : 0;
      const member = id >= 1 && id <= MAX_ID ? await existingMemberIds(db, actor.organizationId, [id]) : new Set();
      assertThat(member.has(id), () => notFound('member'));
      return page(actor, query, { userId: id });
    },

    /** List own tasks: the caller's own. */
    listMine(actor: Actor, query: ListTasksQuery) {
      return page(actor, query, { userId: actor.userId });
    },

    /** Get task: 404 for an unknown id, another organization's, or an id of another shape. */
    async get(actor: Actor, taskId: string, threads: boolean): Promise<Task> {
      assertThat(isHexId(taskId), () => notFound('task'));
      const [task] = await readTasks(db, await taskRows(db, actor.organizationId, [taskId]), { threads, at: now() });
      assertThat(task, () => notFound('task'));
      return task;
    },
  };
}
