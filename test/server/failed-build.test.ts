/**
 * A start that fails part-way (here: GEOIP_DATABASE names no MaxMind file, found after the
 * change listener and the request-limit store are open) closes what it opened. On PostgreSQL the
 * change listener's own connection (docs/conventions.md, Authentication) must be gone: left open,
 * it kept the process alive after its last test. Nor may the test's own schema outlive the failed
 * start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { buildTestApp } from '../../support/app.js';

const url = process.env.TEST_DATABASE_URL;

/** The rows of one query, on a connection of its own (the app under test may have closed its pool). */
async function rowsOf<Row extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The change-listener connections this process has open now. */
async function listenersOfThisProcess(): Promise<number> {
  const rows = await rowsOf<{ n: string }>('select count(*) as n from pg_stat_activity where application_name = $1', [
    `guests-auth-listener:${process.pid}`,
  ]);
  return Number(rows[0]?.n ?? 0);
}

/** The test schemas this process has made and not dropped. */
async function schemasOfThisProcess(): Promise<string[]> {
  const rows = await rowsOf<{ nspname: string }>('select nspname from pg_namespace where starts_with(nspname, $1)', [
    `test_${process.pid}_`,
  ]);
  return rows.map((row) => row.nspname);
}

describe('a start that fails part-way', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'failed-build-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'rejects, naming the setting, and leaves no change listener connected',
    { skip: !url && 'TEST_DATABASE_URL is not set' },
    async () => {
      const notMmdb = path.join(dir, 'not.mmdb');
      writeFileSync(notMmdb, 'this is not a MaxMind database');
      await assert.rejects(buildTestApp({ env: { GEOIP_DATABASE: notMmdb } }), /GEOIP_DATABASE/);
      // The server ends a closed connection's session a moment after the client leaves.
      let open = await listenersOfThisProcess();
      for (let i = 0; i < 20 && open > 0; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        open = await listenersOfThisProcess();
      }
      assert.equal(open, 0, 'the failed start left its change listener connected');
      assert.deepEqual(await schemasOfThisProcess(), [], 'the failed start left its schema behind');
    },
  );
});
