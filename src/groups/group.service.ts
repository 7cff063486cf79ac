/**
 * Group rules: names unique in the organization without regard to case, members and guests of
 * this organization only, lists replaced whole. The service owns the transactions; the name rule
 * is held by a unique constraint, the check before it only lets every failing field be reported
 * in one answer.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { ErrorBag, assertThat, notFound, validationFailed, type FieldErrors } from '../core/errors.js';
import { isHexId, newHexId } from '../core/secrets.js';
import { now } from '../core/time.js';
import { normalizeEmail } from '../email/parse.js';
import { existingMemberIds } from '../members/member.repository.js';
import { activeRecordIdsByEmail } from '../guests/guest.repository.js';
import * as repo from './group.repository.js';
import { groupRowToGroup } from './group.mapper.js';
import {
  DEFAULT_GROUP_PER_PAGE,
  type CreateGroupBody,
  type Group,
  type GroupSortKey,
  type ListGroupsQuery,
  type UpdateGroupBody,
} from './group.schemas.js';
import { pageRequest } from '../core/paging.js';
import { uniqueViolation } from '../core/database-errors.js';
import { MAX_ID } from '../core/limits.js';
import { type Actor } from '../core/actor.js';
import {
  type UncheckedFields,
  NO_FIELD_ERRORS,
  collectFieldErrors,
  type ReadonlyFieldErrors,
} from '../core/validation.js';

export interface GroupServiceDeps {
  db: Kysely<Database>;
}

const NAME_TAKEN = 'The name has already been taken.';

/** A list of the body, and what checking it found: the ids to store (undefined when not sent), and its failures. */
interface CheckedList {
  ids: number[] | undefined;
  errors: FieldErrors;
}

/** `field in failed`, for a record without a prototype as well. */
function failedAlready(failed: ReadonlyFieldErrors, field: string): boolean {
  return Object.hasOwn(failed, field);
}

function listItems(
  value: unknown,
  field: string,
  failed: ReadonlyFieldErrors,
): Array<{ item: unknown; index: number }> | undefined {
  if (value === undefined) return undefined;
  // null clears the list; any other non-array has its schema error already.
  if (!Array.isArray(value) || failedAlready(failed, field)) return [];
  return value
    .map((item, index) => ({ item, index }))
    .filter(({ index }) => !failedAlready(failed, `${field}.${index}`));
}

/** The distinct member ids of the list, each checked; undefined when the list was not sent. */
async function checkMembers(
  q: Kysely<Database>,
  organizationId: string,
  value: unknown,
  failed: ReadonlyFieldErrors,
): Promise<CheckedList> {
  const bag = new ErrorBag();
  const items = listItems(value, 'members', failed);
  if (items === undefined) return { ids: undefined, errors: bag.errors };
  const notMember = (index: number) =>
    bag.add(`members.${index}`, `The selected members.${index} is not a member of this organization.`);
  const indexesById = new Map<number, number[]>();
  for (const { item, index } of items) {
    const id = typeof item === 'string' && /^[0-9]+$/.test(item) ? Number(item) : item;
    if (typeof id !== 'number' || !Number.isInteger(id)) continue;
    // Out of the id range: nothing can match, and the database must not be asked (32-bit ids).
    if (id < 1 || id > MAX_ID) notMember(index);
    else indexesById.set(id, [...(indexesById.get(id) ?? []), index]);
  }
  const known = await existingMemberIds(q, organizationId, [...indexesById.keys()]);
  for (const [id, indexes] of indexesById) if (!known.has(id)) indexes.forEach(notMember);
  return { ids: [...indexesById.keys()].filter((id) => known.has(id)), errors: bag.errors };
}

/** The distinct guest records named by the list, each checked; undefined when the list was not sent. */
async function checkGuests(
  q: Kysely<Database>,
  organizationId: string,
  value: unknown,
  failed: ReadonlyFieldErrors,
): Promise<CheckedList> {
  const bag = new ErrorBag();
  const items = listItems(value, 'guests', failed);
  if (items === undefined) return { ids: undefined, errors: bag.errors };
  const indexesByEmail = new Map<string, number[]>();
  for (const { item, index } of items) {
    if (typeof item !== 'string') continue;
    const email = normalizeEmail(item);
    indexesByEmail.set(email, [...(indexesByEmail.get(email) ?? []), index]);
  }
  const found = new Map(
    (await activeRecordIdsByEmail(q, organizationId, [...indexesByEmail.keys()])).map((r) => [r.email, r.id]),
  );
  for (const [email, indexes] of indexesByEmail) {
    if (found.has(email)) continue;
    for (const index of indexes)
      bag.add(`guests.${index}`, `The selected guests.${index} is not a guest of this organization.`);
  }
  return { ids: [...found.values()], errors: bag.errors };
}

function byGroup<R extends { group_id: string }, V>(rows: R[], value: (row: R) => V): Map<string, V[]> {
  const out = new Map<string, V[]>();
  for (const row of rows) {
    const list = out.get(row.group_id);
    if (list) list.push(value(row));
    else out.set(row.group_id, [value(row)]);
  }
  return out;
}

/**
 * A concurrent create or rename that took the name first fails on the constraint after the check
 * passed; it gets the same answer the check would have given.
 */
async function nameRace<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (uniqueViolation(error) === repo.NAME_CONSTRAINT) throw validationFailed({ name: [NAME_TAKEN] });
    throw error;
  }
}

