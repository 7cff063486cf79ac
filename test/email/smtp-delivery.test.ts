/**
 * Access emails end to end, through the real server process and a real SMTP server on 127.0.0.1:
 * the guest receives the message and its link opens their page; with the relay down the emails
 * wait in the outbox and all arrive, once each, when it returns; and a server killed (SIGKILL)
 * while its email waits for the relay delivers it, once, after a restart.
 * On SQLite by default; on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshDatabaseUrl, seedOrganization } from '../../support/app.js';
import { delay, killAll, startServerProcess, type GuestsProcess } from '../../support/process.js';
import { linksIn, startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../../support/smtp.js';
import { openDatabase, type Db } from '../../src/db/database.js';
import type { Config } from '../../src/config.js';

const POLL_MS = 200;

describe('access emails through the server process and a real SMTP relay', () => {
  let dir: string;
  let smtp: TestSmtpServer;
  let database: Awaited<ReturnType<typeof freshDatabaseUrl>> | undefined;
  let databaseConfig: Config['database'];
  let db: Db;
  let env: Record<string, string>;
  let orgId: string;
  let token: string;
  let server: { process: GuestsProcess; url: string };
  let counter = 0;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-smtp-'));
    smtp = await startTestSmtpServer();
    let databaseUrl: string;
    if (process.env.TEST_DATABASE_URL) {
      database = await freshDatabaseUrl();
      databaseUrl = database.url;
      databaseConfig = { kind: 'postgres', url: database.url, poolSize: 2 };
    } else {
      const file = path.join(dir, 'guests.sqlite');
      databaseUrl = `sqlite:${file}`;
      databaseConfig = { kind: 'sqlite', file };
    }
    ({ orgId, token } = await seedOrganization(databaseConfig, 'Mail Org', 'mail-admin@example.org'));
    db = openDatabase(databaseConfig);
    env = {
      DATA_DIR: path.join(dir, 'data'),
      DATABASE_URL: databaseUrl,
      EMAIL_DNS_CHECK: 'off',
      SEED_DEMO: 'false',
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Guest access <access@mail-org.test>',
      OUTBOX_POLL_INTERVAL_MS: String(POLL_MS),
      ACCESS_EMAIL_LIMIT_PER_IP: '0',
    };
    server = await startServerProcess(env);
  });

  after(async () => {
    await server?.process.stop().catch(() => undefined);
    await killAll();
    await smtp.stop();
    await db?.close();
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function createGuest(): Promise<{ email: string; link: string }> {
    counter += 1;
    const email = `guest.${process.pid}.${counter}@mail-guests.test`;
    const response = await fetch(`${server.url}/api/organizations/${orgId}/guests`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-tallyfy-client': 'APIClient',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ email, first_name: 'Mail', last_name: `Guest ${counter}` }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    const { data } = (await response.json()) as { data: { email: string; link: string } };
    return data;
  }

  async function requestAccess(email: string): Promise<void> {
    const response = await fetch(`${server.url}/public/guests/access`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    assert.equal(response.status, 202, await response.clone().text());
  }

  async function rowsFor(emails: string[]) {
    return db.kysely.selectFrom('outbox').selectAll().where('recipient', 'in', emails).orderBy('id').execute();
  }

  /** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
  async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}\n${server.process.describe()}`);
      await delay(100);
    }
  }

  function receivedFor(emails: string[]): ReceivedMail[] {
    return smtp.received.filter((m) => m.to.some((to) => emails.includes(to)));
  }

  it('the guest receives the email, and the link in it opens their page', async () => {
    const guest = await createGuest();
    await requestAccess(guest.email);
    await waitUntil(async () => receivedFor([guest.email]).length > 0, 30_000, 'the access email arrives');
    const [mail] = receivedFor([guest.email]);
    assert.ok(mail);
    assert.equal(mail.parsed.subject, 'Your guest links');
    assert.equal(mail.parsed.from?.value[0]?.address, 'access@mail-org.test');
    const links = linksIn(mail);
    assert.deepEqual(links, [guest.link], "the link in the email is the guest's link");
    const page = await fetch(links[0] as string);
    const html = await page.text();
    assert.equal(page.status, 200, html);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(html, /Mail Org/);
  });

  it('with the relay down, emails wait (retried, none lost) and arrive once each when it returns', async () => {
    await smtp.stop();
    const guests = [];
    for (let i = 0; i < 5; i += 1) guests.push(await createGuest());
    const emails = guests.map((g) => g.email);
    for (const email of emails) await requestAccess(email);

    // Every message is held and tried again and again while the relay is away.
    await waitUntil(
      async () => {
        const rows = await rowsFor(emails);
        return rows.length === 5 && rows.every((r) => r.attempts >= 2);
      },
      60_000,
      'each queued email has been tried at least twice',
    );
    const waiting = await rowsFor(emails);
    assert.equal(waiting.length, 5);
    for (const row of waiting) {
      assert.equal(row.sent_at, null);
      assert.equal(row.failed_at, null);
      assert.match(String(row.last_error), /ECONNREFUSED|ECONNECTION|ESOCKET/);
    }
    assert.equal(receivedFor(emails).length, 0);

    await smtp.start();
    await waitUntil(
      async () => (await rowsFor(emails)).every((r) => r.sent_at !== null),
      90_000,
      'every queued email is sent',
    );
    await delay(POLL_MS * 5); // time for any duplicate to show up
    const received = receivedFor(emails);
    assert.equal(received.length, 5, 'exactly five messages');
    assert.deepEqual(
      received.map((m) => m.messageId).sort(),
      waiting.map((r) => r.message_id).sort(),
      'each queued message once, by Message-ID',
    );
    assert.deepEqual(received.flatMap((m) => m.to).sort(), [...emails].sort(), 'each guest once');
  });

  it('a server killed while its email waits for the relay delivers it once after a restart', async () => {
    await smtp.stop();
    const guest = await createGuest();
    await requestAccess(guest.email);
    // Tried and failed, and between attempts (not holding a claim) when the process dies.
    await waitUntil(
      async () => {
        const [row] = await rowsFor([guest.email]);
        return row !== undefined && row.attempts >= 1 && row.locked_until === null;
      },
      30_000,
      'the email has been tried once',
    );
    server.process.child.kill('SIGKILL');
    await server.process.exited;
    const [held] = await rowsFor([guest.email]);
    assert.ok(held);
    assert.equal(held.sent_at, null, 'not sent before the crash');

    await smtp.start();
    server = await startServerProcess(env);
    // The lease (two minutes) bounds the wait should the process have died holding a claim.
    await waitUntil(
      async () => (await rowsFor([guest.email]))[0]?.sent_at !== null,
      150_000,
      'the restarted server sends the email',
    );
    await delay(POLL_MS * 5);
    const received = receivedFor([guest.email]);
    assert.equal(received.length, 1, 'delivered once');
    assert.equal(received[0]?.messageId, held.message_id);
  });
});
