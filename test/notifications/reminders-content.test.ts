/**
 * The reminder email as a mail reader sees it (docs/notifications.md, Reminders): sent through the
 * outbox, parsed back with mailparser; plain text and HTML both carry the task, its deadline, the
 * guest's task link and the unsubscribe URL of the List-Unsubscribe header; HTML is escaped.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { emlFileName } from '../../src/outbox/delivery.js';
import { appWritingMail } from '../../support/mail-dir.js';
import { HOUR, freshDeadline, guest, jobOf, remindersTo, taskFor, unsubscribeUrlOf } from './reminders-helpers.js';

describe('the reminder email', () => {
  const mail = appWritingMail('guests-reminders-');

  it('parses, in text and HTML, with its link, deadline and one-click unsubscribe', async () => {
    const { ctx, dir } = mail;
    await ctx.db.kysely
      .updateTable('organizations')
      .set({ name: 'Acme <Legal> & Co' })
      .where('id', '=', ctx.orgId)
      .execute();
    const deadline = freshDeadline();
    const { email, code } = await guest(ctx);
    const title = 'Sign <b>"the" contract</b> & return';
    const task = await taskFor(ctx, deadline, [email], { title });
    assert.equal(await jobOf(ctx).run(new Date(deadline.getTime() - 2 * HOUR)), 1);
    const [queued] = await remindersTo(ctx, email);
    assert.ok(queued);
    const url = unsubscribeUrlOf(queued.headers);
    assert.match(url, /^http:\/\/guests\.test\/unsubscribe\/\d+\.task_reminders\.[A-Za-z0-9_-]{22}$/);

    await mail.worker().runOnce();
    const row = await ctx.db.kysely
      .selectFrom('outbox')
      .selectAll()
      .where('id', '=', queued.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(row.sent_at, null);
    const parsed = await simpleParser(fs.readFileSync(path.join(dir, 'mail', emlFileName(row))));
    assert.equal(parsed.subject, `Reminder: ${title} is due ${task.deadline} UTC`);
    // mailparser folds List-* headers into one `list` entry; the lines themselves are what clients read.
    const line = (key: string) =>
      parsed.headerLines
        .find((h) => h.key === key)
        ?.line.replace(/\r?\n[ \t]+/g, ' ')
        .slice(key.length + 1)
        .trim();
    assert.equal(line('list-unsubscribe'), `<${url}>`);
    assert.equal(line('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');

    const link = `http://guests.test/guest/${code}/tasks/${task.id}`;
    const text = parsed.text ?? '';
    for (const part of [title, 'Acme <Legal> & Co', `Due: ${task.deadline} UTC`, link, url])
      assert.ok(text.includes(part), `the text has ${part}:\n${text}`);

    const html = typeof parsed.html === 'string' ? parsed.html : '';
    assert.ok(html.includes('Sign &lt;b&gt;&quot;the&quot; contract&lt;/b&gt; &amp; return'), html);
    assert.ok(html.includes('Acme &lt;Legal&gt; &amp; Co'), html);
    assert.doesNotMatch(html, /<b>/);
    assert.ok(html.includes(`href="${link}"`), html);
    assert.ok(html.includes(`href="${url}"`), html);
  });
});
