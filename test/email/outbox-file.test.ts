/**
 * With no SMTP relay configured, the worker writes each message as a real .eml file under
 * MAIL_DIR, logs where, never writes one message twice and never leaves half a file.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { createGuest, type TestContext } from '../../support/app.js';
import { createOutboxWorker } from '../../src/outbox/worker.js';
import { accessRequestHandlers } from '../../src/public/access.resolve.js';
import { appWritingMail } from '../../support/mail-dir.js';
import { emlFileName } from '../../src/outbox/delivery.js';

describe('outbox worker without SMTP: .eml files', () => {
  const mail = appWritingMail('guests-mail-');
  let ctx: TestContext;
  let dir: string;
  before(() => {
    ({ ctx, dir } = mail);
  });
  const worker = mail.worker;
  const files = () => (fs.existsSync(path.join(dir, 'mail')) ? fs.readdirSync(path.join(dir, 'mail')).sort() : []);

  async function requestAccess() {
    const guest = await createGuest(ctx);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/public/guests/access',
      payload: { email: guest.email },
    });
    assert.equal(response.statusCode, 202);
    const row = await ctx.db.kysely
      .selectFrom('outbox')
      .selectAll()
      .where('recipient', '=', guest.email)
      .executeTakeFirstOrThrow();
    return { guest, row };
  }

  it('writes a complete message a mail reader can open, and logs the file', async () => {
    const { guest, row } = await requestAccess();
    assert.deepEqual(await worker().runOnce(), { claimed: 1, sent: 1, retried: 0, failed: 0 });
    assert.deepEqual(files(), [emlFileName(row)]);
    assert.match(emlFileName(row), /^\d{8}T\d{6}-\d+-[0-9a-f]{12}\.eml$/);
    const file = path.join(dir, 'mail', emlFileName(row));
    const parsed = await simpleParser(fs.readFileSync(file));
    assert.equal(parsed.messageId, row.message_id);
    assert.equal(parsed.subject, 'Your guest links');
    assert.equal(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]?.address : undefined, guest.email);
    assert.equal(parsed.from?.value[0]?.address, 'no-reply@localhost');
    assert.ok(parsed.date instanceof Date);
    assert.ok(String(parsed.text).includes(String(guest.link)));
    assert.ok(String(parsed.html).includes(`href="${String(guest.link)}"`));
    const sent = await ctx.db.kysely
      .selectFrom('outbox')
      .selectAll()
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    assert.ok(sent.sent_at);
    const logged = ctx.logs.find((l) => l.msg === 'email written to file' && l.outboxId === row.id);
    assert.equal(logged?.to, file);
  });

  it('never writes a message twice: a second attempt after a lost "sent" finds the file and keeps it', async () => {
    const { row } = await requestAccess();
    await worker().runOnce();
    const file = path.join(dir, 'mail', emlFileName(row));
    const first = fs.readFileSync(file);
    // As after a crash between writing the file and recording it: the message is due again.
    await ctx.db.kysely.updateTable('outbox').set({ sent_at: null }).where('id', '=', row.id).execute();
    assert.deepEqual(await worker().runOnce(), { claimed: 1, sent: 1, retried: 0, failed: 0 });
    assert.deepEqual(files(), [emlFileName(row)], 'one file, no temporary leftovers');
    assert.ok(fs.readFileSync(file).equals(first), 'the file is the one written first');
  });

  it('a mail folder removed while the service runs is made again', async () => {
    const w = worker();
    await requestAccess();
    assert.equal((await w.runOnce()).sent, 1);
    fs.rmSync(path.join(dir, 'mail'), { recursive: true });
    const second = (await requestAccess()).row;
    assert.deepEqual(await w.runOnce(), { claimed: 1, sent: 1, retried: 0, failed: 0 });
    assert.deepEqual(files(), [emlFileName(second)]);
  });

  it('each message gets its own file', async () => {
    const rows = [(await requestAccess()).row, (await requestAccess()).row, (await requestAccess()).row];
    assert.equal((await worker().runOnce()).sent, 3);
    assert.deepEqual(files(), rows.map(emlFileName).sort());
  });

  it('a folder that cannot be written is an attempt failed and retried later, not a lost message', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, 'a file where the mail folder should be');
    const { row } = await requestAccess();
    const blocked = createOutboxWorker({
      db: ctx.db.kysely,
      config: { ...ctx.config, mail: { ...ctx.config.mail, dir: path.join(blocker, 'mail') } },
      handlers: accessRequestHandlers(ctx.links),
      log: ctx.app.log,
      backoffMs: () => 0,
    });
    assert.deepEqual(await blocked.runOnce(), { claimed: 1, sent: 0, retried: 1, failed: 0 });
    const failed = await ctx.db.kysely
      .selectFrom('outbox')
      .selectAll()
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    assert.equal(failed.sent_at, null);
    assert.match(String(failed.last_error), /ENOTDIR/);
    assert.equal((await worker().runOnce()).sent, 1, 'a worker that can write sends it');
    assert.deepEqual(files(), [emlFileName(row)]);
  });
});
