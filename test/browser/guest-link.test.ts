/**
 * The guest link in a real browser (Debian's Chromium through playwright-core) against the real
 * server process: the guest opens their link, sees their page, saves digest days through the
 * form without JavaScript help, and the link follows the guest's lifecycle — a reset kills the
 * old link, a disable kills every link, an enable hands out a new one.
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
import { browserTestDatabase, openBrowser } from '../../support/browser.js';
import { killAll, startServerProcess, type GuestsProcess } from '../../support/process.js';

interface GuestData {
  email: string;
  link: string;
  details: { cadence_days: string[] | null };
}

describe('the guest link in a browser', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'guest-link-'));
  let drop: () => Promise<void> = async () => undefined;
  let server: { process: GuestsProcess; url: string };
  let browser: Browser;
  let page: Page;
  let orgId: string;
  let token: string;
  const problems: string[] = [];

  const api = async (method: string, url: string, body?: unknown) => {
    const response = await fetch(`${server.url}/api${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'x-tallyfy-client': 'APIClient',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as { data: GuestData; code?: string };
    return { status: response.status, json };
  };
  const guestUrl = (email: string, suffix = '') =>
    `/organizations/${orgId}/guests/${encodeURIComponent(email)}${suffix}`;

  /** Calls a lifecycle endpoint and fails with a clear message when the server does not have it. */
  const lifecycle = async (method: string, email: string, suffix: string) => {
    const { status, json } = await api(method, guestUrl(email, suffix));
    assert.notEqual(json.code, 'ENDPOINT_NOT_FOUND', `${method} ${suffix} does not exist on this server yet`);
    assert.equal(status, 200, `${method} ${suffix}: ${JSON.stringify(json)}`);
    return json.data;
  };
  const currentLink = async (email: string) => (await api('GET', guestUrl(email))).json.data.link;

  async function expectNotFound(link: string): Promise<void> {
    const response = await page.goto(link);
    assert.equal(response?.status(), 404, `${link} answers 404`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'This link does not work');
  }

  async function expectWorks(link: string, name: string): Promise<void> {
    const response = await page.goto(link);
    assert.equal(response?.status(), 200, `${link} answers 200`);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), `Hello, ${name}`);
  }

  before(async () => {
    const fresh = await browserTestDatabase(dir);
    drop = fresh.drop;
    ({ orgId, token } = await seedOrganization(fresh.database, 'Browser & Co', 'admin@browser.test'));
    server = await startServerProcess(
      {
        DATA_DIR: dir,
        DATABASE_URL: fresh.url,
        SEED_DEMO: 'false',
        EMAIL_DNS_CHECK: 'off',
        OUTBOX_WORKER: 'false',
        LOG_LEVEL: 'warn',
      },
      60_000,
    );
    // A CSP violation or any other page error would show here; the 404 pages this test opens on
    // purpose are logged as failed loads, which are not problems.
    ({ browser, page } = await openBrowser(
      problems,
      /Failed to load resource: the server responded with a status of 404/,
    ));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.process.stop().catch(() => undefined);
    await killAll();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the link, saves digest days through the form, and follows reset, disable and enable', async () => {
    const created = await api('POST', `/organizations/${orgId}/guests`, {
      email: 'ada@partner.test',
      first_name: 'Ada',
      last_name: 'Lovelace <3',
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const guest = created.json.data;
    const name = 'Ada Lovelace <3';

    // The page: organization and guest, names shown as text (escaped), styled (the CSP lets the one style sheet in).
    await expectWorks(guest.link, name);
    assert.equal(await page.locator('header .org').textContent(), 'Browser & Co');
    assert.equal(await page.title(), 'Browser & Co — your guest page');
    assert.ok(await page.getByRole('heading', { name: 'Your tasks' }).isVisible());
    assert.ok(await page.getByText('No tasks yet.').isVisible());
    assert.equal(await page.locator('main').evaluate((main) => getComputedStyle(main).maxWidth), '640px');

    // The form, by its labels, with JavaScript off.
    await page.getByLabel('Monday').check();
    await page.getByLabel('Wednesday').check();
    await page.getByLabel('Email me a digest of my tasks').uncheck();
    await page.getByLabel('Language of task content').selectOption('de');
    await Promise.all([page.waitForURL(/\?saved=1$/), page.getByRole('button', { name: 'Save settings' }).click()]);
    assert.match((await page.getByRole('status').textContent()) ?? '', /^Saved\./);
    assert.ok(await page.getByLabel('Monday').isChecked());
    assert.ok(await page.getByLabel('Wednesday').isChecked());
    assert.ok(!(await page.getByLabel('Tuesday').isChecked()));
    assert.ok(!(await page.getByLabel('Email me a digest of my tasks').isChecked()));
    assert.equal(await page.getByLabel('Language of task content').inputValue(), 'de');

    // The organization sees the days, and the access.
    const admin = (await api('GET', guestUrl(guest.email))).json.data as GuestData & {
      last_accessed_at: string | null;
      last_known_ip: string | null;
    };
    assert.deepEqual(admin.details.cadence_days, ['Monday', 'Wednesday']);
    assert.notEqual(admin.last_accessed_at, null);
    assert.equal(admin.last_known_ip, '127.0.0.1');
    const self = (await (await fetch(`${server.url}/api/guest/${guest.link.split('/guest/')[1]}`)).json()) as {
      data: { guest: GuestData };
    };
    assert.deepEqual(self.data.guest.details.cadence_days, ['Monday', 'Wednesday']);

    // Reset: the old link is dead at once, the new one works.
    await lifecycle('PUT', guest.email, '/reset-link');
    const second = await currentLink(guest.email);
    assert.notEqual(second, guest.link);
    await expectNotFound(guest.link);
    await expectWorks(second, name);

    // Disable: every link is dead.
    await lifecycle('DELETE', guest.email, '/disable');
    await expectNotFound(guest.link);
    await expectNotFound(second);

    // Enable: a third link works; the earlier ones stay dead.
    await lifecycle('PUT', guest.email, '/enable');
    const third = await currentLink(guest.email);
    assert.ok(third !== guest.link && third !== second, 'enable hands out a new link');
    await expectWorks(third, name);
    await expectNotFound(second);
    await expectNotFound(guest.link);

    assert.deepEqual(problems, [], 'no console errors or CSP violations');
  });
});
