/**
 * A test app that writes its mail as .eml files under a temporary folder (no SMTP relay), with the
 * access-email limits off. Registered in the calling suite: the app is built before its tests, the
 * outbox and the folder are emptied before each, and everything is removed after.
 */
import { after, before, beforeEach } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOutboxWorker, type OutboxWorker } from '../src/outbox/worker.js';
import { accessRequestHandlers } from '../src/public/access.resolve.js';
import { buildTestApp, type TestContext } from './app.js';

export interface MailFixture {
  ctx: TestContext;
  /** The temporary folder; mail goes to `mail/` inside it. */
  dir: string;
  /** A worker of the app's outbox that retries at once. */
  worker(): OutboxWorker;
}

export function appWritingMail(prefix: string): MailFixture {
  const fixture = {
    worker: () =>
      createOutboxWorker({
        db: fixture.ctx.db.kysely,
        config: fixture.ctx.config,
        handlers: accessRequestHandlers(fixture.ctx.links),
        log: fixture.ctx.app.log,
        backoffMs: () => 0,
      }),
  } as MailFixture;
  before(async () => {
    fixture.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fixture.ctx = await buildTestApp({
      env: {
        MAIL_DIR: path.join(fixture.dir, 'mail'),
        ACCESS_EMAIL_LIMIT_PER_IP: '0',
        ACCESS_EMAIL_LIMIT_PER_EMAIL: '0',
      },
    });
  });
  after(async () => {
    await fixture.ctx.close();
    fs.rmSync(fixture.dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await fixture.ctx.db.kysely.deleteFrom('outbox').execute();
    fs.rmSync(path.join(fixture.dir, 'mail'), { recursive: true, force: true });
  });
  return fixture;
}
