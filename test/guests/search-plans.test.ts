/**
 * List guests with `q` compares the term with each of the organization's records and its guest's
 * email (docs/guests.md, List guests): on PostgreSQL it reads the emails of the organization's
 * guests only, one by one from their ids, so that a small organization's search costs what that
 * organization holds and not what the installation holds. Joined, the planner hashes every guest
 * of every organization. Checked on the plans PostgreSQL runs for the search's count and page.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildTestApp, call, guestsUrl, type TestContext } from '../../support/app.js';
import { rowsReadBy } from './plan-reads.js';
import { seedGuests } from './list-seed.js';
import type { Guest } from '../../src/guests/guest.schemas.js';

const postgres = Boolean(process.env.TEST_DATABASE_URL);
const OWN_GUESTS = 200;
const OTHER_GUESTS = 20_000;
/** A page's statement also reads the emails of the page's guests, to answer them (100 a page here). */
const MOST_READ = OWN_GUESTS + 100;

describe("a search reads the organization's guests only (PostgreSQL)", { skip: !postgres }, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp({ env: { LIST_CACHE_MB: '0' } });
    const large = 'b0000000000000000000000000000000';
    await ctx.db.kysely
      .insertInto('organizations')
      .values({ id: large, name: 'Large', created_at: '2026-01-01 00:00:00' })
      .execute();
    await seedGuests({ ...ctx, orgId: large }, OTHER_GUESTS, 1_000_000);
    await seedGuests(ctx, OWN_GUESTS, 3_000_000);
    await sql`analyze organization_guests`.execute(ctx.db.kysely);
    await sql`analyze guests`.execute(ctx.db.kysely);
  });
  after(() => ctx?.close());

  const search =
    (q: string, sort = '') =>
    () =>
      call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?q=${encodeURIComponent(q)}&per_page=100${sort}`);

  it('by a part of the email: finds the guests and reads no other organization’s', async () => {
    const answer = await search('seed.30001')();
    assert.equal(answer.statusCode, 200, answer.body);
    const found = answer.json<{ data: Guest[]; meta: { pagination: { total: number } } }>();
    // seed.3000100 to seed.3000199: the own organization's only (the other's are seed.10xxxxx).
    assert.equal(found.meta.pagination.total, 100);
    assert.ok(found.data.every((guest) => guest.email.startsWith('seed.30001')));
    for (const n of await rowsReadBy(ctx, search('seed.30001'), 200, 'guests', 'organization_guests'))
      assert.ok(n <= MOST_READ, `a statement read ${n} guests; the organization has ${OWN_GUESTS}`);
  });

  it('by a term no guest has, in the default order and by email', async () => {
    for (const sort of ['', '&sort=email', '&sort=-created_at'])
      for (const n of await rowsReadBy(ctx, search('nobody-has-this', sort), 200, 'guests', 'organization_guests'))
        assert.ok(
          n <= MOST_READ,
          `${sort || 'default order'}: a statement read ${n} guests; the organization has ${OWN_GUESTS}`,
        );
  });
});
