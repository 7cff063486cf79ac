/**
 * Bulk create guests (docs/guests.md). Each item succeeds or fails on its own with exactly what a
 * single create would answer; a failed item leaves no row; the invite cap counts each joined guest;
 * the whole request is refused only when it is not a list of 1 to 1,000 items.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTestApp,
  call,
  createOrgWithMembers,
  guestsUrl,
  uniqueEmail,
  type TestContext,
} from '../../support/app.js';
import { fullBody, globalGuest, isLive, newGuest, type GuestData } from './lifecycle-helpers.js';
import { assertProblem } from '../../support/problem.js';

interface Outcome {
  index: number;
  status: number;
  data?: GuestData;
  error?: Record<string, unknown> & { code: string; errors?: Record<string, string[]> };
}
interface BulkBody {
  data: Outcome[];
  meta: { total: number; created: number; existing: number; failed: number };
}

const PROBLEM_KEYS = ['type', 'title', 'status', 'code', 'message', 'detail'];

describe('L: bulk create', () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await buildTestApp();
  });
  after(() => ctx.close());

  const bulk = (body: unknown, token = ctx.tokens.admin, orgId = ctx.orgId) =>
    call(ctx, token, 'POST', guestsUrl(orgId, undefined, '/bulk'), body);
  const single = (body: unknown) => call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId), body);
  const guestCount = async () =>
    Number(
      (
        await ctx.db.kysely
          .selectFrom('organization_guests')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('organization_id', '=', ctx.orgId)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('mixed items: each outcome as a single create would answer it; failed items leave no row', async () => {
    const existing = await newGuest(ctx, { first_name: 'Already' });
    const fresh = uniqueEmail('fresh');
    const noMail = uniqueEmail('nomail').replace('@partner.test', '@nomail.test');
    const strangerMember = uniqueEmail('assoc');
    const twoErrors = uniqueEmail('two').replace('@partner.test', '@nomail.test');
    const items: unknown[] = [
      { email: fresh, first_name: 'Fresh' },
      { email: 'not-an-email' },
      { email: fresh.toUpperCase(), first_name: 'Repeated' },
      { email: existing.email, first_name: 'Ignored' },
      { email: 'acme-admin@members.test' },
      { email: uniqueEmail('typo'), phone: '+1 555 0100' },
      42,
      { email: noMail },
      {
        email: uniqueEmail('full'),
        first_name: 'Full',
        company_name: 'Partner Co',
        associated_members: [ctx.members.standard],
        cadence_days: ['Monday'],
      },
      { email: strangerMember, associated_members: [999_999] },
      { email: twoErrors, timezone: 'Mars/Olympus_Mons' },
    ];
    const response = await bulk(items, ctx.tokens.standard);
    assert.equal(response.statusCode, 200, response.body);
    // Item 5's unknown `phone` is dropped (the item is created without it) and named by its position.
    assert.equal(response.headers['x-ignored-fields'], '5.phone');
    const body = response.json<BulkBody>();
    assert.deepEqual(
      body.data.map((o) => [o.index, o.status]),
      [
        [0, 201],
        [1, 422],
        [2, 200],
        [3, 200],
        [4, 422],
        [5, 201],
        [6, 422],
        [7, 422],
        [8, 201],
        [9, 422],
        [10, 422],
      ],
    );
    assert.deepEqual(body.meta, { total: 11, created: 3, existing: 2, failed: 6 });

    const [first, , repeated, again, member, typo, notObject, , full, , two] = body.data as Outcome[] & Outcome[];
    assert.equal(first?.data?.first_name, 'Fresh');
    assert.deepEqual(repeated?.data, first?.data, 'a repeated email is the idempotent case');
    assert.deepEqual(again?.data, existing);
    assert.equal(full?.data?.details.company_name, 'Partner Co');
    assert.deepEqual(full?.data?.details.associated_members, [ctx.members.standard]);
    for (const outcome of body.data.filter((o) => o.error)) {
      assert.equal(outcome.data, undefined);
      assert.deepEqual(Object.keys(outcome.error ?? {}), [...PROBLEM_KEYS, 'errors'], `item ${outcome.index}`);
      assert.equal(outcome.error?.code, 'VALIDATION_FAILED');
    }
    assert.ok(member?.error?.errors?.email);
    assert.equal(typo?.error, undefined);
    assert.equal(typo?.data?.details.phone_1, null, 'the unknown phone is not read as phone_1');
    assert.deepEqual(Object.keys(notObject?.error?.errors ?? {}), ['body']);
    assert.deepEqual(Object.keys(two?.error?.errors ?? {}).sort(), ['email', 'timezone']);

    // Errors read exactly as the single create's.
    for (const index of [1, 4, 7, 9, 10]) {
      // Less the request id: an item's error is inside the bulk request's answer, not an answer of its own.
      const { request_id: _requestId, ...alone } = (await single(items[index])).json<Record<string, unknown>>();
      assert.deepEqual(body.data[index]?.error, alone, `item ${index}`);
    }
    for (const email of [noMail, strangerMember, twoErrors])
      assert.equal(await globalGuest(ctx, email), undefined, email);
    const list = await call(ctx, ctx.tokens.admin, 'GET', `${guestsUrl(ctx.orgId)}?q=${encodeURIComponent(fresh)}`);
    assert.equal(list.json<{ data: GuestData[] }>().data.length, 1);
  });

  it("each created item's guest is the one Get guest answers, its link live; a removed guest re-joins with a new profile and link", async () => {
    const removed = await newGuest(ctx, { first_name: 'Before' });
    const gone = await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, removed.email));
    assert.equal(gone.statusCode, 200, gone.body);
    const emails = Array.from({ length: 30 }, () => uniqueEmail('same'));
    // Every profile field set: the answer is made from the values written, not read back.
    const full = fullBody(uniqueEmail('full'), [ctx.members.standard, ctx.members.admin]);
    const body = (
      await bulk([
        ...emails.map((email, i) => ({ email, first_name: `Item ${i}`, associated_members: [ctx.members.standard] })),
        { email: removed.email, first_name: 'After' },
        full,
      ])
    ).json<BulkBody>();
    assert.deepEqual(body.meta, { total: 32, created: 32, existing: 0, failed: 0 });
    const fullAnswer = body.data[31]?.data as
      (Record<string, unknown> & { details?: Record<string, unknown> }) | undefined;
    const { email: fullEmail, first_name: first, last_name: last, ...details } = full;
    assert.deepEqual([fullAnswer?.email, fullAnswer?.first_name, fullAnswer?.last_name], [fullEmail, first, last]);
    for (const [field, value] of Object.entries(details)) assert.deepEqual(fullAnswer?.details?.[field], value, field);
    for (const outcome of body.data) {
      const email = outcome.data?.email ?? '';
      const got = await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, email));
      assert.equal(got.statusCode, 200, got.body);
      assert.deepEqual(outcome.data, got.json<{ data: GuestData }>().data, `item ${outcome.index}`);
    }
    const rejoined = body.data[30]?.data;
    assert.equal(rejoined?.email, removed.email);
    assert.equal(rejoined?.first_name, 'After');
    assert.notEqual(rejoined?.link, removed.link, 'a re-joined guest gets a new link');
    assert.ok(await isLive(ctx, rejoined?.link ?? null), 'the guest side accepts the new link');
    assert.ok(await isLive(ctx, body.data[0]?.data?.link ?? null));
  });

  it('UNKNOWN_FIELDS=reject: an item with an unknown field fails alone (422 naming the field); the others are created', async () => {
    const strict = await buildTestApp({ env: { UNKNOWN_FIELDS: 'reject' } });
    try {
      const good = uniqueEmail('strict');
      const typo = uniqueEmail('typo');
      const response = await call(strict, strict.tokens.admin, 'POST', guestsUrl(strict.orgId, undefined, '/bulk'), [
        { email: good },
        { email: typo, phone: '+1 555 0100' },
      ]);
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json<BulkBody>();
      assert.deepEqual(body.meta, { total: 2, created: 1, existing: 0, failed: 1 });
      assert.equal(body.data[0]?.status, 201);
      assert.equal(body.data[1]?.status, 422);
      assert.match(JSON.stringify(body.data[1]?.error), /phone/);
      assert.notEqual(await globalGuest(strict, good), undefined);
      assert.equal(await globalGuest(strict, typo), undefined);
    } finally {
      await strict.close();
    }
  });

  it('every repeat of an email is answered after its first occurrence, as already a guest', async () => {
    const emails = Array.from({ length: 20 }, () => uniqueEmail('repeat'));
    const items = [
      ...emails.map((email) => ({ email })),
      ...emails.map((email) => ({ email: ` ${email.toUpperCase()} `, first_name: 'Later' })),
    ];
    const body = (await bulk(items)).json<BulkBody>();
    assert.deepEqual(body.meta, { total: 40, created: 20, existing: 20, failed: 0 });
    emails.forEach((email, i) => {
      assert.equal(body.data[i]?.status, 201, email);
      assert.equal(body.data[i + 20]?.status, 200, email);
      assert.deepEqual(body.data[i + 20]?.data, body.data[i]?.data);
    });
  });

  it('the invite cap counts each joined guest: items past it are 429 and leave no row', async () => {
    const capped = await buildTestApp({ env: { GUEST_INVITE_LIMIT_PER_HOUR: '3' } });
    try {
      const existing = await newGuest(capped);
      const emails = [uniqueEmail('cap'), uniqueEmail('cap'), uniqueEmail('cap'), uniqueEmail('cap')];
      const response = await call(capped, capped.tokens.admin, 'POST', guestsUrl(capped.orgId, undefined, '/bulk'), [
        { email: emails[0] },
        { email: emails[1] },
        { email: emails[2] },
        { email: existing.email },
        { email: emails[3] },
      ]);
      assert.equal(response.statusCode, 200);
      const body = response.json<BulkBody>();
      assert.deepEqual(
        body.data.map((o) => o.status),
        [201, 201, 429, 200, 429],
      );
      assert.deepEqual(body.meta, { total: 5, created: 2, existing: 1, failed: 2 });
      const retryAfter = Number(response.headers['retry-after']);
      assert.ok(
        retryAfter >= 1 && retryAfter <= 3600,
        `Retry-After says when the cap lets guests through again: ${String(response.headers['retry-after'])}`,
      );
      for (const index of [2, 4]) {
        assert.equal(body.data[index]?.error?.code, 'RATE_LIMIT_EXCEEDED');
        assert.deepEqual(Object.keys(body.data[index]?.error ?? {}), PROBLEM_KEYS);
      }
      for (const email of [emails[2], emails[3]]) assert.equal(await globalGuest(capped, email as string), undefined);
      assert.ok(await globalGuest(capped, emails[1] as string));
    } finally {
      await capped.close();
    }
  });

  it('refuses the whole request (422) when the body is not an array of 1 to 1,000 items', async () => {
    const before = await guestCount();
    const tooMany = Array.from({ length: 1001 }, () => ({ email: uniqueEmail('over') }));
    for (const [label, body] of [
      ['object', { email: uniqueEmail() }],
      ['empty', []],
      ['1,001 items', tooMany],
      ['string', '"guests"'],
      ['null', 'null'],
    ] as const) {
      const payload = typeof body === 'string' ? body : JSON.stringify(body);
      const response = await call(ctx, ctx.tokens.admin, 'POST', guestsUrl(ctx.orgId, undefined, '/bulk'), payload, {
        'content-type': 'application/json',
      });
      const problem = assertProblem(response, 422, 'VALIDATION_FAILED', label);
      assert.deepEqual(Object.keys(problem.errors as object), ['body'], label);
    }
    assert.equal(await guestCount(), before);
  });

  it('an item with control characters or broken Unicode fails alone, naming its field; the others are created', async () => {
    const before = await guestCount();
    const good = uniqueEmail();
    const response = await bulk([
      { email: good },
      { email: uniqueEmail(), first_name: 'Bad\u0000name' },
      { email: uniqueEmail(), last_name: 'x\uD800' },
    ]);
    assert.equal(response.statusCode, 200);
    const { data, meta } = response.json<BulkBody>();
    assert.deepEqual(
      data.map((o) => o.status),
      [201, 422, 422],
    );
    assert.deepEqual(Object.keys(data[1]?.error?.errors as object), ['first_name']);
    assert.deepEqual(Object.keys(data[2]?.error?.errors as object), ['last_name']);
    assert.deepEqual(meta, { total: 3, created: 1, existing: 0, failed: 2 });
    assert.equal(response.headers['retry-after'], undefined, 'no Retry-After when no item met the invite cap');
    assert.equal(await guestCount(), before + 1);
    assert.ok(await globalGuest(ctx, good));
  });

  it('400 for a body that is not JSON; 401 without a token; 403 for light members and other organizations', async () => {
    const bad = await ctx.app.inject({
      method: 'POST',
      url: guestsUrl(ctx.orgId, undefined, '/bulk'),
      payload: '[{"email":',
      headers: {
        authorization: `Bearer ${ctx.tokens.admin}`,
        'x-tallyfy-client': 'APIClient',
        'content-type': 'application/json',
      },
    });
    assertProblem(bad, 400, 'INVALID_JSON');
    const items = [{ email: uniqueEmail('denied') }];
    assertProblem(await bulk(items, null as unknown as string), 401, 'UNAUTHENTICATED');
    assertProblem(await bulk(items, ctx.tokens.light), 403, 'FORBIDDEN');
    const other = await createOrgWithMembers(ctx.admin, 'Globex', 'globex');
    assertProblem(await bulk(items, other.tokens.admin), 403, 'FORBIDDEN');
    assert.equal(await globalGuest(ctx, items[0]?.email as string), undefined);
    // Their own organization gets the guest; this one does not.
    assert.equal((await bulk(items, other.tokens.admin, other.orgId)).json<BulkBody>().meta.created, 1);
    assertProblem(
      await call(ctx, ctx.tokens.admin, 'GET', guestsUrl(ctx.orgId, items[0]?.email)),
      404,
      'RESOURCE_NOT_FOUND',
    );
  });

  it('two requests at once naming the same guests in opposite orders: each joined once, answered 201 in one and 200 in the other', async () => {
    const existing = await Promise.all(Array.from({ length: 5 }, () => newGuest(ctx)));
    const emails = [...Array.from({ length: 60 }, () => uniqueEmail('race')), ...existing.map((g) => g.email)];
    const forward = emails.map((email) => ({ email }));
    const backward = [...forward].reverse();
    // The standard member's token and the admin's: one token may run only so many bulk creates at once.
    const [a, b] = await Promise.all([bulk(forward, ctx.tokens.admin), bulk(backward, ctx.tokens.standard)]);
    assert.equal(a.statusCode, 200, a.body.slice(0, 500));
    assert.equal(b.statusCode, 200, b.body.slice(0, 500));
    const first = a.json<BulkBody>();
    const second = b.json<BulkBody>();
    assert.equal(first.meta.failed + second.meta.failed, 0, JSON.stringify([first.meta, second.meta]));
    assert.equal(first.meta.created + second.meta.created, 60, 'each new email is created by one of the two');
    for (const [i, email] of emails.entries()) {
      const here = first.data[i];
      const there = second.data[emails.length - 1 - i];
      assert.equal(here?.data?.email, email);
      assert.equal(there?.data?.email, email);
      const statuses = [here?.status, there?.status].sort();
      assert.deepEqual(statuses, i < 60 ? [200, 201] : [200, 200], email);
      assert.equal(here?.data?.id, there?.data?.id, 'both answers show the one record');
      assert.equal(here?.data?.link, there?.data?.link);
    }
    const records = await ctx.db.kysely
      .selectFrom('organization_guests')
      .innerJoin('guests', 'guests.id', 'organization_guests.guest_id')
      .select((eb) => ['guests.email', eb.fn.countAll<number>().as('n')])
      .where('organization_guests.organization_id', '=', ctx.orgId)
      .where('guests.email', 'in', emails)
      .groupBy('guests.email')
      .execute();
    assert.equal(records.length, emails.length);
    assert.ok(records.every((r) => Number(r.n) === 1));
  });

  it('1,000 items with full profiles (a body over the single-create limit) are all created', async (t) => {
    const big = await buildTestApp();
    try {
      const items = Array.from({ length: 1000 }, (_, i) => ({
        email: `bulk${String(i).padStart(4, '0')}.${process.pid}@partner.test`,
        first_name: `First ${i}`,
        last_name: 'L'.repeat(200),
        company_name: 'C'.repeat(200),
        company_url: `https://partner.test/${'p'.repeat(1000)}`,
      }));
      const payload = JSON.stringify(items);
      assert.ok(payload.length > big.config.bodyLimitBytes, 'the body is larger than a single create may be');
      const started = Date.now();
      const response = await call(big, big.tokens.admin, 'POST', guestsUrl(big.orgId, undefined, '/bulk'), items);
      t.diagnostic(`1,000 items in ${Date.now() - started} ms on ${big.db.kind}`);
      assert.equal(response.statusCode, 200, response.body.slice(0, 500));
      const body = response.json<BulkBody>();
      assert.deepEqual(body.meta, { total: 1000, created: 1000, existing: 0, failed: 0 });
      assert.deepEqual(
        body.data.map((o) => o.index),
        items.map((_, i) => i),
      );
      assert.equal(body.data[999]?.data?.email, items[999]?.email);
      const list = await call(big, big.tokens.admin, 'GET', `${guestsUrl(big.orgId)}?per_page=1`);
      assert.equal(list.json<{ meta: { pagination: { total: number } } }>().meta.pagination.total, 1000);
    } finally {
      await big.close();
    }
  });
});
