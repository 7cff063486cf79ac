/**
 * Guest rules of docs/guests.md, Create guest to Remove guest: create (idempotent on email, one
 * global identity, the invite cap), list, get, update, remove. The service owns the transactions;
 * every rule that must not race is held by a constraint or a conditional write, not by
 * read-then-write.
 */
import type { Transaction } from 'kysely';
import type { Database, OrganizationGuestUpdate } from '../db/types.js';
import { inGroupCommit } from '../db/group-commit.js';
import { AppError, assertThat, notFound, validationFailed } from '../core/errors.js';
import { hourWindow, now } from '../core/time.js';
import * as repo from './guest.repository.js';
import { guestJsonWriter, guestRowToGuest } from './guest.mapper.js';
import { activeRecord, lockedActiveRecord, removeRecord } from './guest.records.js';
import { checkIfMatch, type ConditionHeader } from './guest-etag.js';
import type { GuestLinks } from './guest-code.js';
import { statsForRecords } from './guest-stats.js';
import { createGuestListing } from './guest-list.js';
import type { Slots } from '../core/slots.js';
import type { SqliteReader } from '../db/sqlite-reader.js';
import type { GuestListPositions } from './guest-list-positions.js';
import type { GuestListCache } from './guest-list-cache.js';
import {
  PROFILE_FIELDS,
  type CreateGuestBody,
  type Guest,
  type ProfileField,
  type UpdateGuestBody,
} from './guest.schemas.js';
import {
  checkAssociatedMembers,
  checkNewGuestEmail,
  membersInDatabase,
  type EmailRules,
  type MemberLookups,
} from './guest.validation.js';
import { normalizeEmail, parseEmailAddress } from '../email/parse.js';
import { kindOf } from '../db/database.js';
import { joinAtOnce, type JoinValues } from './guest-join-at-once.js';
import { updateAtOnce } from './guest-update-at-once.js';
import { type Actor } from '../core/actor.js';
import {
  type UncheckedFields,
  NO_FIELD_ERRORS,
  collectFieldErrors,
  type ReadonlyFieldErrors,
} from '../core/validation.js';

export interface GuestServiceDeps extends EmailRules {
  /** The public base and the keys guest links are written with. */
  links: GuestLinks;
  /** New guests per organization per hour; 0 = no cap. */
  inviteLimitPerHour: number;
  /** Pages of List guests kept for the version they were read at (guest-list-cache.ts); none when absent. */
  listCache?: GuestListCache;
  /** Where numbered pages start, learned from the pages read (guest-list-positions.ts); none when absent. */
  listPositions?: GuestListPositions;
  /** The places for searches of the list (SEARCH_CONCURRENCY, src/core/slots.ts); unbounded when absent. */
  listSearches?: Slots;
  /** Where searches of the list read on a SQLite file, off the server's thread (db/sqlite-reader.ts); the server's connection when absent. */
  searchReader?: SqliteReader;
}

const JSON_FIELDS = new Set<ProfileField>(['associated_members', 'cadence_days']);

/** Writes the profile columns of a body into `out`: only the keys present; JSON arrays stored as text. */
function writeProfile(
  out: Record<string, unknown>,
  body: Partial<Record<ProfileField, unknown>>,
): OrganizationGuestUpdate {
  for (const field of PROFILE_FIELDS) {
    if (!(field in body)) continue;
    const value = body[field] ?? null;
    out[field] =
      JSON_FIELDS.has(field) && value !== null
        ? Array.isArray(value) && value.length === 0
          ? null
          : JSON.stringify(value)
        : value;
  }
  return out as OrganizationGuestUpdate;
}

/** The profile columns from a body: only the keys present; JSON arrays stored as text. */
function profileColumns(body: Partial<Record<ProfileField, unknown>>): OrganizationGuestUpdate {
  return writeProfile({}, body);
}

/**
 * The associated members a body names (none when it names none), for the one-statement writes;
 * undefined when they are not distinct integers, which only the general path answers (its 422).
 */
function distinctMemberIds(input: unknown): number[] | undefined {
  const members: unknown = input ?? [];
  if (!Array.isArray(members) || !members.every((id) => Number.isSafeInteger(id))) return undefined;
  const ids = members as number[];
  return new Set(ids).size === ids.length ? ids : undefined;
}

/** Every profile column null. */
const BLANK_PROFILE: Readonly<Record<ProfileField, null>> = Object.freeze(
  Object.fromEntries(PROFILE_FIELDS.map((f) => [f, null])) as Record<ProfileField, null>,
);

