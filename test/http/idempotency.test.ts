/**
 * docs/conventions.md, Idempotency: a retried POST with the same Idempotency-Key replays the first
 * answer without a second side effect; another request under the key is 422; a request still in
 * flight is 409; keys are per token (per address on the public endpoint), kept 24 hours; a 500 is
 * not kept; a request without the key costs no statement.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteOptions } from 'fastify';
import { buildTestApp, call, guestsUrl, uniqueEmail, type TestContext } from '../../support/app.js';
import { assertProblem } from '../../support/problem.js';
import { statementsOf } from '../../support/statement-counter.js';

/** Requests with `x-test-hold` wait for `release()` after the key is claimed; `x-test-fail` throws. */
function gate() {
  let release!: () => void;
  let held!: () => void;
  const state = {
    released: new Promise<void>((resolve) => (release = resolve)),
    arrived: new Promise<void>((resolve) => (held = resolve)),
  };
  const onRoute = (route: RouteOptions) => {
    if (route.method !== 'POST' || !route.url.endsWith('/organizations/:org_id/guests')) return;
    const before = route.preHandler ? [route.preHandler].flat() : [];
    route.preHandler = [
      ...before,
      async (request) => {
        if (request.headers['x-test-fail']) throw new Error('forced failure');
        if (!request.headers['x-test-hold']) return;
        held();
        await state.released;
      },
    ] as RouteOptions['preHandler'];
  };
  return { onRoute, release: () => release(), arrived: state.arrived };
}

