/**
 * Unsubscribe links carry the guest record and topic with a MAC (src/notifications/unsubscribe.ts),
 * and a queued message's extra headers (List-Unsubscribe) reach the sent email unchanged.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { GuestCodes } from '../../src/guests/guest-code.js';
import { enqueue, newMessageId } from '../../src/outbox/outbox.repository.js';
import { emlFileName } from '../../src/outbox/delivery.js';
import {
  listUnsubscribeHeaders,
  readUnsubscribeToken,
  unsubscribeToken,
  unsubscribeUrl,
} from '../../src/notifications/unsubscribe.js';
import { appWritingMail } from '../../support/mail-dir.js';

describe('unsubscribe tokens', () => {
  const key = randomBytes(32);
  const codes = new GuestCodes(key);

  it('name the record and topic they were made for, and nothing else', () => {
    const token = unsubscribeToken(codes, 42, 'daily_digest');
    assert.deepEqual(readUnsubscribeToken(codes, token), { organizationGuestId: 42, topic: 'daily_digest' });
    const reminders = unsubscribeToken(codes, 42, 'task_reminders');
    assert.deepEqual(readUnsubscribeToken(codes, reminders), { organizationGuestId: 42, topic: 'task_reminders' });
    const mac = token.split('.')[2];
    // The same MAC does not open another record or another topic.
    assert.equal(readUnsubscribeToken(codes, `43.daily_digest.${mac}`), undefined);
    assert.equal(readUnsubscribeToken(codes, `42.task_reminders.${mac}`), undefined);
    for (const bad of ['', '42', '42.daily_digest', '0.daily_digest.' + mac, '42.other.' + mac, `${token}x`, 'a.b.c'])
      assert.equal(readUnsubscribeToken(codes, bad), undefined, bad);
  });

  it('keep working after the key is rotated (the old key listed as previous), not with an unknown key', () => {
    const token = unsubscribeToken(codes, 7, 'task_reminders');
    const rotated = new GuestCodes(randomBytes(32), [key]);
    assert.deepEqual(readUnsubscribeToken(rotated, token), { organizationGuestId: 7, topic: 'task_reminders' });
    assert.equal(readUnsubscribeToken(new GuestCodes(randomBytes(32)), token), undefined);
  });

  it('make an absolute URL under the public base', () => {
    const url = unsubscribeUrl({ publicBaseUrl: 'https://guests.example', codes }, 5, 'daily_digest');
    assert.match(url, /^https:\/\/guests\.example\/unsubscribe\/5\.daily_digest\.[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(listUnsubscribeHeaders(url), {
      'List-Unsubscribe': `<${url}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });
});

describe('extra headers of a queued message', () => {
  const mail = appWritingMail('guests-headers-');

  it('are sent with it, beside Auto-Submitted', async () => {
    const { ctx, dir } = mail;
    const url = 'http://127.0.0.1:3000/unsubscribe/1.daily_digest.AAAAAAAAAAAAAAAAAAAAAA';
    const { id } = await enqueue(
      ctx.db.kysely,
      {
        kind: 'test',
        recipient: 'someone@example.com',
        subject: 'Hello',
        text: 'Body',
        html: null,
        headers: listUnsubscribeHeaders(url),
      },
      newMessageId(ctx.config.publicBaseUrl),
    );
    const row = await ctx.db.kysely.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual((await mail.worker().runOnce()).sent, 1);
    const raw = fs.readFileSync(path.join(dir, 'mail', emlFileName(row)), 'utf8');
    // Unfolded (RFC 5322 folds long header lines).
    const head = raw.slice(0, raw.indexOf('\n\n')).replace(/\n[ \t]+/g, ' ');
    assert.match(head, new RegExp(`^List-Unsubscribe: <${url.replace(/[.]/g, '\\.')}>$`, 'm'));
    assert.match(head, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    assert.match(head, /^Auto-Submitted: auto-generated$/m);
    // And a mail reader still opens it.
    assert.equal((await simpleParser(raw)).subject, 'Hello');
  });
});
