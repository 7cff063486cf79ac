// `guests import` and `guests export` as real processes (node bin/guests.js) on a temporary SQLite
// database: exit codes (0 all rows, 1 failed rows or a malformed file, 2 usage), the per-row
// report by line, `--json`, re-running a finished file, and an export that imports again.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { killAll, runGuests } from '../../support/process.js';
import { testDns } from '../../support/app.js';
import type { TestDnsServer } from '../../support/dns-server.js';

describe('guests import / export (process)', () => {
  let dir: string;
  let env: Record<string, string>;
  let dns: TestDnsServer;
  let orgId: string;
  let otherId: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guests-cli-import-'));
    dns = await testDns();
    env = { DATA_DIR: dir, DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: '500', SEED_DEMO: 'false' };
    const org = async (name: string) => {
      const result = await runGuests(['org', 'create', '--name', name, '--json'], env);
      assert.equal(result.code, 0, result.describe);
      return (JSON.parse(result.stdout) as { id: string }).id;
    };
    orgId = await org('Source');
    otherId = await org('Target');
  });
  after(async () => {
    await killAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, content: string) => {
    const at = path.join(dir, name);
    fs.writeFileSync(at, content);
    return at;
  };

  test('imports a file, reports failed rows by line with exit 1, and a second run imports nothing new', async () => {
    const csv = file(
      'guests.csv',
      'email,first_name\ncli.one@partner.test,One\nbroken,Two\ncli.three@partner.test,=SUM(A1)\n',
    );
    const first = await runGuests(['import', csv, '--org', orgId], env);
    assert.equal(first.code, 1, first.describe);
    assert.match(first.stdout, /Imported 3 of 3 rows: 2 created, 0 already guests, 1 failed\./);
    assert.match(first.stdout, /line 3 \(broken\): email: /);
    assert.match(first.stderr, /import: 100\.0% 3\/3 rows/, 'plain progress lines when not a terminal');
    const again = await runGuests(['import', csv, '--org', orgId, '--json'], env);
    assert.equal(again.code, 1, again.describe);
    const body = JSON.parse(again.stdout) as { already_done: boolean; data: { counts: { created: number } } };
    assert.equal(body.already_done, true);
    assert.equal(body.data.counts.created, 2);
  });

  test('an export imports into another organization with exit 0; its formula cell is quoted', async () => {
    const exported = path.join(dir, 'export.csv');
    const result = await runGuests(['export', '--org', orgId, '--format', 'csv', '--output', exported], env);
    assert.equal(result.code, 0, result.describe);
    assert.match(result.stdout, /Exported 2 guests/);
    const csv = fs.readFileSync(exported, 'utf8');
    assert.match(csv, /cli\.three@partner\.test,'=SUM\(A1\)/);
    const imported = await runGuests(['import', exported, '--org', otherId], env);
    assert.equal(imported.code, 0, imported.describe);
    assert.match(imported.stdout, /2 created/);
    const json = await runGuests(['export', '--org', otherId, '--format', 'json'], env);
    assert.equal(json.code, 0, json.describe);
    const guests = JSON.parse(json.stdout) as Array<{ email: string; first_name: string }>;
    assert.deepEqual(guests.map((g) => g.email).sort(), ['cli.one@partner.test', 'cli.three@partner.test']);
  });

  test('a malformed file: exit 1, the line named, nothing imported', async () => {
    const csv = file('bad.csv', 'email,first_name\nbad.one@partner.test,Ann\nbad.two@partner.test,"Bo"b"\n');
    const result = await runGuests(['import', csv, '--org', otherId], env);
    assert.equal(result.code, 1, result.describe);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /line 3: bad quoting.*Nothing was imported\./);
    const json = await runGuests(['export', '--org', otherId, '--format', 'json'], env);
    assert.doesNotMatch(json.stdout, /bad\.one/);
  });

  test('usage errors exit 2', async () => {
    for (const args of [
      ['import', '--org', orgId],
      ['export', '--org', orgId, '--format', 'xml'],
      ['import', 'x.csv'],
    ]) {
      const result = await runGuests(args, env);
      assert.equal(result.code, 2, result.describe);
    }
    const missing = await runGuests(['import', path.join(dir, 'nope.csv'), '--org', orgId], env);
    assert.equal(missing.code, 1, missing.describe);
    assert.match(missing.stderr, /cannot read .*nope\.csv: ENOENT/);
  });
});