describe('Idempotency-Key', () => {
  let ctx: TestContext;
  const hold = gate();
  before(async () => {
    ctx = await buildTestApp({ onRoute: hold.onRoute });
  });
  after(() => ctx.close());

  const create = (body: unknown, key?: string, token = ctx.tokens.admin, headers: Record<string, string> = {}) =>
    call(ctx, token, 'POST', guestsUrl(ctx.orgId), body, { ...(key && { 'idempotency-key': key }), ...headers });
  const guestsWith = async (email: string) =>
    (
      await ctx.db.kysely
        .selectFrom('guests')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('email', '=', email)
        .executeTakeFirstOrThrow()
    ).n;
  const mailsTo = async (email: string) =>
    (await ctx.db.kysely.selectFrom('outbox').select('id').where('recipient', '=', email).execute()).length;

  it('replays the first answer, byte for byte, without a second guest or email', async () => {
    const email = uniqueEmail();
    const first = await create({ email, first_name: 'Ada' }, 'replay-1');
    assert.equal(first.statusCode, 201, first.body);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    // Another order of the same fields is the same request.
    const again = await create({ first_name: 'Ada', email }, 'replay-1');
    assert.equal(again.statusCode, 201);
    assert.equal(again.body, first.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.headers['content-type'], first.headers['content-type']);
    assert.equal(again.headers.location, first.headers.location);
    assert.notEqual(again.headers['x-request-id'], first.headers['x-request-id']);
    assert.equal(Number(await guestsWith(email)), 1);
  });

  it('a replayed invitation queues no second email', async () => {
    const email = uniqueEmail('invitee');
    const invite = () =>
      call(
        ctx,
        ctx.tokens.admin,
        'POST',
        `/api/organizations/${ctx.orgId}/users/invite`,
        { email, first_name: 'Pat' },
        {
          'idempotency-key': 'invite-1',
        },
      );
    const first = await invite();
    assert.equal(first.statusCode, 200, first.body);
    const again = await invite();
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body, first.body);
    assert.equal(await mailsTo(email), 1);
  });

  it('refuses the key with another body (422 IDEMPOTENCY_KEY_REUSED), and changes nothing', async () => {
    assert.equal((await create({ email: uniqueEmail() }, 'reuse-1')).statusCode, 201);
    const other = uniqueEmail();
    assertProblem(await create({ email: other }, 'reuse-1'), 422, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal(Number(await guestsWith(other)), 0);
  });

  it('keys are per token: another token may use the same key', async () => {
    assert.equal((await create({ email: uniqueEmail() }, 'shared-1')).statusCode, 201);
    const email = uniqueEmail();
    const theirs = await create({ email }, 'shared-1', ctx.tokens.standard);
    assert.equal(theirs.statusCode, 201, theirs.body);
    assert.equal(theirs.headers['idempotent-replayed'], undefined);
    assert.equal(Number(await guestsWith(email)), 1);
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_USE with Retry-After while the first is in flight, then replays it', async () => {
    const email = uniqueEmail();
    const first = create({ email }, 'flight-1', ctx.tokens.admin, { 'x-test-hold': '1' });
    await hold.arrived;
    const second = await create({ email }, 'flight-1');
    const problem = assertProblem(second, 409, 'IDEMPOTENCY_KEY_IN_USE');
    assert.match(problem.message, /Retry-After/);
    assert.ok(Number(second.headers['retry-after']) >= 1);
    hold.release();
    assert.equal((await first).statusCode, 201);
    const third = await create({ email }, 'flight-1');
    assert.equal(third.statusCode, 201);
    assert.equal(third.headers['idempotent-replayed'], 'true');
    assert.equal(Number(await guestsWith(email)), 1);
  });

  it('a key is free again after 24 hours', async () => {
    assert.equal((await create({ email: uniqueEmail() }, 'expiry-1')).statusCode, 201);
    await ctx.db.kysely
      .updateTable('idempotency_keys')
      .set({ expires_at: '2000-01-01 00:00:00' })
      .where('key', '=', 'expiry-1')
      .execute();
    const email = uniqueEmail();
    const later = await create({ email }, 'expiry-1');
    assert.equal(later.statusCode, 201, later.body);
    assert.equal(later.headers['idempotent-replayed'], undefined);
    assert.equal(Number(await guestsWith(email)), 1);
  });

  it('a request whose lease ran out (its instance crashed) may be taken over by a retry', async () => {
    const email = uniqueEmail();
    const first = await create({ email }, 'lease-1');
    assert.equal(first.statusCode, 201);
    // As if the first had claimed the key and never answered.
    await ctx.db.kysely
      .updateTable('idempotency_keys')
      .set({ state: 'in_flight', status: null, body: null, locked_until: '2000-01-01 00:00:00' })
      .where('key', '=', 'lease-1')
      .execute();
    const retry = await create({ email }, 'lease-1');
    assert.equal(retry.statusCode, 200, retry.body);
    assert.equal(retry.headers['idempotent-replayed'], undefined);
  });

  it('a 500 is not kept: the retry runs the request', async () => {
    const email = uniqueEmail();
    assertProblem(await create({ email }, 'fail-1', ctx.tokens.admin, { 'x-test-fail': '1' }), 500, 'INTERNAL');
    const retry = await create({ email }, 'fail-1');
    assert.equal(retry.statusCode, 201, retry.body);
    assert.equal(retry.headers['idempotent-replayed'], undefined);
    assert.equal(Number(await guestsWith(email)), 1);
  });

  it('a malformed key is 422 naming the header; a file upload refuses the key', async () => {
    for (const key of ['x'.repeat(256), 'naïve']) {
      assertProblem(await create({ email: uniqueEmail() }, key), 422, 'VALIDATION_FAILED', {
        fields: ['Idempotency-Key'],
      });
    }
    const upload = await ctx.app.inject({
      method: 'POST',
      url: `/api/organizations/${ctx.orgId}/file`,
      headers: {
        authorization: `Bearer ${ctx.tokens.admin}`,
        'content-type': 'multipart/form-data; boundary=b',
        'idempotency-key': 'upload-1',
      },
      payload: '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n',
    });
    assertProblem(upload, 422, 'VALIDATION_FAILED', { fields: ['Idempotency-Key'] });
  });

  it('a request without the key costs no statement of its own', async () => {
    const without = await statementsOf(() => create({ email: uniqueEmail() }));
    const withKey = await statementsOf(() => create({ email: uniqueEmail() }, 'count-1'));
    assert.equal(without.result.statusCode, 201);
    assert.equal(withKey.result.statusCode, 201);
    // The claim (one insert) and the store (one update) only.
    assert.equal(without.statements, withKey.statements - 2);
  });

  it('on the public endpoint keys are per client address', async () => {
    const access = (email: string, ip: string, key: string) =>
      ctx.app.inject({
        method: 'POST',
        url: '/public/guests/access',
        payload: { email },
        remoteAddress: ip,
        headers: { 'idempotency-key': key },
      });
    const first = await access('a@partner.test', '192.0.2.1', 'pub-1');
    assert.equal(first.statusCode, 202, first.body);
    const again = await access('a@partner.test', '192.0.2.1', 'pub-1');
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body, first.body);
    assertProblem(await access('b@partner.test', '192.0.2.1', 'pub-1'), 422, 'IDEMPOTENCY_KEY_REUSED');
    const elsewhere = await access('b@partner.test', '192.0.2.2', 'pub-1');
    assert.equal(elsewhere.statusCode, 202);
    assert.equal(elsewhere.headers['idempotent-replayed'], undefined);
  });
});
