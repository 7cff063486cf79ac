/**
 * The global identity under concurrency (docs/guests.md, Remove guest and Create guest): removing
 * a guest from its last organization while another organization joins the same address must
 * never leave the global guest removed while an organization's record of it is active. Run many
 * rounds of the racing pair; after each one the global state must follow the records, and the
 * access-email look-up must find the active record.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTestAppWithOther,
  call,
  createGuest,
  guestsUrl,
  uniqueEmail,
  type OrgWithMembers,
  type TestContext,
} from '../../support/app.js';
import { findActiveRecordsByEmail } from '../../src/public/access.repository.js';

const ROUNDS = Number(process.env.IDENTITY_RACE_ROUNDS ?? 200);

let ctx: TestContext;
let other: OrgWithMembers;

before(async () => ({ ctx, other } = await buildTestAppWithOther()));
after(() => ctx.close());

async function globalGuest(email: string) {
  return ctx.db.kysely.selectFrom('guests').selectAll().where('email', '=', email).executeTakeFirst();
}

async function activeRecords(email: string): Promise<number> {
  const row = await ctx.db.kysely
    .selectFrom('organization_guests')
    .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('guests.email', '=', email)
    .where('organization_guests.deleted_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('remove from the last organization racing a join from another', () => {
  it(`keeps the global guest active exactly while a record is active (${ROUNDS} rounds)`, async () => {
    const broken: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const email = uniqueEmail('race');
      await createGuest(ctx, { email });
      // Alternate which request starts first, so both interleavings get their turns.
      const remove = () => call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, email));
      const join = () => call(ctx, other.tokens.admin, 'POST', guestsUrl(other.orgId), { email, first_name: 'Joiner' });
      let removed, joined;
      if (round % 2 === 0) [removed, joined] = await Promise.all([remove(), join()]);
      else [joined, removed] = await Promise.all([join(), remove()]);
      assert.equal(removed.statusCode, 200, removed.body);
      assert.equal(joined.statusCode, 201, joined.body);

      const guest = await globalGuest(email);
      assert.ok(guest, `round ${round}: the global guest is gone`);
      const active = await activeRecords(email);
      assert.equal(active, 1, `round ${round}`);
      if (guest.deleted_at !== null)
        broken.push(`round ${round}: global guest deleted with ${active} active record(s)`);
      const links = await findActiveRecordsByEmail(ctx.db.kysely, email);
      if (links.length !== 1) broken.push(`round ${round}: the access look-up found ${links.length} records`);
    }
    assert.deepEqual(broken, []);
  });

  it('removing the last record still marks the global guest removed, and joining again restores it', async () => {
    const email = uniqueEmail('race-last');
    await createGuest(ctx, { email });
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, email))).statusCode, 200);
    assert.notEqual((await globalGuest(email))?.deleted_at, null);
    assert.deepEqual(await findActiveRecordsByEmail(ctx.db.kysely, email), []);
    assert.equal((await call(ctx, other.tokens.admin, 'POST', guestsUrl(other.orgId), { email })).statusCode, 201);
    assert.equal((await globalGuest(email))?.deleted_at, null);
    assert.equal((await findActiveRecordsByEmail(ctx.db.kysely, email)).length, 1);
  });
});
