/**
 * Two instances started at the same moment on one empty database: the migrations run once and the
 * demo organization is seeded once (one of them prints the token, the other prints nothing secret).
 * On SQLite by default; on PostgreSQL too when TEST_DATABASE_URL is set.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/db/database.js';
import { MIGRATION_NAMES } from '../../src/db/migrate.js';
import { freshDatabaseUrl } from '../../support/app.js';
import { killAll, startServerProcess } from '../../support/process.js';

describe('instances starting together on an empty database', () => {
  after(killAll);

  it('migrate once and seed the demo organization once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-concurrent-'));
    const database = process.env.TEST_DATABASE_URL ? await freshDatabaseUrl() : undefined;
    const url = database?.url ?? `sqlite:${path.join(dir, 'guests.sqlite')}`;
    const env = { DATABASE_URL: url, EMAIL_DNS_CHECK: 'off', SEED_DEMO: 'true' };
    const servers = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    try {
      const printed = servers.filter((s) => /access token\s+: gst_/.test(s.process.stdout));
      assert.equal(printed.length, 1, servers.map((s) => s.process.describe()).join('\n'));
      const db = openDatabase(
        database ? { kind: 'postgres', url, poolSize: 1 } : { kind: 'sqlite', file: path.join(dir, 'guests.sqlite') },
      );
      try {
        const orgs = await db.kysely.selectFrom('organizations').select('id').execute();
        assert.equal(orgs.length, 1);
        const migrations = await db.kysely
          .selectFrom('kysely_migration' as never)
          .select('name' as never)
          .orderBy('name' as never)
          .execute();
        assert.deepEqual(
          migrations.map((row) => (row as { name: string }).name),
          [...MIGRATION_NAMES],
        );
      } finally {
        await db.close();
      }
      for (const server of servers) assert.deepEqual(await server.process.stop(), { code: 0, signal: null });
    } finally {
      await killAll();
      await database?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