export function createGroupService({ db }: GroupServiceDeps) {
  async function toGroups(q: Kysely<Database>, organizationId: string, rows: repo.GroupRow[]): Promise<Group[]> {
    const ids = rows.map((r) => r.id);
    const members = byGroup(await repo.membersOf(q, organizationId, ids), (m) => m.user_id);
    const guests = byGroup(await repo.guestsOf(q, ids), (g) => g.email);
    return rows.map((row) => groupRowToGroup(row, members.get(row.id) ?? [], guests.get(row.id) ?? []));
  }

  async function toGroup(q: Kysely<Database>, organizationId: string, row: repo.GroupRow): Promise<Group> {
    const [group] = await toGroups(q, organizationId, [row]);
    if (!group) throw new Error('a group row mapped to nothing');
    return group;
  }

  async function existing(
    q: Kysely<Database>,
    organizationId: string,
    groupId: string,
    lock: boolean,
  ): Promise<repo.GroupRow> {
    // An id of another shape names no group: not found rather than invalid, as for an unknown id.
    assertThat(isHexId(groupId), () => notFound('group'));
    const row = await repo.findGroup(q, organizationId, groupId, lock);
    assertThat(row, () => notFound('group'));
    return row;
  }

  /** The name's failure when another group of the organization has it (not checked when the schema refused it). */
  async function checkName(
    q: Kysely<Database>,
    organizationId: string,
    value: unknown,
    failed: ReadonlyFieldErrors,
    exceptId?: string,
  ): Promise<ReadonlyFieldErrors> {
    if (typeof value !== 'string' || failedAlready(failed, 'name')) return NO_FIELD_ERRORS;
    return (await repo.nameTaken(q, organizationId, repo.nameKey(value), exceptId))
      ? { name: [NAME_TAKEN] }
      : NO_FIELD_ERRORS;
  }

  return {
    async list(actor: Actor, query: ListGroupsQuery) {
      const { page, perPage } = pageRequest(query, DEFAULT_GROUP_PER_PAGE);
      const sort = query.sort ?? query.sort_by ?? 'name';
      const order = { key: sort.replace(/^-/, '') as GroupSortKey, descending: sort.startsWith('-') };
      const filter = { organizationId: actor.organizationId, q: query.q };
      const total = await repo.countGroups(db, filter);
      const rows = await repo.listGroups(db, filter, order, { limit: perPage, offset: (page - 1) * perPage });
      return { groups: await toGroups(db, actor.organizationId, rows), total, page, perPage };
    },

    async get(actor: Actor, groupId: string): Promise<Group> {
      return toGroup(db, actor.organizationId, await existing(db, actor.organizationId, groupId, false));
    },

    /**
     * `schemaFailures` are the body's failures of its schema: they are answered together with
     * the name's, the members' and the guests' in one 422.
     */
    async create(
      actor: Actor,
      input: UncheckedFields<CreateGroupBody>,
      schemaFailures: ReadonlyFieldErrors,
    ): Promise<Group> {
      const organizationId = actor.organizationId;
      return nameRace(
        db.transaction().execute(async (trx) => {
          const name = await checkName(trx, organizationId, input.name, schemaFailures);
          const members = await checkMembers(trx, organizationId, input.members, schemaFailures);
          const guests = await checkGuests(trx, organizationId, input.guests, schemaFailures);
          collectFieldErrors(schemaFailures, name, members.errors, guests.errors).throwIfAny();
          // No failure of the schema or of the checks: the body is what the schema describes.
          const body = input as CreateGroupBody;
          const at = now();
          const row: repo.GroupRow = {
            id: newHexId(),
            organization_id: organizationId,
            name: body.name,
            name_key: repo.nameKey(body.name),
            description: body.description ?? null,
            created_by: actor.userId,
            created_at: at,
            updated_at: at,
          };
          await repo.insertGroup(trx, row);
          await repo.replaceMembers(trx, row.id, members.ids ?? []);
          await repo.replaceGuests(trx, row.id, guests.ids ?? []);
          return toGroup(trx, organizationId, row);
        }),
      );
    },

    /** Partial: keys not sent stay as they are; a list sent replaces the whole list. `schemaFailures` as for create. */
    async update(
      actor: Actor,
      groupId: string,
      input: UncheckedFields<UpdateGroupBody>,
      schemaFailures: ReadonlyFieldErrors,
    ): Promise<Group> {
      const organizationId = actor.organizationId;
      return nameRace(
        db.transaction().execute(async (trx) => {
          const group = await existing(trx, organizationId, groupId, true);
          const name = await checkName(trx, organizationId, input.name, schemaFailures, group.id);
          const members = await checkMembers(trx, organizationId, input.members, schemaFailures);
          const guests = await checkGuests(trx, organizationId, input.guests, schemaFailures);
          collectFieldErrors(schemaFailures, name, members.errors, guests.errors).throwIfAny();
          // No failure of the schema or of the checks: the body is what the schema describes.
          const body = input as UpdateGroupBody;
          const changes: Parameters<typeof repo.updateGroup>[2] = { updated_at: now() };
          if (body.name !== undefined) Object.assign(changes, { name: body.name, name_key: repo.nameKey(body.name) });
          if ('description' in body) changes.description = body.description ?? null;
          await repo.updateGroup(trx, group.id, changes);
          if (members.ids !== undefined) await repo.replaceMembers(trx, group.id, members.ids);
          if (guests.ids !== undefined) await repo.replaceGuests(trx, group.id, guests.ids);
          return toGroup(trx, organizationId, { ...group, ...changes });
        }),
      );
    },

    async remove(actor: Actor, groupId: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const group = await existing(trx, actor.organizationId, groupId, true);
        await repo.deleteGroup(trx, group.id);
      });
    },
  };
}
