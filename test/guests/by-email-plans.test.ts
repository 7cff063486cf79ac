/**
 * A guest found by email in an organization is found from the email, then the (organization,
 * guest) key (guestIdOfEmail, src/guests/guest.repository.ts), not by walking the organization's
 * records: on PostgreSQL, an organization its statistics do not know yet (one grown since the
 * table was last analyzed) is estimated at about one record, and a plain join on the email then
 * walks all of them. Checked on the plans PostgreSQL runs for Get guest and for Create task with a
 * guest owner: each statement reads at most one record of the organization.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildTestApp, call, guestsUrl, type TestContext } from '../../support/app.js';
import { rowsReadBy } from './plan-reads.js';
import { seedGuests } from './list-seed.js';
import { DEADLINE, tasksUrl } from '../tasks/task-helpers.js';

const postgres = Boolean(process.env.TEST_DATABASE_URL);
const NEW_ORG_GUESTS = 600;

describe(
  'guests found by email: one record read, whatever the statistics say (PostgreSQL)',
  { skip: !postgres },
  () => {
    let ctx: TestContext;
    before(async () => {
      ctx = await buildTestApp();
      // An organization the statistics know, then the test's own one, grown after they were gathered.
      const known = 'a0000000000000000000000000000000';
      await ctx.db.kysely
        .insertInto('organizations')
        .values({ id: known, name: 'Known', created_at: '2026-01-01 00:00:00' })
        .execute();
      await seedGuests({ ...ctx, orgId: known }, 3000, 1_000_000);
      await sql`analyze organization_guests`.execute(ctx.db.kysely);
      await sql`analyze guests`.execute(ctx.db.kysely);
      await seedGuests(ctx, NEW_ORG_GUESTS, 2_000_000);
    });
    after(() => ctx?.close());

    const recordsReadBy = (request: () => Promise<{ statusCode: number; body: string }>, status: number) =>
      rowsReadBy(ctx, request, status, 'organization_guests');

    it('Get guest reads the one record', async () => {
      const email = 'seed.2000300@partner.test';
      const counts = await recordsReadBy(() => call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email)), 200);
      for (const n of counts) assert.ok(n <= 1, `a statement read ${n} records of ${NEW_ORG_GUESTS}`);
    });

    it('Create task with a guest owner reads only that guest record', async () => {
      let i = 0;
      const counts = await recordsReadBy(
        () =>
          call(ctx, ctx.tokens.admin, 'POST', tasksUrl(ctx.orgId), {
            title: `Plan ${i++}`,
            deadline: DEADLINE,
            owners: { guests: ['seed.2000301@partner.test'] },
          }),
        201,
      );
      for (const n of counts) assert.ok(n <= 1, `a statement read ${n} records of ${NEW_ORG_GUESTS}`);
    });
  },
);
