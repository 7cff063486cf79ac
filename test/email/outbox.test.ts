/**
 * The outbox worker over SMTP, against a real SMTP server on 127.0.0.1: delivery with the stored
 * Message-ID, retries with backoff on refusal or outage, giving up after the last attempt (or at
 * once on a permanent refusal), the in-process nudge, and a stop that waits for the send in flight.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildTestApp, createGuest, uniqueEmail, type TestContext } from '../../support/app.js';
import { delay } from '../../support/process.js';
import { linksIn, startTestSmtpServer, type TestSmtpServer } from '../../support/smtp.js';
import { createOutboxWorker, type OutboxWorkerOptions } from '../../src/outbox/worker.js';
import { accessRequestHandlers } from '../../src/public/access.resolve.js';
import { backoffMs, enqueue, newMessageId } from '../../src/outbox/outbox.repository.js';
import { notifyOutbox } from '../../src/outbox/outbox-signal.js';
import { formatTimestamp } from '../../src/core/time.js';
import { statementsSentBy } from '../../support/statement-counter.js';

const MAX_ATTEMPTS = 3;

describe('outbox worker over SMTP', () => {
  let ctx: TestContext;
  let smtp: TestSmtpServer;

  before(async () => {
    smtp = await startTestSmtpServer();
    ctx = await buildTestApp({
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Guest access <access@guests.test>',
        OUTBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        ACCESS_EMAIL_LIMIT_PER_IP: '0',
        ACCESS_EMAIL_LIMIT_PER_EMAIL: '0',
      },
    });
  });
  after(async () => {
    await ctx.close();
    await smtp.stop();
  });
  beforeEach(async () => {
    // Each test starts with an empty outbox and relay.
    await ctx.db.kysely.deleteFrom('outbox').execute();
    smtp.received.length = 0;
    smtp.refusals = 0;
    smtp.refuseWith = undefined;
    smtp.holdMs = 0;
    smtp.dataStarted = 0;
    smtp.connections = 0;
    await smtp.start();
  });

  function worker(overrides: Partial<OutboxWorkerOptions> = {}) {
    return createOutboxWorker({
      db: ctx.db.kysely,
      config: ctx.config,
      handlers: accessRequestHandlers(ctx.links),
      log: ctx.app.log,
      ...overrides,
    });
  }

  async function queue(recipient = uniqueEmail('queued')) {
    const messageId = newMessageId(ctx.config.publicBaseUrl);
    const { id } = await enqueue(
      ctx.db.kysely,
      { kind: 'test', recipient, subject: 'A test', text: 'Hello', html: '<p>Hello</p>' },
      messageId,
    );
    return { id, messageId, recipient };
  }

  async function row(id: number) {
    return ctx.db.kysely.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  async function makeDue(id: number) {
    await ctx.db.kysely
      .updateTable('outbox')
      .set({ available_at: formatTimestamp(new Date(Date.now() - 1000)) })
      .where('id', '=', id)
      .execute();
  }

  it("sends a queued access email with its Message-ID, both parts and the guest's link; once", async () => {
    const guest = await createGuest(ctx);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/public/guests/access',
      payload: { email: guest.email },
    });
    assert.equal(response.statusCode, 202);
    const queued = await ctx.db.kysely.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();

    const result = await worker().runOnce();
    assert.deepEqual(result, { claimed: 1, sent: 1, retried: 0, failed: 0 });
    assert.equal(smtp.received.length, 1);
    const [mail] = smtp.received;
    assert.ok(mail);
    assert.deepEqual(mail.to, [guest.email]);
    assert.equal(mail.messageId, queued.message_id);
    assert.equal(mail.parsed.subject, 'Your guest links');
    assert.equal(mail.parsed.from?.value[0]?.address, 'access@guests.test');
    assert.equal(mail.parsed.headers.get('auto-submitted'), 'auto-generated');
    assert.deepEqual(linksIn(mail), [guest.link]);
    assert.ok(String(mail.parsed.html).includes(`href="${String(guest.link)}"`));

    const sent = await row(queued.id);
    assert.ok(sent.sent_at);
    // The request path queued only the request; the link was written in when it was sent.
    assert.equal(queued.text_body, '');
    // Sent, the bodies go: the guest's link is kept in clear nowhere in the database.
    assert.deepEqual([sent.text_body, sent.html_body], ['', null]);
    assert.equal(sent.attempts, 1);
    assert.equal(sent.locked_until, null);
    assert.equal(sent.locked_by, null);
    assert.deepEqual(await worker().runOnce(), { claimed: 0, sent: 0, retried: 0, failed: 0 });
    assert.equal(smtp.received.length, 1, 'not sent again');
  });

  it('a temporary refusal (451) is retried after a backoff, then delivered once', async () => {
    const message = await queue();
    smtp.refuseWith = 451;
    const w = worker();
    assert.deepEqual(await w.runOnce(), { claimed: 1, sent: 0, retried: 1, failed: 0 });
    const failed = await row(message.id);
    assert.equal(failed.attempts, 1);
    assert.equal(failed.sent_at, null);
    assert.equal(failed.failed_at, null);
    assert.equal(failed.locked_until, null);
    assert.match(String(failed.last_error), /451/);
    const wait = Date.parse(`${failed.available_at}Z`) - Date.now();
    assert.ok(wait > -1500 && wait <= 2000, `the first retry waits about one to two seconds, got ${wait} ms`);
    // Not due yet: the next pass leaves it alone (unless the second turned meanwhile).
    if (failed.available_at > formatTimestamp(new Date())) assert.equal((await w.runOnce()).claimed, 0);

    smtp.refuseWith = undefined;
    await makeDue(message.id);
    assert.deepEqual(await w.runOnce(), { claimed: 1, sent: 1, retried: 0, failed: 0 });
    assert.equal(smtp.received.length, 1);
    assert.equal(smtp.received[0]?.messageId, message.messageId);
    const sent = await row(message.id);
    assert.equal(sent.attempts, 2);
    assert.equal(sent.last_error, null);
  });

  it('gives up after OUTBOX_MAX_ATTEMPTS, logged at error', async () => {
    const message = await queue();
    smtp.refuseWith = 451;
    const w = worker({ backoffMs: () => 0 });
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const result = await w.runOnce();
      assert.equal(result.claimed, 1, `attempt ${attempt}`);
      assert.equal(result.failed, attempt === MAX_ATTEMPTS ? 1 : 0);
    }
    const given = await row(message.id);
    assert.ok(given.failed_at);
    assert.equal(given.sent_at, null);
    assert.equal(given.attempts, MAX_ATTEMPTS);
    assert.equal(smtp.refusals, MAX_ATTEMPTS);
    assert.equal((await w.runOnce()).claimed, 0, 'a given-up message is not tried again');
    smtp.refuseWith = undefined;
    assert.equal((await w.runOnce()).claimed, 0);
    assert.equal(smtp.received.length, 0);
    const logged = ctx.logs.find((l) => l.msg === 'email given up' && l.outboxId === message.id);
    assert.equal(logged?.level, 50);
  });

  it('a permanent refusal (550) gives up at once', async () => {
    const message = await queue();
    smtp.refuseWith = 550;
    assert.deepEqual(await worker().runOnce(), { claimed: 1, sent: 0, retried: 0, failed: 1 });
    const given = await row(message.id);
    assert.ok(given.failed_at);
    assert.equal(given.attempts, 1);
    assert.match(String(given.last_error), /550/);
    assert.deepEqual([given.text_body, given.html_body], ['', null], 'given up, the bodies go too');
  });

  it('with the relay down, messages wait and go out once it is back', async () => {
    const messages = [await queue(), await queue(), await queue()];
    await smtp.stop();
    const w = worker({ backoffMs: () => 0 });
    assert.deepEqual(await w.runOnce(), { claimed: 3, sent: 0, retried: 3, failed: 0 });
    for (const m of messages) assert.match(String((await row(m.id)).last_error), /ECONNREFUSED|ECONNECTION|ESOCKET/);
    await smtp.start();
    assert.deepEqual(await w.runOnce(), { claimed: 3, sent: 3, retried: 0, failed: 0 });
    assert.deepEqual(smtp.received.map((m) => m.messageId).sort(), messages.map((m) => m.messageId).sort());
  });

  it('a started worker sends at once when this process queues, without waiting for its poll', async () => {
    const w = worker({ config: { ...ctx.config, outbox: { ...ctx.config.outbox, pollIntervalMs: 600_000 } } });
    const earlier = await queue();
    w.start();
    try {
      // The first pass sends what was waiting; from then on the next poll is ten minutes away.
      await smtp.waitFor(1, 20_000);
      assert.equal(smtp.received[0]?.messageId, earlier.messageId);
      while ((await row(earlier.id)).sent_at === null) await delay(20);
      const guest = await createGuest(ctx);
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/public/guests/access',
        payload: { email: guest.email },
      });
      assert.equal(response.statusCode, 202);
      const [, mail] = await smtp.waitFor(2, 20_000);
      assert.deepEqual(mail?.to, [guest.email]);
    } finally {
      await w.stop();
    }
  });

  it('stop() waits for the sends in flight and leaves them recorded as sent', async () => {
    smtp.holdMs = 1500;
    const w = worker({ config: { ...ctx.config, outbox: { ...ctx.config.outbox, pollIntervalMs: 600_000 } } });
    const messages = [await queue(), await queue(), await queue()];
    w.start();
    notifyOutbox(ctx.db.kysely);
    const deadline = Date.now() + 20_000;
    while (smtp.dataStarted < 3 && Date.now() < deadline) await delay(20);
    assert.equal(smtp.dataStarted, 3, 'the relay got the three messages');
    await w.stop();
    for (const message of messages)
      assert.ok((await row(message.id)).sent_at, 'recorded as sent before stop() returned');
    assert.equal(smtp.received.length, 3);
  });

  it('sends the messages of a pass at once: OUTBOX_CONCURRENCY of them', async () => {
    // The relay holds each message for 3 s: sent one after another, the second would reach it
    // only after the first was answered.
    smtp.holdMs = 3000;
    const w = worker({ config: { ...ctx.config, outbox: { ...ctx.config.outbox, concurrency: 3 } } });
    const messages = [await queue(), await queue(), await queue(), await queue()];
    const started = Date.now();
    const pass = w.runOnce();
    while (smtp.dataStarted < 3 && Date.now() - started < 2500) await delay(20);
    assert.equal(smtp.dataStarted, 3, 'three messages reached the relay before the first was answered');
    assert.deepEqual(await pass, { claimed: 3, sent: 3, retried: 0, failed: 0 });
    assert.equal(smtp.dataStarted, 3, 'the fourth waits for the next pass');
    smtp.holdMs = 0;
    assert.deepEqual(await w.runOnce(), { claimed: 1, sent: 1, retried: 0, failed: 0 });
    assert.deepEqual(smtp.received.map((m) => m.messageId).sort(), messages.map((m) => m.messageId).sort());
    for (const message of messages) assert.equal((await row(message.id)).attempts, 1);
  });

  it('records each sent message of a pass exactly once, however many share a statement', async () => {
    const w = worker({ config: { ...ctx.config, outbox: { ...ctx.config.outbox, concurrency: 5 } } });
    const messages = [await queue(), await queue(), await queue(), await queue(), await queue()];
    const { sent, result } = await statementsSentBy(() => w.runOnce());
    assert.deepEqual(result, { claimed: 5, sent: 5, retried: 0, failed: 0 });
    const records = sent.filter((s) => /^update "outbox" set "sent_at"/.test(s.text));
    assert.ok(records.length >= 1 && records.length <= 5, `${records.length} statements`);
    // The ids are the statements' only numbers (the rest: the time, nulls, empty bodies).
    const recorded = records.flatMap((s) => s.values.filter((v): v is number => typeof v === 'number'));
    assert.deepEqual(
      recorded.sort((a, b) => a - b),
      messages.map((m) => m.id),
    );
    for (const message of messages) assert.ok((await row(message.id)).sent_at);
    assert.equal(smtp.received.length, 5);
  });

  it('keeps its connections to the relay open from one message to the next, OUTBOX_CONCURRENCY at most', async () => {
    const w = worker({ config: { ...ctx.config, outbox: { ...ctx.config.outbox, concurrency: 3 } } });
    try {
      const messages = [];
      for (let i = 0; i < 9; i += 1) messages.push(await queue());
      for (let pass = 0; pass < 3; pass += 1)
        assert.deepEqual(await w.runOnce(), { claimed: 3, sent: 3, retried: 0, failed: 0 });
      assert.deepEqual(smtp.received.map((m) => m.messageId).sort(), messages.map((m) => m.messageId).sort());
      assert.ok(smtp.connections <= 3, `9 messages over ${smtp.connections} connections`);
    } finally {
      await w.stop();
    }
  });

  it('a relay restarted between two messages costs the second at most one retry, never the message', async () => {
    const w = worker({ backoffMs: () => 0 });
    try {
      const first = await queue();
      assert.deepEqual(await w.runOnce(), { claimed: 1, sent: 1, retried: 0, failed: 0 });
      // The pooled connection the first message went over is closed by the relay's restart.
      await smtp.stop();
      await smtp.start();
      const second = await queue();
      const passes = [await w.runOnce()];
      if (passes[0]?.sent === 0) passes.push(await w.runOnce());
      assert.equal(passes.at(-1)?.sent, 1, JSON.stringify(passes));
      assert.deepEqual(
        smtp.received.map((m) => m.messageId),
        [first.messageId, second.messageId],
      );
    } finally {
      await w.stop();
    }
  });

  it('a message that fails to be prepared fails its pass, after the others were sent and recorded', async () => {
    const [first, broken, last] = [await queue(), await queue(), await queue()];
    const handlers = accessRequestHandlers(ctx.links);
    const w = worker({
      handlers: {
        ...handlers,
        prepare: async (db, claimed) => {
          if (claimed.id === broken.id) throw new Error('the database went away');
          return handlers.prepare(db, claimed);
        },
      },
    });
    await assert.rejects(w.runOnce(), /the database went away/);
    assert.ok((await row(first.id)).sent_at);
    assert.ok((await row(last.id)).sent_at);
    const unsent = await row(broken.id);
    assert.equal(unsent.sent_at, null);
    assert.equal(unsent.locked_by, w.id, 'still claimed: it goes again when its lease runs out');
    assert.deepEqual(smtp.received.map((m) => m.messageId).sort(), [first.messageId, last.messageId].sort());
  });
});

describe('backoffMs', () => {
  it('doubles from about two seconds, with jitter, capped at fifteen minutes', () => {
    assert.equal(
      backoffMs(1, () => 0),
      1000,
    );
    assert.equal(
      backoffMs(1, () => 1),
      2000,
    );
    assert.equal(
      backoffMs(2, () => 1),
      4000,
    );
    assert.equal(
      backoffMs(5, () => 1),
      32_000,
    );
    assert.equal(
      backoffMs(5, () => 0),
      16_000,
    );
    assert.equal(
      backoffMs(30, () => 1),
      15 * 60_000,
    );
    assert.equal(
      backoffMs(1000, () => 0.5),
      15 * 60_000 * 0.75,
    );
    for (let i = 0; i < 50; i += 1) {
      const wait = backoffMs(3);
      assert.ok(wait >= 4000 && wait <= 8000, String(wait));
    }
  });
});
