/**
 * The guest's side (docs/guest-side.md): the guest code is the credential. A code is looked up by
 * its SHA-256 only (never compared as text), so response times say nothing about valid prefixes;
 * nothing is cached in process, so a disable, removal or new link on any instance takes effect at
 * once.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { AppError, assertThat } from '../core/errors.js';
import type { UncheckedBody } from '../http/request-parts.js';
import { sha256 } from '../core/secrets.js';
import { now } from '../core/time.js';
import type { Weekday } from '../guests/guest.schemas.js';
import * as repo from './portal.repository.js';
import {
  PREFERENCE_DEFAULTS,
  PREFERENCE_SLUGS,
  isPreferenceSlug,
  preferenceValue,
  storedPreferenceValue,
  type PreferenceSlug,
  type PreferenceValue,
} from './preferences.js';
import type { CadenceDaysBody, GuestSideView, Preference, PreferenceBody } from './portal.schemas.js';
import type { GeoLocation } from './geo.js';
import { type UncheckedFields, collectFieldErrors, type ReadonlyFieldErrors } from '../core/validation.js';

/** The guest side's service is wired with the database only: nothing it needs is kept in process. */
export interface PortalServiceDeps {
  db: Kysely<Database>;
}

/**
 * The shape of every guest code the service hands out: URL-safe base64 of at least 160 bits
 * (27 characters). Anything else cannot be a code and is answered without a database query.
 */
const GUEST_CODE = /^[A-Za-z0-9_-]{27,128}$/;

/** True when `code` has the shape of a guest code (it may still open nothing). */
export function isWellFormedGuestCode(code: unknown): code is string {
  return typeof code === 'string' && GUEST_CODE.test(code);
}

/** The one answer for a code that opens nothing, whatever the reason: no hint which. */
export function guestLinkNotFound(): AppError {
  return new AppError('RESOURCE_NOT_FOUND', 'This guest link does not work. Ask the organization for a new one.');
}

/** One of the guest's tasks in this organization, as the guest sees it. */
export interface GuestTask {
  title: string;
  /** UTC, `YYYY-MM-DD HH:MM:SS`; null when the task has no deadline. */
  deadline: string | null;
  /** The task's own page, when it has one. */
  href?: string;
  overdue?: boolean;
  completed?: boolean;
}

/** Everything the guest's page shows. */
export interface GuestPage {
  view: GuestSideView;
  preferences: Record<PreferenceSlug, PreferenceValue>;
  tasks: GuestTask[];
}

/** What the guest's form saves, all at once. */
export interface GuestSettings {
  cadenceDays: Weekday[] | null;
  preferences: Partial<Record<PreferenceSlug, PreferenceValue>>;
}

function jsonDays(value: string | null): string[] | null {
  if (value === null) return null;
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? parsed.map(String) : null;
}

function toView(record: repo.PortalRecord): GuestSideView {
  return {
    guest: {
      id: record.guest_id,
      email: record.email,
      first_name: record.first_name,
      last_name: record.last_name,
      created_at: record.created_at,
      details: {
        company_name: record.company_name,
        phone_1: record.phone_1,
        phone_2: record.phone_2,
        timezone: record.timezone,
        cadence_days: jsonDays(record.cadence_days),
      },
    },
    organization: { id: record.organization_id, name: record.organization_name },
  };
}

/** Every slug in the fixed order, the stored value or the default. */
function allPreferences(rows: repo.PreferenceRow[]): Preference[] {
  const bySlug = new Map(rows.map((row) => [row.slug, row]));
  return PREFERENCE_SLUGS.map((slug) => {
    const row = bySlug.get(slug);
    return row
      ? { slug, value: storedPreferenceValue(slug, row.value), updated_at: row.updated_at }
      : { slug, value: PREFERENCE_DEFAULTS[slug], updated_at: null };
  });
}

/** Weekdays as stored: JSON text, null for none (`[]` clears, as in the admin API). */
function storedDays(days: readonly string[] | null): string | null {
  return days === null || days.length === 0 ? null : JSON.stringify(days);
}

