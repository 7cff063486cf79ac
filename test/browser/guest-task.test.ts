/**
 * A guest's task end to end, in a real browser with JavaScript off, against the real server
 * process and a real SMTP server on 127.0.0.1: an admin gives a new guest a task with a required
 * dropdown and a date; the guest follows the link in the assignment email, fills both fields,
 * comments and completes the task with plain forms; the admin then sees the values, the comment
 * and `tasks_completed: 1`. Disabling the guest is refused while the task is open and allowed
 * once it is complete (docs/tasks.md, docs/task-work.md, docs/guest-side.md, docs/guests.md).
 *
 * Needs /usr/bin/chromium: `scripts/setup-debian.sh` installs it (CI runs it first).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { seedOrganization } from '../../support/app.js';
import { browserTestDatabase, openBrowser, callApi } from '../../support/browser.js';
import { killAll, startServerProcess, type GuestsProcess } from '../../support/process.js';
import { linksIn, startTestSmtpServer, type TestSmtpServer } from '../../support/smtp.js';

interface TaskData {
  id: string;
  status: string;
  form_fields: Array<{ id: string; label: string; value: unknown }>;
  threads?: Array<{ content: string; author: { type: string; email: string | null } }>;
}

describe('a guest completes a task in a browser', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'guest-task-'));
  let drop: () => Promise<void> = async () => undefined;
  let server: { process: GuestsProcess; url: string };
  let smtp: TestSmtpServer;
  let browser: Browser;
  let page: Page;
  let orgId: string;
  let token: string;
  const problems: string[] = [];

  const api = (method: string, url: string, body?: unknown) =>
    callApi(server.url, token, method, `/organizations/${orgId}${url}`, body);

  before(async () => {
    const fresh = await browserTestDatabase(dir);
    drop = fresh.drop;
    ({ orgId, token } = await seedOrganization(fresh.database, 'Quotes & Co', 'admin@quotes.test'));
    smtp = await startTestSmtpServer();
    server = await startServerProcess(
      {
        DATA_DIR: dir,
        DATABASE_URL: fresh.url,
        SEED_DEMO: 'false',
        EMAIL_DNS_CHECK: 'off',
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Quotes <tasks@quotes.test>',
        OUTBOX_POLL_INTERVAL_MS: '100',
        LOG_LEVEL: 'warn',
      },
      60_000,
    );
    // The refused completion this test makes on purpose answers 422, which Chromium logs as a failed load.
    ({ browser, page } = await openBrowser(
      problems,
      /Failed to load resource: the server responded with a status of 422/,
    ));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.process.stop().catch(() => undefined);
    await smtp?.stop().catch(() => undefined);
    await killAll();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the emailed link, fills a dropdown and a date, comments, completes; the admin sees it all', async () => {
    const email = 'grace@client.test';
    const created = await api('POST', '/tasks', {
      title: 'Confirm the plan <and> start date',
      summary: 'Pick a plan & a start date.',
      deadline: '2030-01-15 17:00:00',
      owners: { guests: [email] },
      form_fields: [
        { field_type: 'dropdown', label: 'Plan', required: true, options: ['Basic', 'Pro'] },
        { field_type: 'date', label: 'Start date', required: true },
      ],
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const task = created.json.data as TaskData;
    const [plan, start] = task.form_fields;

    // Open: the guest cannot be disabled yet.
    const refused = await api('DELETE', `/guests/${encodeURIComponent(email)}/disable`);
    assert.equal(refused.status, 403, JSON.stringify(refused.json));
    assert.equal(refused.json.code, 'GUEST_HAS_OPEN_TASKS');

    // The assignment email, read from the SMTP server, carries the guest's link.
    const [mail] = await smtp.waitFor(1, 30_000);
    assert.deepEqual(mail!.to, [email]);
    const link = linksIn(mail!).find((url) => url.includes('/guest/'));
    assert.ok(link, `a guest link in the email: ${mail!.parsed.text}`);

    // The guest page lists the task; its title is text, not markup.
    const opened = await page.goto(link);
    assert.equal(opened?.status(), 200);
    await Promise.all([
      page.waitForURL(new RegExp(`/tasks/${task.id}$`)),
      page.getByRole('link', { name: 'Confirm the plan <and> start date' }).click(),
    ]);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Confirm the plan <and> start date');

    // Completing with the required fields empty is refused on the page, naming them.
    await page.getByRole('button', { name: 'Complete task' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /Plan/);

    // Fill both fields by their labels and save: 303 back to the task, values kept.
    await page.getByLabel('Plan').selectOption('Pro');
    await page.getByLabel('Start date').fill('2030-02-01');
    await page.getByRole('button', { name: 'Save answers' }).click();
    assert.equal(await page.getByLabel('Plan').inputValue(), 'Pro');
    assert.equal(await page.getByLabel('Start date').inputValue(), '2030-02-01');

    await page.getByLabel('Add a comment').fill('Pro, from February <b>please</b>.');
    await page.getByRole('button', { name: 'Add comment' }).click();
    assert.ok(await page.getByText('Pro, from February <b>please</b>.').isVisible());

    await page.getByRole('button', { name: 'Complete task' }).click();
    assert.match((await page.locator('main').textContent()) ?? '', /[Cc]ompleted/);

    // The admin sees the values, the comment and the count.
    const read = await api('GET', `/tasks/${task.id}?with=threads`);
    assert.equal(read.status, 200, JSON.stringify(read.json));
    const done = read.json.data as TaskData;
    assert.equal(done.status, 'completed');
    assert.equal(done.form_fields.find((f) => f.id === plan!.id)?.value, 'Pro');
    assert.equal(done.form_fields.find((f) => f.id === start!.id)?.value, '2030-02-01');
    assert.deepEqual(
      done.threads?.map((c) => [c.content, c.author.type, c.author.email]),
      [['Pro, from February <b>please</b>.', 'guest', email]],
    );
    const guest = await api('GET', `/guests/${encodeURIComponent(email)}?with=stats`);
    assert.equal((guest.json.data as { stats: { tasks_completed: number } }).stats.tasks_completed, 1);

    // Nothing open any more: disable is allowed.
    const disabled = await api('DELETE', `/guests/${encodeURIComponent(email)}/disable`);
    assert.equal(disabled.status, 200, JSON.stringify(disabled.json));
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
  });
});
