/**
 * A server killed (SIGKILL) in the middle of a digest run, then started again (docs/notifications.md,
 * Digest emails): when its lease has run out the new process resumes the run, and in the end every
 * guest has exactly one digest, none twice and none missing. On a SQLite file, and on PostgreSQL
 * when TEST_DATABASE_URL is set.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { freshDatabaseUrl } from '../../support/app.js';
import {
  cleanEnv,
  delay,
  freePort,
  GuestsProcess,
  killAll,
  startServerProcess,
  TEST_GUEST_CODE_KEY,
} from '../../support/process.js';
import { digestCounts, seedDueGuests } from './digest-seed.js';

const GUESTS = 3000;

describe('a digest run cut by SIGKILL', () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    await killAll();
    for (const cleanup of cleanups) await cleanup();
  });

  it('is resumed after a restart, and no guest gets two digests or none', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-digest-crash-'));
    const remote = process.env.TEST_DATABASE_URL ? await freshDatabaseUrl() : undefined;
    const file = path.join(dir, 'guests.sqlite');
    const url = remote?.url ?? `sqlite:${file}`;
    const db: Db = openDatabase(remote ? { kind: 'postgres', url, poolSize: 2 } : { kind: 'sqlite', file });
    cleanups.push(async () => {
      await db.close();
      await remote?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await migrateToLatest(db);
    await seedDueGuests(db.kysely, GUESTS);
    const env = {
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: '5',
      GUEST_CODE_KEY: TEST_GUEST_CODE_KEY,
      EMAIL_DNS_CHECK: 'off',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      OUTBOX_WORKER: 'false',
      DIGEST_HOUR: '0',
      SCHEDULER_INTERVAL_MS: '100',
      NOTIFICATIONS_LEASE_MS: '2000',
    };

    // Not waiting for it to listen: the run starts at once, and the kill must come in the middle.
    const first = new GuestsProcess(['serve', '--port', String(await freePort())], cleanEnv(env));
    // Past the first batch, so that the run has saved a cursor to resume from.
    while ((await digestCounts(db.kysely)).recorded < 250) assert.ok(first.running, first.describe());
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = await digestCounts(db.kysely);
    assert.ok(atKill.recorded < GUESTS, `the kill came after the run ended (${atKill.recorded} recorded)`);
    // Every digest recorded is queued, and the other way round: the two are one transaction.
    assert.equal(atKill.emails, atKill.recorded);
    const lease = await db.kysely.selectFrom('job_runs').selectAll().where('name', '=', 'digests').executeTakeFirst();
    assert.ok(lease?.locked_by, 'the killed run left its lease');
    assert.ok(Number(lease.cursor) > 0, 'and how far it got');

    const second = await startServerProcess(env);
    for (;;) {
      const counts = await digestCounts(db.kysely);
      if (counts.recorded >= GUESTS) break;
      assert.ok(second.process.running, second.process.describe());
      await delay(50);
    }
    await delay(1000);
    assert.deepEqual(await digestCounts(db.kysely), { recorded: GUESTS, emails: GUESTS, recipients: GUESTS });
    await second.process.stop();
  });
});
