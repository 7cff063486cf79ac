/**
 * Update guest of an active guest in one statement on PostgreSQL (src/guests/guest-update-at-once.ts),
 * and every case that statement leaves to the general path, which must answer as it always did
 * (docs/guests.md, Update guest): the 404 of an unknown, removed or other organization's guest, the
 * 422s of an unknown or repeated associated member and of another email, and an update racing a
 * removal. The same file runs on SQLite, where every update takes the general path: the answers
 * must be the same there.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTestAppWithOther,
  call,
  guestsUrl,
  uniqueEmail,
  type OrgWithMembers,
  type TestContext,
} from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { statementsOf } from '../../support/statement-counter.js';
import { adminOf, guestServiceOf } from './guest-service.js';
import type { Guest } from '../../src/guests/guest.schemas.js';

const onPostgres = process.env.TEST_DATABASE_URL !== undefined;

const FULL = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  phone_1: '+44 20 7946 0000',
  company_name: 'Analytical Engines',
  timezone: 'Europe/London',
  status: 'lead',
  cadence_days: ['Monday', 'Thursday'],
};

describe('Update guest in one statement, and what it leaves to the general path', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  before(async () => {
    // No background statements while they are counted.
    ({ ctx, other } = await buildTestAppWithOther({ env: { OUTBOX_WORKER: 'false' } }));
  });
  after(() => ctx.close());

  const put = (email: string, body: unknown, headers: Record<string, string> = {}, orgId = ctx.orgId) =>
    call(ctx, ctx.tokens.admin, 'PUT', guestsUrl(orgId, email), body, headers);
  const get = (email: string) => call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email));
  const created = async (body: Record<string, unknown> = FULL) => {
    const email = uniqueEmail('update');
    const answer = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), { email, ...body });
    assert.equal(answer.statusCode, 201, answer.body);
    return email;
  };
  const guestOf = (answer: { json<T>(): T }) => answer.json<{ data: Guest }>().data;
  /** The organization's record of the guest as stored, removed or not. */
  const recordOf = (email: string) =>
    ctx.db.kysely
      .selectFrom('organization_guests')
      .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
      .select(['organization_guests.first_name', 'organization_guests.deleted_at'])
      .where('guests.email', '=', email)
      .where('organization_guests.organization_id', '=', ctx.orgId)
      .executeTakeFirstOrThrow();

  const service = () => guestServiceOf(ctx);
  const actor = () => adminOf(ctx);

  it('updates an active guest in one statement on PostgreSQL, with associated members', async () => {
    const guests = service();
    const email = await created();
    await guests.update(actor(), email, { first_name: 'Warm' }, {}); // compiles and caches what can be
    const { statements, result } = await statementsOf(() =>
      guests.update(
        actor(),
        email.toUpperCase(),
        { email, first_name: 'Grace', associated_members: [ctx.members.standard, ctx.members.light] },
        {},
      ),
    );
    assert.equal(result.email, email);
    assert.equal(result.first_name, 'Grace');
    assert.deepEqual(result.details.associated_members, [ctx.members.standard, ctx.members.light]);
    if (onPostgres) assert.equal(statements, 1);
    else assert.ok(statements >= 3, `${statements} statements on SQLite`);
  });

  it('writes only the fields the body names, nulls included, and answers what Get guest reads', async () => {
    const email = await created({ ...FULL, associated_members: [ctx.members.standard] });
    const before = guestOf(await get(email));
    const answer = await put(email, { last_name: 'Byron', phone_1: null, associated_members: [] });
    assert.equal(answer.statusCode, 201, answer.body);
    const updated = guestOf(answer);
    assert.equal(updated.last_name, 'Byron');
    assert.equal(updated.details.phone_1, null);
    assert.equal(updated.details.associated_members, null, '[] clears the list');
    assert.equal(updated.first_name, before.first_name);
    assert.equal(updated.created_at, before.created_at);
    for (const field of ['company_name', 'timezone', 'status', 'cadence_days'] as const)
      assert.deepEqual(updated.details[field], before.details[field], field);
    assert.equal(updated.details.company_name, FULL.company_name, 'a field not named keeps its value');
    const read = await get(email);
    assert.equal(read.body, answer.body, 'the update answers the record as Get guest reads it');
    assert.equal(read.headers.etag, answer.headers.etag);
    assert.notEqual(answer.headers.etag, undefined);
  });

  it('answers as the If-Match path (the general one) does: the same guest object, field for field', async () => {
    const body = { first_name: 'Same', company_name: 'Same Co', associated_members: [ctx.members.light] };
    const fast = guestOf(await put(await created(), body));
    const email = await created();
    const etag = (await get(email)).headers.etag as string;
    const general = await put(email, body, { 'if-match': etag });
    assert.equal(general.statusCode, 201, general.body);
    const comparable = (guest: Guest) =>
      JSON.stringify({ ...guest, id: 0, email: '', link: '', created_at: '', updated_at: '' });
    assert.equal(comparable(fast), comparable(guestOf(general)));
  });

  it('refuses an unknown or repeated associated member with the same 422, and writes nothing', async () => {
    const email = await created();
    const before = (await get(email)).body;
    assertProblem(
      await put(email, { first_name: 'Nope', associated_members: [ctx.members.admin, other.members.admin, 2_000_000] }),
      422,
      'VALIDATION_FAILED',
      {
        errors: {
          'associated_members.1': ['The selected associated_members.1 is not a member of this organization.'],
          'associated_members.2': ['The selected associated_members.2 is not a member of this organization.'],
        },
      },
    );
    assertProblem(
      await put(email, { first_name: 'Nope', associated_members: [ctx.members.admin, ctx.members.admin] }),
      422,
      'VALIDATION_FAILED',
      { errors: { associated_members: ['The associated_members field has a duplicate value.'] } },
    );
    assertProblem(await put(email, { email: uniqueEmail('another'), first_name: 'Nope' }), 422, 'VALIDATION_FAILED', {
      errors: { email: ['The email cannot be changed; remove the guest and create one with the new email.'] },
    });
    assert.equal((await get(email)).body, before, 'the record is as it was');
  });

  it("answers 404 for an unknown guest, a removed one and another organization's, and writes nothing", async () => {
    assertProblem(await put(uniqueEmail('nobody'), { first_name: 'X' }), 404, 'RESOURCE_NOT_FOUND');
    const removed = await created();
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, removed))).statusCode, 200);
    assertProblem(await put(removed, { first_name: 'Ghost' }), 404, 'RESOURCE_NOT_FOUND');
    assert.equal((await recordOf(removed)).first_name, FULL.first_name);
    // A guest of this organization, asked for through another organization's path with this token.
    const mine = await created();
    assert.equal((await put(mine, { first_name: 'Elsewhere' }, {}, other.orgId)).statusCode, 403);
    const theirs = uniqueEmail('theirs');
    assert.equal(
      (await call(ctx, other.tokens.admin, 'POST', guestsUrl(other.orgId), { email: theirs, first_name: 'Theirs' }))
        .statusCode,
      201,
    );
    assertProblem(await put(theirs, { first_name: 'Mine now' }), 404, 'RESOURCE_NOT_FOUND');
    const read = await call(ctx, other.tokens.admin, 'GET', guestsUrl(other.orgId, theirs));
    assert.equal(guestOf(read).first_name, 'Theirs');
    assert.equal(guestOf(await get(mine)).first_name, FULL.first_name);
  });

  it('never writes a record a removal took first: an update racing a removal is a 201 before it or a 404 after', async () => {
    for (let round = 0; round < 10; round += 1) {
      const email = await created();
      const [updated, removed] = await Promise.all([
        put(email, { first_name: `Raced ${round}` }),
        call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, email)),
      ]);
      assert.equal(removed.statusCode, 200, removed.body);
      assert.ok([201, 404].includes(updated.statusCode), `${updated.statusCode} ${updated.body}`);
      const record = await recordOf(email);
      assert.notEqual(record.deleted_at, null);
      // The removal answers the record as it removed it: with the update's name only when the update came first.
      const removedName = guestOf(removed).first_name;
      if (updated.statusCode === 404) assert.equal(removedName, FULL.first_name);
      assert.equal(record.first_name, removedName);
    }
  });
});