/** The guest side's rules: finding a record by its code, reading and saving what the guest may. */
export function createPortalService({ db }: PortalServiceDeps) {
  async function active(q: Kysely<Database>, code: string, lock = false): Promise<repo.PortalRecord> {
    const record = isWellFormedGuestCode(code) ? await repo.findActiveByCodeHash(q, sha256(code), lock) : undefined;
    assertThat(record, guestLinkNotFound);
    return record;
  }

  /** Runs `work` on the locked, active record in one transaction: all of it is written, or none. */
  function withLockedRecord<T>(
    code: string,
    work: (trx: Kysely<Database>, record: repo.PortalRecord) => Promise<T>,
  ): Promise<T> {
    return db.transaction().execute(async (trx) => work(trx, await active(trx, code, true)));
  }

  async function saveDays(
    trx: Kysely<Database>,
    record: repo.PortalRecord,
    days: readonly string[] | null,
    at: string,
  ): Promise<repo.PortalRecord> {
    const stored = storedDays(days);
    assertThat(await repo.setCadenceDays(trx, record.id, stored, at), guestLinkNotFound);
    return { ...record, cadence_days: stored };
  }

  return {
    /**
     * The guest's page: the record and their preferences. `access` is recorded (time, address,
     * place) unless null (a HEAD request, which shows nothing to a person).
     */
    async open(code: string, access: { ip: string; location: GeoLocation } | null): Promise<GuestPage> {
      const record = await active(db, code);
      if (access) {
        await repo.recordAccess(db, record.id, {
          at: now(),
          ip: access.ip,
          country: access.location.country,
          city: access.location.city,
        });
      }
      const preferences = allPreferences(await repo.listPreferences(db, record.id));
      return {
        view: toView(record),
        preferences: Object.fromEntries(preferences.map((p) => [p.slug, p.value])) as GuestPage['preferences'],
        // Filled by the page from the task rules (docs/guest-side.md, List my tasks): this service
        // knows guest records, not tasks.
        tasks: [],
      };
    },

    /** Who the code opens, as the task rules name a guest (docs/guest-side.md, List my tasks). */
    async guestOf(code: string): Promise<{ organizationId: string; organizationGuestId: number; view: GuestSideView }> {
      const record = await active(db, code);
      return { organizationId: record.organization_id, organizationGuestId: record.id, view: toView(record) };
    },

    /** The guest's profile in this organization and the organization; does not count as an access. */
    async view(code: string): Promise<GuestSideView> {
      return toView(await active(db, code));
    },

    /** `schemaFailures` are the body's failures of its schema: answered only once the code is known to be good. */
    async setCadenceDays(
      code: string,
      body: UncheckedBody<CadenceDaysBody>,
      schemaFailures: ReadonlyFieldErrors,
    ): Promise<GuestSideView> {
      return withLockedRecord(code, async (trx, record) => {
        collectFieldErrors(schemaFailures).throwIfAny();
        // No schema failure: the body is what the schema describes (or absent).
        const days = (body as CadenceDaysBody | null | undefined)?.cadence_days;
        return toView(await saveDays(trx, record, days ?? null, now()));
      });
    },

    async preferences(code: string): Promise<Preference[]> {
      const record = await active(db, code);
      return allPreferences(await repo.listPreferences(db, record.id));
    },

    /**
     * Saves one preference; 422 on `value` when it does not fit the slug's rule. `schemaFailures`
     * are the body's failures of its schema; the code is checked first, so a bad code is 404
     * whatever the body.
     */
    async setPreference(
      code: string,
      body: UncheckedBody<PreferenceBody>,
      schemaFailures: ReadonlyFieldErrors,
    ): Promise<Preference> {
      return withLockedRecord(code, async (trx, record) => {
        const { slug, value } =
          body !== null && typeof body === 'object' && !Array.isArray(body)
            ? (body as UncheckedFields<PreferenceBody>)
            : {};
        const bag = collectFieldErrors(schemaFailures);
        const result = isPreferenceSlug(slug) && !bag.has('value') ? preferenceValue(slug, value) : undefined;
        if (result?.ok === false) bag.add('value', result.message);
        bag.throwIfAny();
        // The schema reported a bad or missing slug above; this only narrows the types.
        if (!isPreferenceSlug(slug) || !result?.ok)
          throw new Error('a preference passed validation without a slug and value');
        const checked = result.value;
        const at = now();
        await repo.upsertPreference(trx, record.id, slug, JSON.stringify(checked), at);
        return { slug, value: checked, updated_at: at };
      });
    },

    /** The page's form: digest days and preferences, in one transaction. */
    async saveSettings(code: string, settings: GuestSettings): Promise<void> {
      await withLockedRecord(code, async (trx, record) => {
        const at = now();
        await saveDays(trx, record, settings.cadenceDays, at);
        for (const [slug, value] of Object.entries(settings.preferences)) {
          await repo.upsertPreference(trx, record.id, slug, JSON.stringify(value), at);
        }
      });
    },
  };
}
