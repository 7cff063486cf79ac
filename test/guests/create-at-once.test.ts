/**
 * Create guest of a new guest in one statement on PostgreSQL (src/guests/guest-join-at-once.ts),
 * and every case that statement leaves to the general path, which must answer as it always did
 * (docs/guests.md, Create guest): the existing guest's 200, a removed guest's re-join, the 422s of
 * a member's email and of an unknown associated member, the 429 of the invite cap, and creates of
 * one email racing in one organization and in two. The same file runs on SQLite, where every
 * create takes the general path: the answers must be the same there.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import {
  buildTestApp,
  buildTestAppWithOther,
  call,
  createOrgWithMembers,
  guestsUrl,
  uniqueEmail,
  type OrgWithMembers,
  type TestContext,
} from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { statementsOf } from '../../support/statement-counter.js';
import { adminOf, guestServiceOf } from './guest-service.js';
import { fullBody } from './lifecycle-helpers.js';
import { inGroupCommit } from '../../src/db/group-commit.js';
import type { Guest } from '../../src/guests/guest.schemas.js';
import { hourWindow } from '../../src/core/time.js';

const onPostgres = process.env.TEST_DATABASE_URL !== undefined;

async function recordsOf(ctx: TestContext, email: string) {
  return ctx.db.kysely
    .selectFrom('organization_guests')
    .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
    .select(['organization_guests.organization_id', 'organization_guests.deleted_at', 'guests.id'])
    .where('guests.email', '=', email)
    .execute();
}

describe('Create guest in one statement, and what it leaves to the general path', () => {
  let ctx: TestContext;
  let other: OrgWithMembers;
  before(async () => {
    // No background statements while they are counted.
    ({ ctx, other } = await buildTestAppWithOther({ env: { OUTBOX_WORKER: 'false' } }));
  });
  after(() => ctx.close());

  const post = (body: unknown, token = ctx.tokens.admin, orgId = ctx.orgId) =>
    call(ctx, token, 'POST', guestsUrl(orgId), body);

  const service = () => guestServiceOf(ctx);
  const actor = () => adminOf(ctx);

  it('creates a new guest in one statement on PostgreSQL, whatever the body holds', async () => {
    const guests = service();
    await guests.create(actor(), { email: uniqueEmail() }, {}); // compiles and caches what can be
    const plain = await statementsOf(() => guests.create(actor(), { email: uniqueEmail() }, {}));
    assert.equal(plain.result.created, true);
    const full = await statementsOf(() =>
      guests.create(actor(), fullBody(uniqueEmail(), [ctx.members.standard, ctx.members.light]), {}),
    );
    assert.equal(full.result.created, true);
    const again = await statementsOf(() => guests.create(actor(), { email: full.result.guest.email }, {}));
    assert.equal(again.result.created, false);
    assert.deepEqual(again.result.guest, full.result.guest);
    if (onPostgres) {
      assert.equal(plain.statements, 1, 'a new guest: one statement');
      assert.equal(full.statements, 1, 'with associated members: one statement');
      assert.equal(again.statements, 1, 'the guest already here: one statement');
    } else {
      // The general path: the checks, then the write in the group commit's transaction.
      assert.ok(plain.statements >= 4, `${plain.statements} statements on SQLite`);
    }
  });

  it('joins a guest of another organization in one statement on PostgreSQL', async () => {
    const email = uniqueEmail();
    assert.equal((await post({ email }, other.tokens.admin, other.orgId)).statusCode, 201);
    const { statements, result } = await statementsOf(() =>
      service().create(actor(), { email, first_name: 'Joined' }, {}),
    );
    assert.equal(result.created, true);
    assert.equal(result.guest.first_name, 'Joined');
    if (onPostgres) assert.equal(statements, 1);
    const records = await recordsOf(ctx, email);
    assert.equal(records.length, 2);
    assert.equal(new Set(records.map((r) => r.id)).size, 1, 'one global guest');
  });

  it('answers as the general path does: the same guest object, field for field', async () => {
    const guests = service();
    const associated = [ctx.members.standard];
    const fresh = (await guests.create(actor(), fullBody(uniqueEmail(), associated), {})).guest;
    // The general path for the same body: the checks, then the join in its transaction.
    const email = uniqueEmail();
    const body = fullBody(email, associated);
    const checked = await guests.check(actor(), body, {});
    const general = (await inGroupCommit(ctx.db.kysely, (trx) => guests.joinIn(trx, actor(), checked, body))).guest;
    // What differs by nature: the email asked for, the new guest's id and link, the second it was made in.
    const comparable = (guest: Guest) =>
      JSON.stringify({ ...guest, id: 0, email: '', link: guest.link?.replace(/[^/]+$/, 'code'), created_at: '' });
    assert.equal(comparable(fresh), comparable(general));
    assert.equal(Object.keys(fresh).join(), Object.keys(general).join());
    assert.match(fresh.link ?? '', /^http:\/\/guests\.test\/guest\/[A-Za-z0-9_-]{32,}$/);
  });

  it('answers a created guest again with the same bytes: the 201, the 200 of a second create, Get guest', async () => {
    const email = uniqueEmail();
    const created = await post(fullBody(email, [ctx.members.light]));
    assert.equal(created.statusCode, 201, created.body);
    const again = await post({ email, first_name: 'Ignored' });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.body, created.body, 'the existing record, unchanged');
    assert.equal(again.headers.etag, created.headers.etag);
    const read = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email));
    assert.equal(read.body, created.body);
    assert.equal(read.headers.etag, created.headers.etag);
  });

  it('re-joins a removed guest (201, the one record active again, a new link)', async () => {
    const email = uniqueEmail();
    const first = await post({ email, first_name: 'Before' });
    assert.equal(first.statusCode, 201);
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, email))).statusCode, 200);
    const rejoined = await post({ email, last_name: 'After' });
    assert.equal(rejoined.statusCode, 201, rejoined.body);
    const guest = rejoined.json<{ data: Guest }>().data;
    assert.equal(guest.first_name, null, 'a re-joined guest starts fresh');
    assert.equal(guest.last_name, 'After');
    assert.notEqual(guest.link, first.json<{ data: Guest }>().data.link);
    const records = await recordsOf(ctx, email);
    assert.deepEqual(
      records.map((r) => r.deleted_at),
      [null],
    );
  });

  it("refuses a member's email with the same 422, and writes nothing", async () => {
    const email = 'acme-light@members.test';
    assertProblem(await post({ email }), 422, 'VALIDATION_FAILED', {
      errors: { email: ['The email belongs to a member of this organization; a member cannot also be a guest.'] },
    });
    assert.deepEqual(await recordsOf(ctx, email), []);
    // Another organization's member is no member here: a guest like any other.
    const elsewhere = await post({ email: 'other-light@members.test' });
    assert.equal(elsewhere.statusCode, 201, elsewhere.body);
  });

  it('refuses an associated member who is not a member of the organization, and writes nothing', async () => {
    const email = uniqueEmail();
    const response = await post({ email, associated_members: [ctx.members.admin, other.members.admin, 2_000_000] });
    assertProblem(response, 422, 'VALIDATION_FAILED', {
      errors: {
        'associated_members.1': ['The selected associated_members.1 is not a member of this organization.'],
        'associated_members.2': ['The selected associated_members.2 is not a member of this organization.'],
      },
    });
    const duplicate = await post({ email, associated_members: [ctx.members.admin, ctx.members.admin] });
    assertProblem(duplicate, 422, 'VALIDATION_FAILED', {
      errors: { associated_members: ['The associated_members field has a duplicate value.'] },
    });
    assert.equal(
      await ctx.db.kysely.selectFrom('guests').select('id').where('email', '=', email).executeTakeFirst(),
      undefined,
    );
  });

  it('creates one guest of two creates of one new email at once: one 201, one 200 with the same body', async () => {
    for (let round = 0; round < 10; round += 1) {
      const email = uniqueEmail('pair');
      const answers = await Promise.all([post({ email, first_name: 'A' }), post({ email, first_name: 'A' })]);
      const statuses = answers.map((a) => a.statusCode).sort();
      assert.deepEqual(statuses, [200, 201], answers.map((a) => a.body).join('\n'));
      assert.equal(answers[0]?.body, answers[1]?.body);
      assert.equal((await recordsOf(ctx, email)).length, 1);
    }
  });

  it('joins one global guest from two organizations creating the same new email at once', async () => {
    for (let round = 0; round < 10; round += 1) {
      const email = uniqueEmail('two-orgs');
      const answers = await Promise.all([post({ email }), post({ email }, other.tokens.admin, other.orgId)]);
      assert.deepEqual(
        answers.map((a) => a.statusCode),
        [201, 201],
        answers.map((a) => a.body).join('\n'),
      );
      const records = await recordsOf(ctx, email);
      assert.deepEqual(records.map((r) => r.organization_id).sort(), [ctx.orgId, other.orgId].sort());
      assert.equal(new Set(records.map((r) => r.id)).size, 1, 'one global guest');
      const ids = answers.map((a) => a.json<{ data: Guest }>().data.id);
      assert.equal(ids[0], ids[1]);
    }
  });
});

describe('the invite cap on the one-statement create', () => {
  const CAP = 3;
  let capped: TestContext;
  before(async () => {
    capped = await buildTestApp({ env: { GUEST_INVITE_LIMIT_PER_HOUR: String(CAP), OUTBOX_WORKER: 'false' } });
  });
  after(() => capped.close());

  const post = (body: unknown) => call(capped, capped.tokens.admin, 'POST', guestsUrl(capped.orgId), body);
  const recordCount = async () =>
    (
      await capped.db.kysely
        .selectFrom('organization_guests')
        .select('id')
        .where('organization_id', '=', capped.orgId)
        .execute()
    ).length;

  it('lets exactly the cap through of creates sent at once; the others are the 429 with Retry-After and write nothing', async () => {
    const emails = Array.from({ length: CAP * 3 }, () => uniqueEmail('capped'));
    const answers = await Promise.all(emails.map((email) => post({ email })));
    const created = answers.filter((a) => a.statusCode === 201);
    const refused = answers.filter((a) => a.statusCode === 429);
    assert.equal(created.length, CAP, answers.map((a) => `${a.statusCode} ${a.body}`).join('\n'));
    assert.equal(refused.length, emails.length - CAP);
    for (const answer of refused) {
      const problem = assertProblem(answer, 429, 'RATE_LIMIT_EXCEEDED');
      assert.equal(
        problem.message,
        `This organization has invited ${CAP} guests this hour, the most allowed; try again later.`,
      );
      const retryAfter = Number(answer.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 3600, String(retryAfter));
    }
    assert.equal(await recordCount(), CAP);
    const windows = await capped.db.kysely
      .selectFrom('invite_windows')
      .select('count')
      .where('organization_id', '=', capped.orgId)
      .execute();
    assert.deepEqual(
      windows.map((w) => w.count),
      [CAP],
    );
    const refusedEmails = emails.filter((_, i) => answers[i]?.statusCode === 429);
    const written = await capped.db.kysely
      .selectFrom('guests')
      .select('email')
      .where('email', 'in', refusedEmails)
      .execute();
    assert.deepEqual(written, [], 'no global guest for a refused create');
    // A create of an existing guest is no invite: still its 200.
    const existing = await post({ email: emails[answers.findIndex((a) => a.statusCode === 201)] });
    assert.equal(existing.statusCode, 200, existing.body);
  });

  it(
    'writes nothing when the cap fills between the check and the count (PostgreSQL)',
    { skip: !onPostgres },
    async () => {
      const org = await createOrgWithMembers(capped.admin, 'Race', 'race');
      const postIn = (body: unknown) => call(capped, org.tokens.admin, 'POST', guestsUrl(org.orgId), body);
      for (let i = 0; i < CAP - 1; i += 1) assert.equal((await postIn({ email: uniqueEmail() })).statusCode, 201);
      const window = hourWindow(new Date()).start;
      const email = uniqueEmail('late');
      // Another writer takes the last invite and holds the window's row: the create's snapshot still
      // shows room, and its count waits for that writer, then finds the cap reached.
      let pending: ReturnType<typeof postIn> | undefined;
      await capped.db.kysely.transaction().execute(async (trx) => {
        await trx
          .updateTable('invite_windows')
          .set({ count: CAP })
          .where('organization_id', '=', org.orgId)
          .where('window_start', '=', window)
          .execute();
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        pending = postIn({ email });
        let waiting = false;
        for (let i = 0; i < 250 && !waiting; i += 1) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          waiting = await blockedBy(capped, rows[0]?.pid as number);
        }
        assert.ok(waiting, 'the create waits for the window row');
      });
      const answer = await (pending as ReturnType<typeof postIn>);
      assertProblem(answer, 429, 'RATE_LIMIT_EXCEEDED');
      assert.ok(Number(answer.headers['retry-after']) >= 1);
      assert.equal(
        await capped.db.kysely.selectFrom('guests').select('id').where('email', '=', email).executeTakeFirst(),
        undefined,
      );
      const records = await capped.db.kysely
        .selectFrom('organization_guests')
        .select('id')
        .where('organization_id', '=', org.orgId)
        .execute();
      assert.equal(records.length, CAP - 1);
    },
  );
});

/** Whether a statement waits for a lock that the backend `pid` holds (PostgreSQL). */
async function blockedBy(ctx: TestContext, pid: number): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_stat_activity where ${pid}::int = any(pg_blocking_pids(pid))`.execute(
    ctx.db.kysely,
  );
  return (rows[0]?.n ?? 0) > 0;
}