/** Every profile column null, then the body's values: a new or re-joined guest starts fresh. */
function freshProfile(body: Partial<Record<ProfileField, unknown>>): OrganizationGuestUpdate {
  // One object written in place: a batch of 1,000 creates makes 1,000 of these.
  return writeProfile({ ...BLANK_PROFILE }, body);
}

export function createGuestService(deps: GuestServiceDeps) {
  const { db } = deps;
  const toGuest = (actor: Actor, row: repo.GuestRecord): Guest =>
    guestRowToGuest(row, { links: deps.links, role: actor.role });
  /** The stats of the page's records when asked: one statement for the whole page. */
  function statsIf(actor: Actor, rows: repo.GuestRecord[], withStats: boolean) {
    if (!withStats) return Promise.resolve(undefined);
    return statsForRecords(
      db,
      actor.organizationId,
      rows.map((r) => r.id),
    );
  }
  /** The page's guests, with their stats when asked. */
  async function withStatsIf(actor: Actor, rows: repo.GuestRecord[], withStats: boolean): Promise<Guest[]> {
    const stats = await statsIf(actor, rows, withStats);
    return rows.map((row) => guestRowToGuest(row, { links: deps.links, role: actor.role }, stats?.get(row.id)));
  }

  /** The JSON text of the page's guests (an array), with their stats when asked: written once, straight from the rows. */
  async function pageJson(actor: Actor, rows: repo.GuestRecord[], withStats: boolean): Promise<string> {
    const stats = await statsIf(actor, rows, withStats);
    const write = guestJsonWriter({ links: deps.links, role: actor.role });
    let json = '[';
    for (let i = 0; i < rows.length; i += 1) {
      const row = rows[i] as repo.GuestRecord;
      json += (i === 0 ? '' : ',') + write(row, stats?.get(row.id));
    }
    return `${json}]`;
  }

  async function consumeInvite(trx: Transaction<Database>, organizationId: string): Promise<void> {
    if (deps.inviteLimitPerHour === 0) return;
    const window = hourWindow(new Date());
    const ok = await repo.consumeInvite(trx, organizationId, window.start, deps.inviteLimitPerHour);
    if (!ok) {
      throw new AppError(
        'RATE_LIMIT_EXCEEDED',
        `This organization has invited ${deps.inviteLimitPerHour} guests this hour, the most allowed; try again later.`,
        { headers: { 'retry-after': String(window.secondsLeft) } },
      );
    }
  }

  /** A new or re-joined record's columns at `at` (without its organization and guest): the body's profile and a new code. */
  function freshRecord(body: Partial<Record<ProfileField, unknown>>, at: string) {
    return Object.assign(freshProfile(body), deps.links.codes.fresh(), {
      created_at: at,
      updated_at: at,
      deleted_at: null,
    });
  }

  /**
   * Create guest's checks of a body beyond its schema (the email, the associated members), with
   * the schema's failures, all in one 422; the normalized email when every check passes. `members`
   * is where members are looked up (an import's batch reads them for all its rows at once).
   */
  async function check(
    actor: Actor,
    body: UncheckedFields<CreateGuestBody>,
    schemaFailures: ReadonlyFieldErrors,
    emailChecker = deps.emailChecker,
    members: MemberLookups = membersInDatabase(db),
  ): Promise<string> {
    const [email, memberErrors] = await Promise.all([
      checkNewGuestEmail({ db, emailChecker, members }, actor.organizationId, body.email, schemaFailures),
      checkAssociatedMembers(db, actor.organizationId, body.associated_members, schemaFailures, members),
    ]);
    collectFieldErrors(
      schemaFailures,
      email.error === undefined ? NO_FIELD_ERRORS : { email: [email.error] },
      memberErrors,
    ).throwIfAny();
    return email.email as string;
  }

  /**
   * Joins the guest with `email` to the organization within `trx`; `created` is false when already
   * a guest. `record` is the guest's record as this transaction wrote or read it. `countInvite`
   * false: a member turned guest is no new invitation (docs/guests.md, Convert member to guest).
   */
  async function joinIn(
    trx: Transaction<Database>,
    actor: Actor,
    email: string,
    body: Partial<Record<ProfileField, unknown>>,
    countInvite = true,
  ): Promise<{ guest: Guest; created: boolean; recordId: number; record: repo.GuestRecord }> {
    const at = now();
    const global = await repo.ensureGlobalGuest(trx, email, at);
    const fresh = freshRecord(body, at);
    const inserted = await repo.insertRecord(trx, {
      ...fresh,
      organization_id: actor.organizationId,
      guest_id: global.id,
    } as Parameters<typeof repo.insertRecord>[1]);
    if (inserted) {
      if (countInvite) await consumeInvite(trx, actor.organizationId);
      const record = { ...inserted, email };
      return { guest: toGuest(actor, record), created: true, recordId: inserted.id, record };
    }
    const existing = await repo.findRecordByEmail(trx, actor.organizationId, email);
    if (!existing) throw new Error(`the record of guest ${global.id} vanished inside its transaction`);
    if (existing.deleted_at === null)
      return { guest: toGuest(actor, existing), created: false, recordId: existing.id, record: existing };
    const revived = await repo.updateRecordIn(trx, 'removed', existing.id, {
      ...fresh,
      disabled_at: null,
      disabled_by: null,
      reactivated_at: null,
      reactivated_by: null,
      last_accessed_at: null,
      last_known_ip: null,
      last_known_country: null,
      last_city: null,
    });
    if (!revived) {
      // Re-joined by a concurrent request a moment ago: answer as the idempotent case.
      const record = (await repo.findRecordByEmail(trx, actor.organizationId, email)) ?? existing;
      return { guest: toGuest(actor, record), created: false, recordId: existing.id, record };
    }
    if (countInvite) await consumeInvite(trx, actor.organizationId);
    const record = { ...revived, email };
    return { guest: toGuest(actor, record), created: true, recordId: revived.id, record };
  }

  // PostgreSQL joins a new guest, and updates an active one, in one statement; SQLite's statements
  // are in-process and its group commit already shares one commit among the writes arriving together.
  const atOnce = kindOf(db) === 'postgres';

  /**
   * Create guest in one statement (guest-join-at-once.ts) of an email new to the organization,
   * or of its active guest (the idempotent answer); undefined when the general path must answer
   * (any failed check, a removed guest, a concurrent write): nothing is written then. Only a body whose
   * every field passed its schema, whose email parses and whose domain takes mail is tried: the
   * general path answers the others with their 422.
   */
  async function joinNewAtOnce(
    actor: Actor,
    body: UncheckedFields<CreateGuestBody>,
    schemaFailures: ReadonlyFieldErrors,
    emailChecker: EmailRules['emailChecker'],
  ): ReturnType<typeof joinAtOnce> {
    if (Object.keys(schemaFailures).length > 0 || typeof body.email !== 'string') return undefined;
    const memberIds = distinctMemberIds(body.associated_members);
    if (!memberIds) return undefined;
    const parsed = parseEmailAddress(body.email);
    if (!parsed.ok || !(await emailChecker.checkDomain(parsed.domain)).ok) return undefined;
    const values = {
      ...freshRecord(body as Partial<Record<ProfileField, unknown>>, now()),
      organization_id: actor.organizationId,
    };
    return joinAtOnce(db, {
      email: parsed.email,
      values: values as JoinValues,
      memberIds,
      cap: deps.inviteLimitPerHour,
    });
  }

  /**
   * Update guest in one statement (guest-update-at-once.ts) of an active guest, without If-Match;
   * undefined when the general path must answer (nothing was written then). Only a body whose every
   * field passed its schema, whose email (when sent) is the guest's and whose associated members
   * are distinct is tried: the general path answers the others with their 422.
   */
  async function updateActiveAtOnce(
    actor: Actor,
    pathEmail: string,
    body: UncheckedFields<UpdateGuestBody>,
    schemaFailures: ReadonlyFieldErrors,
  ): Promise<Guest | undefined> {
    if (Object.keys(schemaFailures).length > 0) return undefined;
    const email = normalizeEmail(pathEmail);
    if (typeof body.email === 'string' && normalizeEmail(body.email) !== email) return undefined;
    const memberIds = distinctMemberIds(body.associated_members);
    if (!memberIds) return undefined;
    const updated = await updateAtOnce(db, {
      organizationId: actor.organizationId,
      email,
      changes: profileColumns(body),
      memberIds,
      updatedAt: now(),
    });
    return updated && toGuest(actor, updated);
  }

  return {
    /**
     * Create guest: create or join. `schemaFailures` are the body's failures of its schema: they
     * are answered together with the email's and the associated members' in one 422.
     */
    async create(
      actor: Actor,
      body: UncheckedFields<CreateGuestBody>,
      schemaFailures: ReadonlyFieldErrors,
      emailChecker = deps.emailChecker,
    ): Promise<{ guest: Guest; created: boolean; recordId: number }> {
      const joined = atOnce && (await joinNewAtOnce(actor, body, schemaFailures, emailChecker));
      if (joined) return { guest: toGuest(actor, joined.record), created: joined.created, recordId: joined.record.id };
      const email = await check(actor, body, schemaFailures, emailChecker);
      // Creates arriving together share a commit on SQLite (bulk syncs, concurrent clients).
      return inGroupCommit(db, (trx) => joinIn(trx, actor, email, body));
    },

    check,
    joinIn,
    freshRecord,
    /** A record as the actor's answer shows it. */
    toGuest,

    /**
     * Counts one invite against the hourly cap within `trx` (429 past it). For writes that join
     * guests with `countInvite` false and count them last, so the window's row is locked only
     * for the end of their transaction.
     */
    consumeInvite,

    /** Get guest: one guest of the organization, as its answer's JSON text (written once, straight from the row, as a list page's guests are). */
    async getJson(actor: Actor, email: string, withStats: boolean): Promise<string> {
      const row = await activeRecord(db, actor.organizationId, email);
      const stats = await statsIf(actor, [row], withStats);
      return guestJsonWriter({ links: deps.links, role: actor.role })(row, stats?.get(row.id));
    },

    /**
     * Update guest: partial update of the organization's profile of the guest; `schemaFailures` as
     * for create. `ifMatch` is checked in the write's transaction (docs/guests.md, ETags and preconditions).
     */
    async update(
      actor: Actor,
      pathEmail: string,
      body: UncheckedFields<UpdateGuestBody>,
      schemaFailures: ReadonlyFieldErrors,
      ifMatch?: ConditionHeader,
    ): Promise<Guest> {
      const updatedAtOnce =
        atOnce && ifMatch === undefined && (await updateActiveAtOnce(actor, pathEmail, body, schemaFailures));
      if (updatedAtOnce) return updatedAtOnce;
      const record = await activeRecord(db, actor.organizationId, pathEmail);
      const bag = collectFieldErrors(schemaFailures);
      if (typeof body.email === 'string' && !bag.has('email') && normalizeEmail(body.email) !== record.email) {
        bag.add('email', 'The email cannot be changed; remove the guest and create one with the new email.');
      }
      const members = await checkAssociatedMembers(db, actor.organizationId, body.associated_members, bag.errors);
      collectFieldErrors(bag.errors, members).throwIfAny();
      const changes = profileColumns(body);
      // One conditional statement; on SQLite it shares a commit with the writes arriving with it.
      const updated = await inGroupCommit(db, async (trx) => {
        if (ifMatch !== undefined) {
          const locked = await lockedActiveRecord(trx, actor.organizationId, record.email);
          assertThat(locked.id === record.id, () => notFound('guest'));
          checkIfMatch(ifMatch, toGuest(actor, locked));
        }
        return repo.updateRecordIn(trx, 'active', record.id, { ...changes, updated_at: now() });
      });
      assertThat(updated, () => notFound('guest'));
      return toGuest(actor, { ...updated, email: record.email });
    },

    /** Remove guest: from this organization; the global identity goes when no organization has it. */
    async remove(actor: Actor, pathEmail: string, ifMatch?: ConditionHeader): Promise<Guest> {
      // Tallyfy documents a 422 on the email for an address that is not a guest of the organization.
      const notAGuest = () => validationFailed({ email: ['The email is not a guest of this organization.'] });
      return db.transaction().execute(async (trx) => {
        const record = await repo.findRecordByEmail(trx, actor.organizationId, normalizeEmail(pathEmail));
        assertThat(record && record.deleted_at === null, notAGuest);
        if (ifMatch !== undefined) {
          const locked = await lockedActiveRecord(trx, actor.organizationId, record.email, notAGuest);
          assertThat(locked.id === record.id, notAGuest);
          checkIfMatch(ifMatch, toGuest(actor, locked));
        }
        const removed = await removeRecord(trx, record, now());
        assertThat(removed, notAGuest);
        return toGuest(actor, removed);
      });
    },

    ...createGuestListing(
      db,
      withStatsIf,
      pageJson,
      deps.listCache,
      deps.listPositions,
      deps.listSearches,
      deps.searchReader,
    ),
  };
}

export type GuestService = ReturnType<typeof createGuestService>;
