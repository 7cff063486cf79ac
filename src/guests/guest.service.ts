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
import { guestRowToGuest } from './guest.mapper.js';
import { activeRecord, removeRecord } from './guest.records.js';
import type { GuestLinks } from './guest-code.js';
import { statsForRecords } from './guest-stats.js';
import {
  PROFILE_FIELDS,
  type CreateGuestBody,
  type Guest,
  type ListGuestsQuery,
  type ProfileField,
  type SortKey,
  type UpdateGuestBody,
} from './guest.schemas.js';
import { checkAssociatedMembers, checkNewGuestEmail, type EmailRules } from './guest.validation.js';
import { normalizeEmail } from '../email/parse.js';
import { DEFAULT_PER_PAGE } from '../core/limits.js';
import { pageRequest } from '../core/paging.js';
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
}

const JSON_FIELDS = new Set<ProfileField>(['associated_members', 'cadence_days']);

/** The profile columns from a body: only the keys present; JSON arrays stored as text. */
function profileColumns(body: Partial<Record<ProfileField, unknown>>): OrganizationGuestUpdate {
  const out: Record<string, unknown> = {};
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

/** Every profile column null, then the body's values: a new or re-joined guest starts fresh. */
function freshProfile(body: Partial<Record<ProfileField, unknown>>): OrganizationGuestUpdate {
  const blank = Object.fromEntries(PROFILE_FIELDS.map((f) => [f, null]));
  return { ...blank, ...profileColumns(body) } as OrganizationGuestUpdate;
}

export function createGuestService(deps: GuestServiceDeps) {
  const { db } = deps;
  const toGuest = (actor: Actor, row: repo.GuestRecord): Guest =>
    guestRowToGuest(row, { links: deps.links, role: actor.role });
  /** The page's guests, with their stats when asked: one statement for the stats of the whole page. */
  async function withStatsIf(actor: Actor, rows: repo.GuestRecord[], withStats: boolean): Promise<Guest[]> {
    const stats = withStats
      ? await statsForRecords(
          db,
          actor.organizationId,
          rows.map((r) => r.id),
        )
      : undefined;
    return rows.map((row) => guestRowToGuest(row, { links: deps.links, role: actor.role }, stats?.get(row.id)));
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

  /**
   * Joins the guest with `email` to the organization within `trx`; `created` is false when already
   * a guest. `countInvite` false: a member turned guest is no new invitation (docs/guests.md,
   * Convert member to guest).
   */
  async function joinIn(
    trx: Transaction<Database>,
    actor: Actor,
    email: string,
    body: Partial<Record<ProfileField, unknown>>,
    countInvite = true,
  ): Promise<{ guest: Guest; created: boolean; recordId: number }> {
    const at = now();
    const global = await repo.ensureGlobalGuest(trx, email, at);
    const fresh = {
      ...freshProfile(body),
      ...deps.links.codes.fresh(),
      created_at: at,
      updated_at: at,
      deleted_at: null,
    };
    const inserted = await repo.insertRecord(trx, {
      ...fresh,
      organization_id: actor.organizationId,
      guest_id: global.id,
    } as Parameters<typeof repo.insertRecord>[1]);
    if (inserted) {
      if (countInvite) await consumeInvite(trx, actor.organizationId);
      return { guest: toGuest(actor, { ...inserted, email }), created: true, recordId: inserted.id };
    }
    const existing = await repo.findRecordByEmail(trx, actor.organizationId, email);
    if (!existing) throw new Error(`the record of guest ${global.id} vanished inside its transaction`);
    if (existing.deleted_at === null) return { guest: toGuest(actor, existing), created: false, recordId: existing.id };
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
      const current = await repo.findRecordByEmail(trx, actor.organizationId, email);
      return { guest: toGuest(actor, current ?? existing), created: false, recordId: existing.id };
    }
    if (countInvite) await consumeInvite(trx, actor.organizationId);
    return { guest: toGuest(actor, { ...revived, email }), created: true, recordId: revived.id };
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
      const [email, members] = await Promise.all([
        checkNewGuestEmail({ db, emailChecker }, actor.organizationId, body.email, schemaFailures),
        checkAssociatedMembers(db, actor.organizationId, body.associated_members, schemaFailures),
      ]);
      collectFieldErrors(
        schemaFailures,
        email.error === undefined ? NO_FIELD_ERRORS : { email: [email.error] },
        members,
      ).throwIfAny();
      // Creates arriving together share a commit on SQLite (bulk syncs, concurrent clients).
      return inGroupCommit(db, (trx) => joinIn(trx, actor, email.email as string, body));
    },

    joinIn,

    /**
     * Counts one invite against the hourly cap within `trx` (429 past it). For writes that join
     * guests with `countInvite` false and count them last, so the window's row is locked only
     * for the end of their transaction.
     */
    consumeInvite,

    /** Get guest: one guest of the organization. */
    async get(actor: Actor, email: string, withStats: boolean): Promise<Guest> {
      const [guest] = await withStatsIf(actor, [await activeRecord(db, actor.organizationId, email)], withStats);
      return guest as Guest;
    },

    /** Update guest: partial update of the organization's profile of the guest; `schemaFailures` as for create. */
    async update(
      actor: Actor,
      pathEmail: string,
      body: UncheckedFields<UpdateGuestBody>,
      schemaFailures: ReadonlyFieldErrors,
    ): Promise<Guest> {
      const record = await activeRecord(db, actor.organizationId, pathEmail);
      const bag = collectFieldErrors(schemaFailures);
      if (typeof body.email === 'string' && !bag.has('email') && normalizeEmail(body.email) !== record.email) {
        bag.add('email', 'The email cannot be changed; remove the guest and create one with the new email.');
      }
      const members = await checkAssociatedMembers(db, actor.organizationId, body.associated_members, bag.errors);
      collectFieldErrors(bag.errors, members).throwIfAny();
      const changes = profileColumns(body);
      // One conditional statement; on SQLite it shares a commit with the writes arriving with it.
      const updated = await inGroupCommit(db, (trx) =>
        repo.updateRecordIn(trx, 'active', record.id, { ...changes, updated_at: now() }),
      );
      assertThat(updated, () => notFound('guest'));
      return toGuest(actor, { ...updated, email: record.email });
    },

    /** Remove guest: from this organization; the global identity goes when no organization has it. */
    async remove(actor: Actor, pathEmail: string): Promise<Guest> {
      // Tallyfy documents a 422 on the email for an address that is not a guest of the organization.
      const notAGuest = () => validationFailed({ email: ['The email is not a guest of this organization.'] });
      return db.transaction().execute(async (trx) => {
        const record = await repo.findRecordByEmail(trx, actor.organizationId, normalizeEmail(pathEmail));
        assertThat(record && record.deleted_at === null, notAGuest);
        const removed = await removeRecord(trx, record, now());
        assertThat(removed, notAGuest);
        return toGuest(actor, removed);
      });
    },

    /** List guests: one page of guests, with the numbers for the pagination block. */
    async list(actor: Actor, query: ListGuestsQuery) {
      const filter = { organizationId: actor.organizationId, q: query.q };
      const order = sortOrder(query);
      const { page, perPage } = pageRequest(query, DEFAULT_PER_PAGE);
      const [total, rows] = await Promise.all([
        repo.countRecords(db, filter),
        repo.listPage(db, filter, order, { limit: perPage, offset: (page - 1) * perPage }),
      ]);
      return {
        guests: await withStatsIf(actor, rows, query.with === 'stats'),
        total,
        perPage,
        page,
      };
    },

    /**
     * Every guest in order, in chunks: the ids are read once (a consistent order, a few bytes a
     * guest), then the rows chunk by chunk, so memory stays bounded however many guests there are
     * and no connection is held while a slow client reads.
     */
    async *listAll(actor: Actor, query: ListGuestsQuery, chunkSize = 500): AsyncGenerator<Guest[], void, undefined> {
      const ids = await repo.listRecordIds(db, { organizationId: actor.organizationId, q: query.q }, sortOrder(query));
      for (let i = 0; i < ids.length; i += chunkSize) {
        const rows = (await repo.findRecordsByIds(db, ids.slice(i, i + chunkSize))).filter(
          (r) => r.deleted_at === null,
        );
        yield await withStatsIf(actor, rows, query.with === 'stats');
      }
    },
  };
}

export type GuestService = ReturnType<typeof createGuestService>;

function sortOrder(query: ListGuestsQuery): repo.ListOrder {
  const raw = query.sort ?? query.sort_by ?? 'created_at';
  const descending = raw.startsWith('-');
  return { key: (descending ? raw.slice(1) : raw) as SortKey, descending };
}
