/**
 * What the real-browser tests share: Debian's Chromium through playwright-core, with JavaScript
 * off (the guest's pages work without it), and a page that records console errors and page
 * errors so a test can require none.
 *
 * Needs /usr/bin/chromium: `scripts/setup-debian.sh` installs it (CI runs it first).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Config } from '../src/config.js';
import { freshDatabaseUrl } from './app.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The database a browser test's server process uses: a fresh PostgreSQL schema with
 * TEST_DATABASE_URL, else a SQLite file in `dir`. `drop` removes the schema again.
 */
export async function browserTestDatabase(
  dir: string,
): Promise<{ database: Config['database']; url: string; drop(): Promise<void> }> {
  if (process.env.TEST_DATABASE_URL) {
    const fresh = await freshDatabaseUrl();
    return { database: { kind: 'postgres', url: fresh.url, poolSize: 4 }, url: fresh.url, drop: fresh.drop };
  }
  const file = path.join(dir, 'guests.sqlite');
  return { database: { kind: 'sqlite', file }, url: `sqlite:${file}`, drop: async () => undefined };
}

/**
 * Chromium with one page, JavaScript off unless asked for. Console messages and page errors go to `problems`,
 * except console lines matching `expected` (failed loads a test causes on purpose).
 */
export async function openBrowser(
  problems: string[],
  expected?: RegExp,
  /** JavaScript on, for the one page that needs it (the API reference page at /docs). */
  options: { javaScript?: boolean } = {},
): Promise<{ browser: Browser; page: Page }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: the browser tests need Debian's Chromium. Run scripts/setup-debian.sh (as root or with sudo) first.`,
    );
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  const context = await browser.newContext({ javaScriptEnabled: options.javaScript ?? false });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (!expected?.test(message.text())) problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return { browser, page };
}

/** A JSON call to `/api{url}` of a server process with a member's token: the status and the body. */
export async function callApi(
  baseUrl: string,
  token: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: { data: unknown; code?: string } }> {
  const response = await fetch(`${baseUrl}/api${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as { data: unknown; code?: string } };
}
