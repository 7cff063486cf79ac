/**
 * Digests from two server processes on one PostgreSQL (docs/notifications.md, Scheduled jobs):
 * every guest due gets exactly one digest, however the two schedulers interleave. Runs when
 * TEST_DATABASE_URL names a PostgreSQL database.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { freshDatabaseUrl } from '../../support/app.js';
import { delay, killAll, startServerProcess, TEST_GUEST_CODE_KEY, type GuestsProcess } from '../../support/process.js';
import { digestCounts, seedDueGuests } from './digest-seed.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const GUESTS = 300;
const INTERVAL_MS = 100;

describe(
  'digests from two instances on one database',
  { skip: TEST_DATABASE_URL ? false : 'TEST_DATABASE_URL is not set' },
  () => {
    let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
    let db: Db;
    const instances: GuestsProcess[] = [];

    before(async () => {
      database = await freshDatabaseUrl();
      db = openDatabase({ kind: 'postgres', url: database.url, poolSize: 2 });
      await migrateToLatest(db);
    });

    after(async () => {
      await Promise.all(instances.map((instance) => instance.stop().catch(() => undefined)));
      await killAll();
      await db?.close();
      await database?.drop();
    });

    it('send each guest one digest', async () => {
      const ids = await seedDueGuests(db.kysely, GUESTS);
      const env = {
        DATABASE_URL: database.url,
        DATABASE_POOL_SIZE: '5',
        GUEST_CODE_KEY: TEST_GUEST_CODE_KEY,
        EMAIL_DNS_CHECK: 'off',
        SEED_DEMO: 'false',
        LOG_LEVEL: 'warn',
        // The queued emails stay queued, to be counted.
        OUTBOX_WORKER: 'false',
        DIGEST_HOUR: '0',
        SCHEDULER_INTERVAL_MS: String(INTERVAL_MS),
        // Short, so that a run that outlives it lets the other instance in, racing on the same guests.
        NOTIFICATIONS_LEASE_MS: '1000',
      };
      instances.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])).map((i) => i.process));
      for (;;) {
        const counts = await digestCounts(db.kysely);
        if (counts.recorded >= GUESTS) break;
        for (const instance of instances) assert.ok(instance.running, instance.describe());
        await delay(50);
      }
      // Both instances go on ticking for a while: nothing more is sent.
      await delay(20 * INTERVAL_MS);
      assert.deepEqual(await digestCounts(db.kysely), { recorded: GUESTS, emails: GUESTS, recipients: GUESTS });
      const sends = await db.kysely.selectFrom('digest_sends').select('organization_guest_id').execute();
      assert.deepEqual(
        sends.map((s) => s.organization_guest_id).sort((a, b) => a - b),
        [...ids].sort((a, b) => a - b),
      );
      for (const instance of instances) assert.ok(instance.running, instance.describe());
    });
  },
);
