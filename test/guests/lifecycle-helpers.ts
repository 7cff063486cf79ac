/** Shared by the guest lifecycle tests (docs/guests.md): link liveness and direct database reads. */
import assert from 'node:assert/strict';
import { sha256 } from '../../src/core/secrets.js';
import { call, createGuest, guestsUrl, type TestContext } from '../../support/app.js';

export interface GuestData {
  id: number;
  email: string;
  first_name: string | null;
  last_name: string | null;
  created_at: string;
  deleted_at: string | null;
  link: string | null;
  details: Record<string, unknown> & {
    disabled_at: string | null;
    disabled_by: number | null;
    reactivated_at: string | null;
    reactivated_by: number | null;
  };
}

export async function newGuest(...args: Parameters<typeof createGuest>): Promise<GuestData> {
  return (await createGuest(...args)) as unknown as GuestData;
}

/** The guest in a success body. */
export function guestData(response: { json: () => unknown }): GuestData {
  return (response.json() as { data: GuestData }).data;
}

/** Disable guest, by the admin of the test's organization unless told otherwise. */
export function disableGuest(ctx: TestContext, email: string, token = ctx.tokens.admin, orgId = ctx.orgId) {
  return call(ctx, token, 'DELETE', guestsUrl(orgId, email, '/disable'));
}

export const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export function codeOf(link: string | null): string {
  assert.ok(link, 'the guest has a link');
  return link.split('/').pop() as string;
}

/**
 * Whether the guest side would accept this code: it looks the hash up among enabled, active
 * records, as docs/guest-side.md says.
 */
export async function isLive(ctx: TestContext, link: string | null): Promise<boolean> {
  const row = await ctx.db.kysely
    .selectFrom('organization_guests')
    .select('id')
    .where('guest_code_hash', '=', sha256(codeOf(link)))
    .where('disabled_at', 'is', null)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

export async function recordOf(ctx: TestContext, orgId: string, guestId: number) {
  return ctx.db.kysely
    .selectFrom('organization_guests')
    .selectAll()
    .where('organization_id', '=', orgId)
    .where('guest_id', '=', guestId)
    .executeTakeFirst();
}

export async function globalGuest(ctx: TestContext, email: string) {
  return ctx.db.kysely.selectFrom('guests').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function roleOf(ctx: TestContext, orgId: string, userId: number) {
  const row = await ctx.db.kysely
    .selectFrom('memberships')
    .select('role')
    .where('organization_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

/** A body with every profile field set. */
export function fullBody(email: string, associated: number[]) {
  return {
    email,
    first_name: 'Ada',
    last_name: 'Lovelace',
    phone_1: '+44 20 7946 0000',
    phone_2: null,
    company_name: 'Analytical Engines',
    company_url: 'https://engines.test',
    contact_url: 'https://engines.test/ada',
    image_url: 'https://engines.test/ada.png',
    opportunity_url: 'https://crm.test/opp/1',
    opportunity_name: 'Difference engine',
    timezone: 'Europe/London',
    status: 'lead',
    external_sync_source: 'salesforce',
    external_date_creation: '2026-01-02 03:04:05',
    cadence_days: ['Monday', 'Thursday'],
    associated_members: associated,
  };
}
