/**
 * A guest uploads a file from their task page in a real browser with JavaScript off, against the
 * real server process; a member then downloads the same bytes through the API (docs/guest-side.md,
 * Upload a file on my task page; docs/files.md, Download file).
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
import { PDF } from '../files/file-helpers.js';

interface TaskData {
  id: string;
  form_fields: Array<{ id: string; label: string; value: unknown }>;
}

describe('a guest uploads a file from the task page in a browser', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'guest-file-'));
  let drop: () => Promise<void> = async () => undefined;
  let server: { process: GuestsProcess; url: string };
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
    ({ orgId, token } = await seedOrganization(fresh.database, 'Files & Co', 'admin@files.test'));
    server = await startServerProcess(
      { DATA_DIR: dir, DATABASE_URL: fresh.url, SEED_DEMO: 'false', EMAIL_DNS_CHECK: 'off', LOG_LEVEL: 'warn' },
      60_000,
    );
    ({ browser, page } = await openBrowser(problems));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.process.stop().catch(() => undefined);
    await killAll();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads through a plain multipart form; the member downloads the same bytes', async () => {
    const email = 'ada@client.test';
    const created = await api('POST', '/tasks', {
      title: 'Send the signed contract',
      deadline: '2030-01-15 17:00:00',
      owners: { guests: [email] },
      form_fields: [{ field_type: 'file', label: 'Signed contract', required: true }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const task = created.json.data as TaskData;
    const guest = await api('GET', `/guests/${encodeURIComponent(email)}`);
    const link = (guest.json.data as { link: string }).link;

    assert.equal((await page.goto(`${link}/tasks/${task.id}`))?.status(), 200);
    const form = page.locator('form', { has: page.getByLabel('Add a file to Signed contract') });
    await form.getByLabel('Add a file to Signed contract').setInputFiles({
      name: 'contract (signed).pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await Promise.all([page.waitForURL(/\?done=files$/), form.getByRole('button', { name: 'Upload' }).click()]);
    assert.match((await page.getByRole('status').textContent()) ?? '', /uploaded/);
    assert.ok(await page.getByRole('link', { name: 'contract (signed).pdf' }).isVisible());

    const read = await api('GET', `/tasks/${task.id}`);
    const value = (read.json.data as TaskData).form_fields[0]?.value as Array<{ id: string; filename: string }>;
    assert.equal(value.length, 1);
    assert.equal(value[0]?.filename, 'contract (signed).pdf');
    const dl = await fetch(`${server.url}/api/organizations/${orgId}/file/${value[0]?.id}/dl`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(dl.status, 200);
    assert.equal(dl.headers.get('content-type'), 'application/pdf');
    assert.deepEqual(Buffer.from(await dl.arrayBuffer()), PDF);
    assert.deepEqual(problems, [], 'no console errors or CSP violations');
  });
});
