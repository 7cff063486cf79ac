/** A GEOIP_DATABASE that cannot be read stops the real server at start, with a message naming it. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, killAll, runGuests } from '../../support/process.js';

describe('GEOIP_DATABASE at start', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'geoip-start-'));
  after(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a missing file: exit 1 and "Invalid configuration: GEOIP_DATABASE ..." on stderr', async () => {
    const missing = path.join(dir, 'missing.mmdb');
    const result = await runGuests(
      ['serve', '--port', String(await freePort())],
      {
        DATA_DIR: dir,
        GEOIP_DATABASE: missing,
        EMAIL_DNS_CHECK: 'off',
        SEED_DEMO: 'false',
      },
      60_000,
    );
    assert.equal(result.code, 1, result.describe);
    assert.match(
      result.stderr,
      new RegExp(
        `Invalid configuration: GEOIP_DATABASE cannot be read as a MaxMind \\(\\.mmdb\\) database: ${missing.replace(/[.]/g, '\\.')}`,
      ),
      result.describe,
    );
    assert.doesNotMatch(result.stdout, /listening/, result.describe);
  });
});
