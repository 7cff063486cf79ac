/**
 * The API reference page (docs/service.md, API reference page) in a real browser against the real
 * server process: it loads with no console error and nothing from another host, lists every
 * operation of the document, and "Try it out" on Me with a token entered in its Authorize dialog
 * shows the member's 200 answer.
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

const ADMIN = 'admin@reference.test';

describe('the API reference page in a browser', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reference-page-'));
  let drop: () => Promise<void> = async () => undefined;
  let server: { process: GuestsProcess; url: string };
  let browser: Browser;
  let page: Page;
  let token: string;
  const problems: string[] = [];
  const requested: string[] = [];

  before(async () => {
    const fresh = await browserTestDatabase(dir);
    drop = fresh.drop;
    ({ token } = await seedOrganization(fresh.database, 'Reference & Co', ADMIN));
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
    ({ browser, page } = await openBrowser(problems, undefined, { javaScript: true }));
    page.on('request', (request) => requested.push(request.url()));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.process.stop().catch(() => undefined);
    await killAll();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists every operation, and tries Me with a token from its Authorize dialog', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      servers: Array<{ url: string }>;
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    assert.equal(new URL(document.servers[0]?.url ?? '').origin, server.url, 'the document names this server');
    const ids = Object.values(document.paths)
      .flatMap((item) => Object.values(item).map((op) => op.operationId))
      .filter((id): id is string => typeof id === 'string')
      .sort();
    assert.ok(ids.length > 70, `${ids.length} operations`);

    const response = await page.goto(`${server.url}/docs`);
    assert.equal(response?.status(), 200);
    await page.locator('.opblock').first().waitFor();
    const shown = (await page.locator('.opblock-summary-operation-id').allTextContents()).map((t) => t.trim()).sort();
    assert.deepEqual(shown, ids, 'the page lists each operation of the document once');

    // Authorize with the member's token.
    await page.locator('.auth-wrapper .authorize').click();
    const dialog = page.locator('.modal-ux');
    await dialog.locator('input').first().fill(token);
    await dialog.locator('button.modal-btn.authorize').click();
    await dialog.locator('button.btn-done').click();

    // Try it out on Me (GET /me, under the first server: /api).
    const me = page.locator('#operations-Account-me');
    await me.locator('.opblock-summary').first().click();
    await me.getByRole('button', { name: 'Try it out' }).click();
    await me.getByRole('button', { name: 'Execute' }).click();
    const live = me.locator('.live-responses-table .response');
    await live.first().waitFor();
    assert.equal((await live.locator('.response-col_status').first().textContent())?.trim(), '200');
    assert.match(
      (await me.locator('.live-responses-table .microlight').first().textContent()) ?? '',
      new RegExp(ADMIN),
    );

    // Everything came from this origin: the page, its files, the document and the call.
    const origins = new Set(requested.filter((url) => /^https?:/.test(url)).map((url) => new URL(url).origin));
    assert.deepEqual([...origins], [server.url]);
    assert.ok(requested.includes(`${server.url}/api/me`), 'the call went to this service');
    assert.deepEqual(problems, []);
  });
});
