/**
 * `POST /public/guests/access` does the same work for every address: the request path queues one
 * access request whether or not the address belongs to a guest, and only the outbox worker, when
 * it sends, looks the address up: the email with the links for a guest, nothing (the request is
 * dropped) for anyone else.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { buildTestApp, call, createGuest, guestsUrl, uniqueEmail, type TestContext } from '../../support/app.js';
import { appWritingMail } from '../../support/mail-dir.js';
import { assertAccepted, requestAccess } from './access-helpers.js';

describe('access requests: the same work for known and unknown addresses', () => {
  const fixture = appWritingMail('guests-access-');
  let ctx: TestContext;
  let dir: string;
  before(() => {
    ({ ctx, dir } = fixture);
  });
  const worker = fixture.worker;
  const rows = () => ctx.db.kysely.selectFrom('outbox').selectAll().orderBy('id').execute();
  const mail = () => {
    const folder = path.join(dir, 'mail');
    return fs.existsSync(folder)
      ? fs.readdirSync(folder).map((f) => fs.readFileSync(path.join(folder, f), 'utf8'))
      : [];
  };

  it('queues one row of one shape for either address, with no link in it', async () => {
    const guest = await createGuest(ctx);
    const stranger = uniqueEmail('stranger');
    assertAccepted(await requestAccess(ctx, guest.email));
    assertAccepted(await requestAccess(ctx, stranger));
    const [known, unknown] = await rows();
    assert.ok(known && unknown);
    assert.equal(known.recipient, guest.email);
    assert.equal(unknown.recipient, stranger);
    const shape = ({
      id: _id,
      recipient: _r,
      message_id: _m,
      created_at: _c,
      available_at: _a,
      ...rest
    }: typeof known) => rest;
    assert.deepEqual(shape(known), shape(unknown));
    assert.equal(known.kind, 'guest_access_request');
    assert.equal(known.text_body, '');
    assert.ok(
      !JSON.stringify(known).includes(String(guest.link).split('/').pop() ?? '-'),
      'the queued row holds no link',
    );
  });

  it('the worker sends the guest their links and drops the request for an unknown address', async () => {
    const guest = await createGuest(ctx);
    assertAccepted(await requestAccess(ctx, uniqueEmail('stranger')));
    assertAccepted(await requestAccess(ctx, guest.email));
    const result = await worker().runOnce();
    assert.deepEqual(result, { claimed: 2, sent: 1, retried: 0, failed: 0 });
    const left = await rows();
    assert.equal(left.length, 1, "the unknown address's request is gone");
    assert.equal(left[0]?.recipient, guest.email);
    assert.equal(left[0]?.kind, 'guest_access');
    assert.notEqual(left[0]?.sent_at, null);
    const sent = mail();
    assert.equal(sent.length, 1);
    assert.ok(sent[0]?.includes(String(guest.link)), 'the email carries the link');
    assert.ok(sent[0]?.includes('Your guest links'));
  });

  it('looks the address up when sending: a guest removed after asking gets nothing', async () => {
    const guest = await createGuest(ctx);
    assertAccepted(await requestAccess(ctx, guest.email));
    assert.equal((await call(ctx, ctx.tokens.admin, 'DELETE', guestsUrl(ctx.orgId, guest.email))).statusCode, 200);
    assert.deepEqual(await worker().runOnce(), { claimed: 1, sent: 0, retried: 0, failed: 0 });
    assert.deepEqual(await rows(), []);
    assert.deepEqual(mail(), []);
  });
});

describe('access requests past the per-address limit', () => {
  it("queue nothing, for a guest's address and an unknown one alike", async () => {
    const ctx = await buildTestApp({ env: { ACCESS_EMAIL_LIMIT_PER_EMAIL: '1', ACCESS_EMAIL_LIMIT_PER_IP: '0' } });
    try {
      const guest = await createGuest(ctx);
      const stranger = uniqueEmail('stranger');
      for (const email of [guest.email, stranger, guest.email, stranger])
        assertAccepted(await requestAccess(ctx, email));
      const queued = await ctx.db.kysely.selectFrom('outbox').select(['recipient', 'kind']).orderBy('id').execute();
      assert.deepEqual(queued, [
        { recipient: guest.email, kind: 'guest_access_request' },
        { recipient: stranger, kind: 'guest_access_request' },
      ]);
    } finally {
      await ctx.close();
    }
  });
});
