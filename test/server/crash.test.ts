// A crash in the middle of writes: concurrent clients create guests against `guests serve`, the
// process is killed (SIGKILL: no shutdown, no flush), started again on the same database, and
// every create that had been acknowledged (2xx) must be there. On a SQLite file, and on
// PostgreSQL when TEST_DATABASE_URL is set.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Config } from '../../src/config.js';
import { freshDatabaseUrl, seedOrganization } from '../../support/app.js';
import { delay, killAll, serveUntilListening } from '../../support/process.js';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
const WRITERS = 8;
/** How long the writes run before the kill. */
const WRITE_FOR_MS = 2500;

describe('SIGKILL during concurrent creates: every acknowledged create survives', () => {
  let dir: string;
  const cleanups: Array<() => Promise<void>> = [];
  const timeline: string[] = [];

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-crash-'));
  });

  after(async () => {
    await killAll();
    for (const cleanup of cleanups) await cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
    if (timeline.length > 0) console.log(`observed:\n  ${timeline.join('\n  ')}`);
  });

  async function crashAndCheck(
    label: string,
    database: Config['database'],
    env: Record<string, string>,
  ): Promise<void> {
    const { orgId, token } = await seedOrganization(database, `Crash ${label}`, `crash-admin-${label}@example.org`);
    const serverEnv = {
      ...env,
      EMAIL_DNS_CHECK: 'off',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'info',
      RATE_LIMIT_MAX: '0',
      GUEST_INVITE_LIMIT_PER_HOUR: '0',
    };
    const headers = {
      Authorization: `Bearer ${token}`,
      'X-Tallyfy-Client': 'APIClient',
      'Content-Type': 'application/json',
    };
    const { process: server, url } = await serveUntilListening(serverEnv);

    const acknowledged: string[] = [];
    const failures: Record<string, number> = {};
    let killed = false;
    const writer = async (w: number) => {
      for (let i = 0; !killed && i < 100_000; i += 1) {
        const email = `crash.${label}.${w}.${i}@example.org`;
        try {
          const response = await fetch(`${url}/api/organizations/${orgId}/guests`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ email, first_name: 'Crash' }),
            signal: AbortSignal.timeout(5000),
          });
          await response.arrayBuffer();
          if (response.status === 201) acknowledged.push(email);
          else failures[`status ${response.status}`] = (failures[`status ${response.status}`] ?? 0) + 1;
        } catch (error) {
          const key = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
          failures[key] = (failures[key] ?? 0) + 1;
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
    await delay(WRITE_FOR_MS);
    server.child.kill('SIGKILL');
    const exit = await server.waitForExit(5000);
    killed = true;
    await Promise.all(writers);
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(acknowledged.length > 0, `some creates were acknowledged before the kill (${JSON.stringify(failures)})`);
    // Only the kill may have failed requests: no error answers.
    assert.deepEqual(
      Object.keys(failures).filter((k) => k.startsWith('status')),
      [],
      JSON.stringify(failures),
    );

    const { process: again, url: url2 } = await serveUntilListening(serverEnv);
    const list = await fetch(`${url2}/api/organizations/${orgId}/guests?without_pagination=true`, {
      headers,
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(list.status, 200);
    const present = new Set(((await list.json()) as { data: Array<{ email: string }> }).data.map((g) => g.email));
    const missing = acknowledged.filter((email) => !present.has(email));
    timeline.push(
      `${label}: ${acknowledged.length} creates acknowledged before SIGKILL, ${present.size} guests after restart, ${missing.length} acknowledged missing; failed requests ${JSON.stringify(failures)}`,
    );
    assert.deepEqual(
      missing,
      [],
      `acknowledged creates lost in the crash (${missing.length} of ${acknowledged.length})`,
    );
    assert.ok(
      present.size <= acknowledged.length + WRITERS,
      `at most one unacknowledged create per writer was in flight (${present.size} present)`,
    );
    assert.deepEqual(await again.stop(), { code: 0, signal: null }, again.describe());
  }

  test('SQLite file', { timeout: 60_000 }, async () => {
    const dataDir = path.join(dir, 'sqlite');
    await crashAndCheck('sqlite', { kind: 'sqlite', file: path.join(dataDir, 'guests.sqlite') }, { DATA_DIR: dataDir });
  });

  test(
    'PostgreSQL',
    { timeout: 60_000, skip: TEST_DATABASE_URL ? false : 'TEST_DATABASE_URL is not set' },
    async () => {
      const database = await freshDatabaseUrl();
      cleanups.push(() => database.drop());
      await crashAndCheck(
        'postgres',
        { kind: 'postgres', url: database.url, poolSize: 2 },
        { DATABASE_URL: database.url, DATA_DIR: path.join(dir, 'pg') },
      );
    },
  );
});
