/**
 * Guests for the list tests, inserted straight into the database: many ties and nulls in every
 * sort column, drawn from a seeded generator so that a failure can be run again as it was.
 */
import type { TestContext } from '../../support/app.js';

/** A small deterministic generator, so that a failure can be run again as it was. */
export function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
}

export const NAMES = ['ann', 'Ann', 'ANN', 'bob', 'Émile', 'zoë', 'Zed', '', null, null];
export const TIMES = ['2026-01-01 00:00:00', '2026-01-01 00:00:01', '2026-03-04 05:06:07', null];

/** What a seed may vary: the guests' emails, the creation times drawn from, which are removed. */
export interface SeedOptions {
  email?: (id: number) => string;
  createdAt?: ReadonlyArray<string | null>;
  removed?: (id: number) => boolean;
}

/**
 * Inserts `count` guests straight into the database, with many ties and nulls in every sort
 * column; guest and record ids from `firstId`. Removed ones (`removed`) are in the index of neither
 * end of a list.
 */
export async function seedGuests(
  ctx: TestContext,
  count: number,
  firstId: number,
  options: SeedOptions = {},
): Promise<void> {
  const { email = (id: number) => `seed.${id}@partner.test`, createdAt = TIMES.slice(0, 3), removed } = options;
  const pick = generator(firstId);
  const rows = Array.from({ length: count }, (_, i) => i);
  for (let start = 0; start < count; start += 100) {
    const batch = rows.slice(start, start + 100);
    const ids = batch.map((i) => firstId + i);
    await ctx.db.kysely
      .insertInto('guests')
      .values(
        ids.map((id) => ({
          id,
          email: email(id),
          created_at: '2026-01-01 00:00:00',
          deleted_at: null,
        })),
      )
      .execute();
    await ctx.db.kysely
      .insertInto('organization_guests')
      .values(
        ids.map((id) => ({
          organization_id: ctx.orgId,
          guest_id: id,
          first_name: pick(NAMES),
          last_name: pick(NAMES),
          company_name: pick(NAMES),
          opportunity_name: pick(NAMES),
          status: pick(NAMES),
          last_city: pick(NAMES),
          last_known_country: pick(['US', 'us', 'DE', null]),
          phone_1: pick(['+1 555', '+1 556', null]),
          phone_2: pick(['1', '2', null]),
          timezone: pick(['Europe/Berlin', 'America/Chicago', null]),
          image_url: pick(['https://a.test/x', 'https://b.test/y', null]),
          contact_url: pick(['https://a.test/x', 'https://B.test/y', null]),
          company_url: pick(['https://a.test/x', null]),
          opportunity_url: pick(['https://a.test/x', 'https://a.test/z', null]),
          external_sync_source: pick(['salesforce', null]),
          external_date_creation: pick(TIMES),
          last_known_ip: pick(['10.0.0.1', '10.0.0.10', '192.168.0.1', null]),
          last_accessed_at: pick(TIMES),
          disabled_at: pick(TIMES),
          disabled_by: pick([1, 2, 30, null]),
          reactivated_at: pick(TIMES),
          reactivated_by: pick([1, 7, null]),
          created_at: pick(createdAt) as string,
          updated_at: pick(TIMES.slice(0, 3)) as string,
          deleted_at: removed?.(id) ? '2026-02-02 02:02:02' : null,
        })),
      )
      .execute();
  }
}
