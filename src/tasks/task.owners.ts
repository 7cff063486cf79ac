/**
 * A task's owners (docs/tasks.md, Create task): active members, guests (existing ones, or new ones
 * joined by exactly the create-guest rules, invite cap included), and groups, whose current
 * members and guests become owners too. Checked before the transaction, so every failing field is
 * answered at once; joined inside it, so a refusal writes nothing.
 */
import { isHexId } from '../core/secrets.js';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { Actor } from '../core/actor.js';
import { ErrorBag, type FieldErrors } from '../core/errors.js';
import { MAX_ID } from '../core/limits.js';
import type { ReadonlyFieldErrors } from '../core/validation.js';
import { normalizeEmail, parseEmailAddress } from '../email/parse.js';
import type { GuestRecord } from '../guests/guest.repository.js';
import type { GuestService } from '../guests/guest.service.js';
import {
  checkNewGuestEmail,
  membersInDatabase,
  type EmailRules,
  type MemberLookups,
} from '../guests/guest.validation.js';
import * as repo from './task-owners.repository.js';

/** The owners a body asks for, checked: what is left to do inside the transaction. */
export interface CheckedOwners {
  userIds: number[];
  /** Active guest records of the organization named by email. */
  guestIds: number[];
  /** Emails that are not guests of the organization yet: joined in the transaction. */
  newEmails: string[];
  groupIds: string[];
}

function failed(failures: ReadonlyFieldErrors, field: string): boolean {
  return Object.keys(failures).some((f) => f === 'owners' || f === field || f.startsWith(`${field}.`));
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Checks the owners of a body; the failures are keyed `owners.users`, `owners.guests`,
 * `owners.groups`, in that order. The three kinds are looked up at once (on PostgreSQL, their
 * reads go out together rather than one round trip after another), the guests' in one statement
 * (their records, and which new addresses are members' emails). With `organizationName`, that
 * statement also reads the organization's name when the body names guests (for the emails of new
 * ones).
 */
export async function checkOwners(
  rules: EmailRules,
  organizationId: string,
  input: unknown,
  failures: ReadonlyFieldErrors,
  options: { organizationName?: boolean } = {},
): Promise<{ owners: CheckedOwners; errors: FieldErrors; organizationName: string | undefined }> {
  const owners: CheckedOwners = { userIds: [], guestIds: [], newEmails: [], groupIds: [] };
  let organizationName: string | undefined;
  const body = (input !== null && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  // Each kind's messages, added to the answer in the kinds' order whichever lookup ends first.
  const messages = { 'owners.users': [] as string[], 'owners.guests': [] as string[], 'owners.groups': [] as string[] };

  const users = async () => {
    if (failed(failures, 'owners.users')) return;
    const ids = [...new Set(listOf(body.users).map((v) => (typeof v === 'string' ? Number(v) : (v as number))))];
    const inRange = ids.filter((id) => Number.isSafeInteger(id) && id >= 1 && id <= MAX_ID);
    const known = await repo.activeMemberIds(rules.db, organizationId, inRange);
    const bad = ids.filter((id) => !known.has(id));
    if (bad.length > 0)
      messages['owners.users'].push(`These are not active members of this organization: ${bad.join(', ')}.`);
    owners.userIds = ids.filter((id) => known.has(id));
  };

  const guests = async () => {
    if (failed(failures, 'owners.guests')) return;
    const inputs = listOf(body.guests);
    if (inputs.length === 0) return;
    const emails = [...new Set(inputs.map((v) => normalizeEmail(String(v))))];
    // The member check of the create-guest rules asks about the address as they parse it.
    const parsed = inputs.map((v) => (typeof v === 'string' ? parseEmailAddress(v) : undefined));
    const facts = await repo.guestOwnerFacts(
      rules.db,
      organizationId,
      emails,
      [...new Set(parsed.flatMap((p) => (p?.ok ? [p.email] : [])))],
      options.organizationName === true,
    );
    organizationName = facts.organizationName;
    const existing = facts.records;
    owners.guestIds = [...existing.values()];
    // Every other address becomes a guest by the create-guest rules: the same checks, the same
    // messages, with the members' emails as the statement above read them.
    const members: MemberLookups = {
      isMemberEmail: async (_organizationId, email) => facts.memberEmails.has(email),
      memberIdsAmong: (id, ids) => membersInDatabase(rules.db).memberIdsAmong(id, ids),
    };
    const others = inputs.filter((v) => !existing.has(normalizeEmail(String(v))));
    const checked = await Promise.all(
      others.map((email) => checkNewGuestEmail({ ...rules, members }, organizationId, email, {}, 'email')),
    );
    const fresh = new Set<string>();
    for (const result of checked) {
      if (result.error !== undefined) messages['owners.guests'].push(result.error);
      else if (result.email !== undefined && !existing.has(result.email)) fresh.add(result.email);
    }
    owners.newEmails = [...fresh];
  };

  const groups = async () => {
    if (failed(failures, 'owners.groups')) return;
    const ids = [...new Set(listOf(body.groups).map(String))];
    const known = await repo.groupIdsOf(
      rules.db,
      organizationId,
      ids.filter((id) => isHexId(id)),
    );
    const bad = ids.filter((id) => !known.has(id));
    if (bad.length > 0) messages['owners.groups'].push(`These are not groups of this organization: ${bad.join(', ')}.`);
    owners.groupIds = ids.filter((id) => known.has(id));
  };

  await Promise.all([users(), guests(), groups()]);
  const bag = new ErrorBag();
  for (const [field, list] of Object.entries(messages)) for (const message of list) bag.add(field, message);
  return { owners, errors: bag.errors, organizationName };
}

/**
 * The owners to store, inside the transaction: new guests joined, groups' people added, and
 * `creator` added when no member would own the task (a task with a guest always has a member who
 * answers for it). `invites` is how many guests were newly joined: the caller counts them against
 * the invite cap as the last step of the same transaction, so a refusal rolls the whole write back
 * while the cap's row stays locked only for that last step. `joined` holds the records of the
 * guests joined here, as the transaction wrote them (their assignment emails need no read back).
 */
export async function settleOwners(
  trx: Transaction<Database>,
  guests: Pick<GuestService, 'joinIn'>,
  actor: Actor,
  checked: CheckedOwners,
  creator: number,
): Promise<repo.TaskOwnerIds & { invites: number; joined: Map<number, GuestRecord> }> {
  // joinIn answers the guest's active record: new, re-joined, or the one a concurrent request made.
  const joined = new Map<number, GuestRecord>();
  let invites = 0;
  for (const email of checked.newEmails) {
    const outcome = await guests.joinIn(trx, actor, email, {}, false);
    if (outcome.created) invites += 1;
    joined.set(outcome.recordId, outcome.record);
  }
  const fromGroups = await repo.groupsPeople(trx, actor.organizationId, checked.groupIds);
  const userIds = new Set([...checked.userIds, ...fromGroups.userIds]);
  if (userIds.size === 0) userIds.add(creator);
  return {
    userIds: [...userIds],
    guestIds: [...new Set([...checked.guestIds, ...joined.keys(), ...fromGroups.guestIds])],
    groupIds: checked.groupIds,
    invites,
    joined,
  };
}

/** The creator rule when owners are kept: the creator if still an active member, else whoever acts. */
export async function creatorOf(db: Kysely<Database>, actor: Actor, createdBy: number | null): Promise<number> {
  if (createdBy === null) return actor.userId;
  const known = await repo.activeMemberIds(db, actor.organizationId, [createdBy]);
  return known.has(createdBy) ? createdBy : actor.userId;
}
