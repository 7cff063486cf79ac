/**
 * What a digest email says (docs/notifications.md, Digest emails), read back from the sent .eml
 * with a mail parser: overdue tasks first and marked, each with its due time in the guest's zone
 * and a link that opens the task, the guest page, and the unsubscribe link in the body and in the
 * RFC 8058 headers; the organization's name escaped in the HTML.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { emlFileName } from '../../src/outbox/delivery.js';
import { readUnsubscribeToken } from '../../src/notifications/unsubscribe.js';
import { appWritingMail } from '../../support/mail-dir.js';
import { seedTask } from '../../support/tasks.js';
import { digestGuest, digestJob } from './digest-helpers.js';

describe('the digest email', () => {
  const mail = appWritingMail('guests-digest-');

  async function sentDigest() {
    const { ctx, dir } = mail;
    const row = await ctx.db.kysely
      .selectFrom('outbox')
      .selectAll()
      .where('kind', '=', 'guest_digest')
      .executeTakeFirstOrThrow();
    assert.equal((await mail.worker().runOnce()).sent, 1);
    const raw = fs.readFileSync(path.join(dir, 'mail', emlFileName(row)), 'utf8');
    return { raw, parsed: await simpleParser(raw) };
  }

  it('lists the open tasks, overdue first, with links, the guest page and the unsubscribe link', async () => {
    const { ctx } = mail;
    await ctx.db.kysely.updateTable('organizations').set({ name: 'Acme <R&D>' }).where('id', '=', ctx.orgId).execute();
    const guest = await digestGuest(ctx, {
      label: 'reader',
      timezone: 'Europe/Berlin',
      days: ['Wednesday'],
      // The later one first: the order is the email's, not the seeding's.
      deadlines: ['2026-12-10 15:30:00', '2026-11-30 09:00:00', '2026-12-02 07:45:00'],
    });
    const [later, overdue, dueToday] = guest.taskIds as [string, string, string];
    // Someone else's task and a completed one of theirs are not listed.
    await seedTask(ctx.db.kysely, { organizationId: ctx.orgId, title: 'Not theirs' });
    await seedTask(ctx.db.kysely, {
      organizationId: ctx.orgId,
      title: 'Already done',
      guests: [guest.recordId],
      completedAt: '2026-11-01 00:00:00',
    });
    // Wednesday 2 December 2026, 09:00 in Berlin (08:00 UTC): the 07:45 UTC task is just overdue.
    assert.equal(await digestJob(ctx).run(new Date('2026-12-02T08:00:00Z')), 1);
    const { raw, parsed } = await sentDigest();

    assert.equal(parsed.subject, 'Your open tasks at Acme <R&D>');
    assert.equal((parsed.to as { text: string }).text, guest.email);
    const link = `http://guests.test/guest/${guest.code}`;
    const text = parsed.text ?? '';
    assert.match(text, /You have 3 open tasks at Acme <R&D>\./);
    // Overdue ones first and marked; due times in the guest's zone.
    const order = [
      `[OVERDUE] reader task 2\n  Due: 2026-11-30 10:00 (Europe/Berlin)\n  ${link}/tasks/${overdue}`,
      `[OVERDUE] reader task 3\n  Due: 2026-12-02 08:45 (Europe/Berlin)\n  ${link}/tasks/${dueToday}`,
      `reader task 1\n  Due: 2026-12-10 16:30 (Europe/Berlin)\n  ${link}/tasks/${later}`,
    ].map((item) => {
      const at = text.indexOf(item);
      assert.ok(at >= 0, `${item}\nin\n${text}`);
      return at;
    });
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
    assert.ok(!text.includes('Not theirs') && !text.includes('Already done'), text);
    assert.ok(text.includes(`Your guest page:\n  ${link}\n`), text);

    // The unsubscribe link: in the body, and as the one-click header; it names this record and topic.
    const head = raw.slice(0, raw.indexOf('\n\n')).replace(/\n[ \t]+/g, ' ');
    const header = /^List-Unsubscribe: <([^>]+)>$/m.exec(head)?.[1];
    assert.ok(header, head);
    assert.match(head, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    assert.ok(text.includes(`To stop these emails, open this link:\n  ${header}`), text);
    const token = header.split('/unsubscribe/')[1] ?? '';
    assert.deepEqual(readUnsubscribeToken(ctx.links.codes, token), {
      organizationGuestId: guest.recordId,
      topic: 'daily_digest',
    });

    // The HTML says the same, with the name escaped and each task a link.
    const html = String(parsed.html);
    assert.ok(html.includes('Acme &lt;R&amp;D&gt;') && !html.includes('Acme <R&D>'), html);
    for (const id of [overdue, dueToday, later]) assert.ok(html.includes(`<a href="${link}/tasks/${id}">`), html);
    assert.ok(html.indexOf(overdue) < html.indexOf(dueToday) && html.indexOf(dueToday) < html.indexOf(later), html);
    assert.equal((html.match(/<strong>Overdue:<\/strong>/g) ?? []).length, 2);
    assert.ok(html.includes(`<a href="${header}">Stop these emails</a>`), html);
    assert.ok(html.includes(`<a href="${link}">Your guest page</a>`), html);

    // The task link opens that task for the guest.
    const page = await ctx.app.inject({ method: 'GET', url: `/guest/${guest.code}/tasks/${overdue}` });
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes('reader task 2'));
  });

  it('says "one open task" for one', async () => {
    const { ctx } = mail;
    await digestGuest(ctx, { label: 'single', timezone: 'UTC', days: ['Thursday'] });
    assert.equal(await digestJob(ctx).run(new Date('2026-12-03T08:00:00Z')), 1);
    const { parsed } = await sentDigest();
    assert.match(parsed.text ?? '', /You have one open task at /);
  });
});
